"""Answering a question from the knowledge base, with real rasa-sdk trackers and a
real database (SQLite and PostgreSQL): the topic the model chose, the two closest
when it is not sure, a topic picked from those buttons, mid-form answers, an
admin's edit live at once, a retired topic never invented."""

from __future__ import annotations

import asyncio
import json

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import NOT_HERE, TOPIC_SURE_AT, WHICH_ONE, ActionAnswerQuestion, topic_button
from actions.referral.validate import ValidateReferralForm
from bot.db.crud import knowledge
from bot.db.session import session_scope
from bot.staff.accounts import create_staff
from tests.unit.test_referral_form import domain  # noqa: F401  (the merged domain fixture)


def parsed(
    text: str,
    ranking: list[tuple[str, float]],
    intent: str = "faq",
    confidence: float = 0.95,
    entities: list | None = None,
) -> dict:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {"intent_response_key": f"faq/{ranking[0][0]}", "confidence": ranking[0][1]},
                "ranking": [{"intent_response_key": f"faq/{t}", "confidence": c} for t, c in ranking],
            },
        },
    }


def ask(message: dict, **slots) -> list[dict]:
    tracker = Tracker("t-kb", slots, message, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswerQuestion().run(dispatcher, tracker, {}))
    return dispatcher.messages


def live_text(topic: str) -> str:
    with session_scope() as session:
        return knowledge.live_answer(session, topic).text


def test_a_sure_topic_gets_its_answer_and_next_steps(db_url):
    [reply] = ask(
        parsed(
            "do i get a criminal record if i just come myself",
            [("record_self_referral", 0.82), ("record_caution", 0.1)],
        )
    )
    assert reply["text"] == live_text("record_self_referral")
    assert "record" in reply["text"].lower()
    assert reply["buttons"] and all(b["payload"].startswith("/") for b in reply["buttons"])


def test_not_sure_offers_the_two_closest_topics_and_a_person(db_url):
    low = TOPIC_SURE_AT - 0.1
    [reply] = ask(
        parsed(
            "what about the thing with the police",
            [("police_told_caution", low), ("police_told_self_referral", low - 0.05), ("record_caution", 0.05)],
        )
    )
    assert reply["text"] == WHICH_ONE
    with session_scope() as session:
        titles = [knowledge.live_answer(session, t).title for t in ("police_told_caution", "police_told_self_referral")]
    assert [b["title"] for b in reply["buttons"]] == [*titles, "Talk to a person"]
    assert reply["buttons"][0]["payload"] == '/faq{"faq_topic": "police_told_caution"}'
    assert reply["buttons"][-1]["payload"] == "/human_handoff"


def test_a_topic_picked_from_the_buttons_is_answered(db_url):
    payload = topic_button("interpreter", "Interpreters")["payload"]
    assert json.loads(payload[len("/faq") :]) == {"faq_topic": "interpreter"}
    # A button press: the ranking is whatever the model said about the payload, the entity decides.
    [reply] = ask(
        parsed(payload, [("free", 0.2)], confidence=1.0, entities=[{"entity": "faq_topic", "value": "interpreter"}])
    )
    assert reply["text"] == live_text("interpreter")


def test_an_admin_edit_is_the_next_answer(db_url):
    with session_scope() as session:
        admin = create_staff(session, email="kb-admin@example.org", name="KB Admin", role="admin")
        before = knowledge.live_answer(session, "travel_costs")
        knowledge.save_edit(
            session,
            "travel_costs",
            title=before.title,
            staff_id=admin.id,
            text="Yes. We pay your bus or train fare to every meeting. Keep your ticket.",
            next_steps=[(s.title, s.payload) for s in before.next],
        )
    [reply] = ask(parsed("can u pay my bus fare", [("travel_costs", 0.9)]))
    assert reply["text"] == "Yes. We pay your bus or train fare to every meeting. Keep your ticket."


def test_a_retired_topic_is_not_answered(db_url):
    with session_scope() as session:
        knowledge.set_retired(session, "court_support", True)
    [reply] = ask(parsed("will someone come to court with me", [("court_support", 0.9)]))
    assert reply["text"] == NOT_HERE
    assert [b["payload"] for b in reply["buttons"]] == ["/human_handoff"]


def test_mid_form_the_answer_comes_then_the_question_again(db_url, domain):  # noqa: F811
    text = "wait will the police know i came here"
    message = parsed(text, [("police_told_self_referral", 0.7)])
    tracker = Tracker(
        "t-kb-form",
        {"requested_slot": "phone", "phone": text, "consent": "yes", "age_ok": "adult"},
        message,
        [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text},
            {"event": "slot", "name": "phone", "value": text},
        ],
        False,
        None,
        {"name": "referral_form"},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateReferralForm().run(dispatcher, tracker, domain))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["phone"] is None  # not taken as her number: the form asks again
    [reply] = dispatcher.messages
    assert reply["text"] == live_text("police_told_self_referral")
    assert not reply["buttons"]  # the form's own question follows, not the answer's next steps


def test_not_understood_but_probably_a_question_offers_topics_not_the_menu(db_url):
    from actions.handoff import ActionFallback

    message = parsed(
        "hmm what abt the kids thing",
        [("bring_child", 0.3), ("children_information", 0.25)],
        intent="nlu_fallback",
        confidence=0.45,
    )
    message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "faq", "confidence": 0.4},
        {"name": "self_refer", "confidence": 0.2},
    ]
    tracker = Tracker(
        "t-kb-fb", {}, message, [{"event": "user", "text": message["text"]}], False, None, {}, "action_listen"
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    [reply] = dispatcher.messages
    assert reply["text"] == WHICH_ONE
    assert [b["payload"] for b in reply["buttons"]] == [
        '/faq{"faq_topic": "bring_child"}',
        '/faq{"faq_topic": "children_information"}',
        "/human_handoff",
    ]


def test_not_understood_but_probably_a_search_goes_to_the_search(db_url):
    from actions.handoff import ActionFallback

    message = {
        "text": "is the Peckham Womens Hub open today",
        "intent": {"name": "nlu_fallback", "confidence": 0.45},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.45},
            {"name": "find_service", "confidence": 0.50},
            {"name": "out_of_scope", "confidence": 0.49},
        ],
        "entities": [],
    }
    tracker = Tracker(
        "t-kb-fs", {}, message, [{"event": "user", "text": message["text"]}], False, None, {}, "action_listen"
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    assert events == [{"event": "followup", "timestamp": None, "name": "action_find_services"}]
    assert dispatcher.messages == []
