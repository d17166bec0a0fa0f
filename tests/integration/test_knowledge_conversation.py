"""Questions answered from the knowledge base, end to end: the real Rasa server
(KnowledgeSelector), action server and database, over REST and the web chat
(SMS: tests/channels/test_sms_knowledge.py). Every topic, the questions the
issue saw go wrong, mid-form answers, and an admin's edit live at once."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bot.db.crud import knowledge
from bot.settings import REPO_ROOT
from bot.staff.accounts import create_staff
from tests.conftest import Chat, new_sender
from tests.integration.test_socketio_channel import Tab, run


def topic_questions() -> dict[str, str]:
    """One training question per topic: each topic must be reachable by asking. (The
    first, except where the first asks for its flow: "can i see the data you have on me"
    rightly starts the data summary.)"""
    doc = yaml.safe_load((REPO_ROOT / "data" / "nlu" / "knowledge.yml").read_text(encoding="utf-8"))
    out = {}
    for block in doc["nlu"]:
        if "/" not in block["intent"]:
            continue  # plain "faq": the intent only, no topic
        first = next(line[2:].strip() for line in block["examples"].splitlines() if line.strip().startswith("- "))
        out[block["intent"].split("/", 1)[1]] = first
    return {**out, "your_data": "how long do you keep my details"}


def live(stack, topic: str) -> knowledge.Answer:
    with Session(create_engine(stack.database_url, future=True)) as session:
        return knowledge.live_answer(session, topic)


# What the issue saw go wrong: each got the generic paragraph, a form, or "didn't understand".
ISSUE_QUESTIONS = {
    "if i come without the police will it go on my record?": "record_self_referral",
    "what happens if i miss one of my caution appointments": "missed_caution_appointment",
    "can i bring my little boy with me": "bring_child",
    "how long does the support go on for": "how_long_support",
    "whats a keyworker": "keyworker",
    "is there step free access": "disability_access",
    "can i have an interpreter": "interpreter",
    "will the police be told if i refer myself": "police_told_self_referral",
    "who am i actually talking to": "automated_assistant",
}


def test_every_topic_is_answered_when_asked(stack):
    wrong = {}
    for topic, question in topic_questions().items():
        replies = Chat(stack, new_sender()).say(question)  # her first message
        if live(stack, topic).text not in replies:
            wrong[topic] = (question, replies)
    assert wrong == {}


@pytest.mark.parametrize("question,topic", sorted(ISSUE_QUESTIONS.items()))
def test_the_questions_that_went_wrong_get_their_answer(stack, chat, question, topic):
    answer = live(stack, topic)
    assert chat.say(question)[0] == answer.text
    if answer.police != "none":
        assert "police" in answer.text.lower()


def test_a_question_mid_form_is_answered_then_the_form_goes_on(stack, chat):
    for text in ("i want to refer myself", "yes"):
        chat.say(text)
    asked_name = chat.say_joined("Jo")  # the next question
    replies = chat.say("wait, will the police find out i came to you?")
    assert replies[0] == live(stack, "police_told_self_referral").text
    assert replies[-1] == asked_name.splitlines()[-1]  # the same question again


def test_a_topic_button_answers_it(stack, chat):
    assert chat.say('/faq{"faq_topic": "travel_costs"}')[0] == live(stack, "travel_costs").text


def test_an_admin_edit_is_live_in_the_next_reply(stack, chat):
    question = topic_questions()["change_keyworker"]
    before = live(stack, "change_keyworker")
    assert chat.say(question)[0] == before.text
    new = "Yes. Ask any of us and we will find you a new keyworker. You don't have to say why."
    with Session(create_engine(stack.database_url, future=True)) as session:
        admin_id = create_staff(session, email="kb-live@example.org", name="KB Live", role="admin").id
        knowledge.save_edit(
            session,
            "change_keyworker",
            title=before.title,
            text=new,
            staff_id=admin_id,
            next_steps=[(s.title, s.payload) for s in before.next],
        )
        session.commit()
    try:
        assert chat.say(question)[0] == new
    finally:
        with Session(create_engine(stack.database_url, future=True)) as session:
            knowledge.save_edit(
                session,
                "change_keyworker",
                title=before.title,
                text=before.text,
                staff_id=admin_id,
                next_steps=[(s.title, s.payload) for s in before.next],
            )
            session.commit()


def test_web_chat_answers_a_question_with_its_next_steps(stack):
    answer = live(stack, "free")

    async def scenario():
        tab = Tab(stack.rasa_url)
        session = await tab.open()
        try:
            await tab.say("do i have to pay for any of this", session)
            return await tab.texts()
        finally:
            await tab.close()

    assert run(scenario())[0] == answer.text
