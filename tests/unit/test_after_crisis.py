"""After a crisis (issue 19, points 9-11): the reply that fits the danger, the alert
updated with each new kind of danger and linked to her case, the honest answer to
"is someone coming?", and when a person will really see it. The action is run
directly against both databases, with the clock set (a Sunday, a Monday)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.crisis as crisis_action
from bot.db.crud.alerts import raise_alert
from bot.db.models import Alert, AlertReason, AlertStatus, AlertUrgency, Conversation, Pathway, Referral, Woman
from bot.db.session import session_scope
from bot.safety.after_crisis import (
    Kind,
    alert_summary,
    carry_on_answer,
    danger_reply,
    follow_up_reply,
    is_follow_up,
    kinds_in_summary,
    kinds_of,
    team_line,
)
from bot.safety.crisis import CRISIS_REPLY

HOURS = "Mon-Fri 09:30-17:00"
SUNDAY_NIGHT = datetime(2026, 12, 6, 20, 0, tzinfo=timezone.utc)
MONDAY_MORNING = datetime(2026, 12, 7, 11, 0, tzinfo=timezone.utc)


def test_each_danger_gets_its_own_reply():
    overdose = danger_reply(kinds_of("i've taken all my tablets"))
    assert "999" in overdose and "ambulance" in overdose and "A&E" in overdose
    assert "press 55" not in overdose and "0808 2000 247" not in overdose  # not the domestic-abuse wording
    hurt = danger_reply(kinds_of("i'm bleeding and can't stop it"))
    assert "ambulance" in hurt and "0808 2000 247" not in hurt
    violence = danger_reply(kinds_of("he's outside and says he'll kill me"))
    assert violence == CRISIS_REPLY and "ambulance" not in violence
    suicidal = danger_reply(kinds_of("i want to end it all"))
    assert "116 123" in suicidal and "999" in suicidal
    assert "0808 2000 247" not in suicidal and "press 55" not in suicidal
    both = danger_reply(kinds_of("he threatened me so i took 30 paracetamol"))
    assert both.index("ambulance") < both.index("0808 2000 247") and both.count("116 123") == 1
    # Danger the net cannot place (the model's, "999", "No" to "are you safe?"): every number.
    assert danger_reply(kinds_of("999")) == CRISIS_REPLY == danger_reply([])


def test_idioms_are_no_kind_of_danger():
    assert kinds_of("i overdosed on chocolate lol") == []


def test_alert_summary_is_fixed_wording_and_reads_back():
    summary = alert_summary([Kind.VIOLENCE, Kind.OVERDOSE])
    assert summary == "Danger now: overdose; threats or violence"
    assert kinds_in_summary(summary) == [Kind.OVERDOSE, Kind.VIOLENCE]
    assert kinds_in_summary("Crisis words in a conversation") == []


def test_team_line_is_honest_about_when_a_person_sees_it():
    sunday = team_line(SUNDAY_NIGHT, HOURS)
    assert "until the team is back tomorrow after 9:30am" in sunday and "999" in sunday
    assert "back on Monday after 9:30am" in team_line(datetime(2026, 12, 5, 20, 0, tzinfo=timezone.utc), HOURS)
    monday = team_line(MONDAY_MORNING, HOURS)
    assert "as soon as they can" in monday and "Monday" not in monday
    assert "can't send anyone" in sunday and "can't send anyone" in monday


def test_follow_up_says_what_happened_and_what_she_can_do():
    reply = follow_up_reply(SUNDAY_NIGHT, HOURS, [Kind.OVERDOSE], "open")
    assert "Nobody is on the way from us" in reply and "tomorrow after 9:30am" in reply
    assert "ambulance" in reply
    seen = follow_up_reply(MONDAY_MORNING, HOURS, [Kind.VIOLENCE], "seen")
    assert "has seen your message" in seen and "press 55" in seen


def test_follow_ups_and_carry_on_answers():
    for text in (
        "I'm scared, is someone coming?",
        "what happens now?",
        "are the police coming",
        "will someone come",
        "has anyone seen it",
    ):
        assert is_follow_up(text), text
    for text in ("Jo", "SE15 4QF", "07700 900123", "texts only"):
        assert not is_follow_up(text), text
    assert carry_on_answer("yes", None) is True and carry_on_answer("carry on", None) is True
    assert carry_on_answer("/affirm", "affirm") is True
    assert carry_on_answer("not now", None) is False and carry_on_answer("no", None) is False
    assert carry_on_answer("Jo", "inform") is None


def _tracker(sender: str, text: str, intent: str, events: list | None = None, form: str | None = None) -> Tracker:
    message = {"intent": {"name": intent, "confidence": 1.0}, "text": text}
    return Tracker(
        sender,
        {"requested_slot": "preferred_name" if form else None},
        message,
        (events or []) + [{"event": "user", "text": text, "parse_data": message}],
        False,
        None,
        {"name": form} if form else {},
        "action_listen",
    )


def _run(monkeypatch, at: datetime, tracker: Tracker) -> list[dict]:
    monkeypatch.setattr(crisis_action, "utcnow", lambda: at)
    dispatcher = CollectingDispatcher()
    asyncio.run(crisis_action.ActionCrisisAlert().run(dispatcher, tracker, {}))
    return dispatcher.messages


def _texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def _crisis_alerts(sender: str) -> list[Alert]:
    with session_scope() as session:
        rows = (
            session.execute(select(Alert).where(Alert.conversation_id == sender, Alert.reason == AlertReason.CRISIS))
            .scalars()
            .all()
        )
        session.expunge_all()
        return rows


def test_a_worse_disclosure_updates_the_one_alert_and_links_her_case(db_url, monkeypatch):
    sender = "after-1"
    with session_scope() as session:
        woman = Woman(phone_e164="+447700900111", safe_to_text=True)
        session.add(woman)
        session.flush()
        referral = Referral(
            reference="ELP-TEST01",
            woman_id=woman.id,
            pathway=Pathway.SELF,
            in_coverage=True,
            conversation_id="elsewhere",
        )
        session.add(referral)
        # The alert the SMS channel raised as her text was stored, before she was known.
        raise_alert(session, AlertReason.CRISIS, conversation_id=sender, channel="rest")
        session.flush()
        session.add(Conversation(sender_id=sender, channel="rest", woman_id=woman.id))
        woman_id, referral_id = woman.id, referral.id

    said = _texts(_run(monkeypatch, SUNDAY_NIGHT, _tracker(sender, "he says he'll kill me", "crisis")))
    assert "0808 2000 247" in said and "until the team is back tomorrow after 9:30am" in said
    [alert] = _crisis_alerts(sender)
    assert alert.summary == "Danger now: threats or violence"
    assert (alert.woman_id, alert.referral_id) == (woman_id, referral_id)

    said = _texts(_run(monkeypatch, SUNDAY_NIGHT, _tracker(sender, "i've taken all my tablets", "crisis")))
    assert "ambulance" in said
    [alert] = _crisis_alerts(sender)  # the same alert, now saying both
    assert alert.summary == "Danger now: overdose; threats or violence"
    assert alert.urgency == AlertUrgency.URGENT and "tablets" not in alert.summary and "kill" not in alert.summary


def test_is_someone_coming_after_the_crisis_is_answered_honestly(db_url, monkeypatch):
    sender = "after-2"
    _run(monkeypatch, SUNDAY_NIGHT, _tracker(sender, "i've taken all my tablets", "crisis"))
    said = _texts(_run(monkeypatch, SUNDAY_NIGHT, _tracker(sender, "I'm scared, is someone coming?", "distress")))
    assert "Nobody is on the way from us" in said and "ambulance" in said
    assert "until the team is back tomorrow after 9:30am" in said
    assert len(_crisis_alerts(sender)) == 1  # nothing new raised by a question
    # A keyworker acknowledged it: she is told so.
    with session_scope() as session:
        session.execute(
            select(Alert).where(Alert.conversation_id == sender)
        ).scalar_one().status = AlertStatus.ACKNOWLEDGED
    said = _texts(_run(monkeypatch, MONDAY_MORNING, _tracker(sender, "has anyone seen it?", "faq")))
    assert "Someone in our team has seen your message" in said


def test_mid_form_danger_asks_to_carry_on_with_buttons(db_url, monkeypatch):
    messages = _run(monkeypatch, MONDAY_MORNING, _tracker("after-3", "he hit me again", "crisis", form="referral_form"))
    assert "carry on with your referral" in messages[-1]["text"]
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/affirm", "/deny"]
    assert "as soon as they can" in _texts(messages)
    events = [
        {"event": "user", "text": "he hit me again"},
        {"event": "action", "name": "action_crisis_alert"},
        {"event": "bot", "text": "..."},
        {"event": "action", "name": "action_listen"},
    ]
    not_yet = _run(monkeypatch, MONDAY_MORNING, _tracker("after-3", "not now", "deny", events, "referral_form"))
    assert "no rush" in not_yet[0]["text"] and len(_crisis_alerts("after-3")) == 1
