"""A crisis alert that gets worse is told to the keyworkers again (issue 19, point 9).

A second, worse disclosure in the same conversation (a threat, then an
overdose) updates the one open alert and texts and emails the on-duty
keyworker again at once; the same grade again (or a milder kind) sends nothing
more. Driven through the crisis action and the SMS channel's early alert, as
in a conversation, on both databases; the outbox rows are what is asserted.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.crisis as crisis_action
from bot.db.models import Alert, AlertReason, OutboxMessage
from bot.db.session import session_scope
from bot.safety.after_crisis import Kind
from bot.safety.crisis_alert import worse_grade
from bot.staff.alert_notify import WORSE_TEXT, raise_and_notify

SEEDED_PHONE, SEEDED_EMAIL = "+447700900999", "keyworker@example.org"  # the on-duty SAMPLE keyworker
NEW_URGENT = "1 new alert in Elpis, 1 urgent. Please log in."
MONDAY_MORNING = datetime(2026, 12, 7, 11, 0, tzinfo=timezone.utc)


def _says(monkeypatch, sender: str, text: str) -> None:
    """She writes `text` and the crisis action answers (as CrisisPolicy routes it)."""
    message = {"intent": {"name": "crisis", "confidence": 1.0}, "text": text}
    tracker = Tracker(
        sender, {}, message, [{"event": "user", "text": text, "parse_data": message}], False, None, {}, "action_listen"
    )
    monkeypatch.setattr(crisis_action, "utcnow", lambda: MONDAY_MORNING)
    asyncio.run(crisis_action.ActionCrisisAlert().run(CollectingDispatcher(), tracker, {}))


def _alert_texts(channel: str = "sms") -> list[tuple[str, str]]:
    with session_scope() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(OutboxMessage.to_address, OutboxMessage.body)
                .where(OutboxMessage.kind == "alert", OutboxMessage.channel == channel)
                .order_by(OutboxMessage.id)
            )
        ]


def _summary(sender: str) -> str:
    with session_scope() as session:
        return session.execute(select(Alert.summary).where(Alert.conversation_id == sender)).scalar_one()


def test_a_threat_then_an_overdose_tells_the_keyworker_again_at_once(db_url, monkeypatch):
    _says(monkeypatch, "worse-1", "he says he'll kill me")
    assert _alert_texts() == [(SEEDED_PHONE, NEW_URGENT)]
    _says(monkeypatch, "worse-1", "i've taken all my tablets")
    assert _summary("worse-1") == "Danger now: overdose; threats or violence"
    # Inside the gap, and her first alert's text counted urgent: told again all the same.
    assert _alert_texts() == [(SEEDED_PHONE, NEW_URGENT), (SEEDED_PHONE, WORSE_TEXT)]
    assert _alert_texts("email") == [(SEEDED_EMAIL, NEW_URGENT), (SEEDED_EMAIL, WORSE_TEXT)]
    assert "tablets" not in WORSE_TEXT and "overdose" not in WORSE_TEXT.lower()  # counts only, never why


def test_the_same_grade_again_or_a_milder_kind_sends_nothing_more(db_url, monkeypatch):
    _says(monkeypatch, "worse-2", "i've taken all my tablets")
    _says(monkeypatch, "worse-2", "i took the pills, loads of them")  # the same again
    _says(monkeypatch, "worse-2", "and he hit me")  # a milder kind than an overdose
    assert _summary("worse-2") == "Danger now: overdose; threats or violence"
    assert _alert_texts() == [(SEEDED_PHONE, NEW_URGENT)]


def test_an_sms_alert_named_by_the_action_is_one_text_until_it_gets_worse(db_url, monkeypatch):
    # The SMS channel raises the alert as her text is stored (kind not yet known);
    # the crisis action then names the kind: the same danger, not a worse one.
    sender = "+447700900555"
    for text in ("he's outside with a knife", "i've swallowed 30 paracetamol"):
        with session_scope() as session:
            raise_and_notify(session, AlertReason.CRISIS, conversation_id=sender, channel="sms")
        _says(monkeypatch, sender, text)
    assert _alert_texts() == [(SEEDED_PHONE, NEW_URGENT), (SEEDED_PHONE, WORSE_TEXT)]


def test_distress_then_danger_is_a_new_urgent_alert_told_at_once(db_url, monkeypatch):
    with session_scope() as session:
        raise_and_notify(session, AlertReason.DISTRESS, conversation_id="worse-3", channel="rest")
    assert _alert_texts() == []  # plain: the worker's digest
    _says(monkeypatch, "worse-3", "he's back and he's got a knife")
    # At once, counting the plain one it folds in.
    assert _alert_texts() == [(SEEDED_PHONE, "2 new alerts in Elpis, 1 urgent. Please log in.")]


def test_which_changes_are_worse():
    assert worse_grade([Kind.VIOLENCE], [Kind.VIOLENCE, Kind.OVERDOSE]) is Kind.OVERDOSE
    assert worse_grade([Kind.VIOLENCE], [Kind.VIOLENCE, Kind.SUICIDE]) is Kind.SUICIDE
    assert worse_grade([Kind.OVERDOSE], [Kind.OVERDOSE, Kind.VIOLENCE]) is None
    assert worse_grade([Kind.SUICIDE], [Kind.SUICIDE]) is None
    assert worse_grade([], [Kind.OVERDOSE]) is None  # the kind not clear went out as every danger
