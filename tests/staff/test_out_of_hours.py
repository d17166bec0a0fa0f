"""'Talk to a person' out of hours says when someone will be in touch and gives the crisis numbers."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.handoff as handoff
from bot.db.models import Alert, AlertReason
from bot.db.session import session_scope


def _tracker(sender: str) -> Tracker:
    return Tracker(
        sender,
        {},
        {"intent": {"name": "human_handoff"}, "text": "can I talk to someone"},
        [],
        False,
        None,
        {},
        "action_listen",
    )


def _run(monkeypatch, at: datetime, sender: str) -> str:
    monkeypatch.setattr(handoff, "utcnow", lambda: at)
    dispatcher = CollectingDispatcher()
    asyncio.run(handoff.ActionRequestHuman().run(dispatcher, _tracker(sender), {}))
    return "\n".join(m.get("text") or m.get("response") or "" for m in dispatcher.messages)


def test_out_of_hours_request_says_when_and_gives_numbers(db_url, monkeypatch):
    saturday_night = datetime(2026, 11, 28, 21, 0, tzinfo=timezone.utc)
    said = _run(monkeypatch, saturday_night, "ooh-1")
    assert "not in right now" in said and "on Monday after 9:30am" in said
    assert "utter_crisis" in said  # the fixed crisis numbers response
    with session_scope() as session:
        assert (
            session.execute(select(Alert).where(Alert.conversation_id == "ooh-1")).scalar_one().reason
            == AlertReason.HUMAN_REQUESTED
        )


def test_in_hours_request_gets_the_usual_answer(db_url, monkeypatch):
    monday_morning = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)
    said = _run(monkeypatch, monday_morning, "ooh-2")
    assert "utter_handoff_requested" in said and "not in right now" not in said
