"""Answers to her questions about the service, from the knowledge base.

The model says which topic (KnowledgeSelector, `response_selector` in the
parse data); the wording is read from the database at the moment she asks,
so an admin's edit in the staff app is the next answer. When the model is not
sure, nothing is guessed: she gets the two closest topics as buttons, and a
person.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.db.crud.knowledge import Answer, live_answer
from bot.db.crud.knowledge_translations import in_language
from bot.db.session import run_db, session_scope
from bot.knowledge import RETRIEVAL_INTENT
from bot.wording import buttons, say
from bot.wording.catalogue import current_language

logger = logging.getLogger(__name__)

TOPIC_ENTITY = "faq_topic"
# Below this the two closest topics are offered, not one answered. Checked on blind
# round 2: anywhere from 0.2 to 0.4 moves "right first" by at most 0.004 (docs/knowledge.md).
TOPIC_SURE_AT = 0.35
# Kept as names for the tests that compare her reply with them.
NOT_HERE = say("core.knowledge_not_here")
WHICH_ONE = say("core.knowledge_which_one")


def topic_button(topic_id: str, title: str) -> dict[str, str]:
    return {"title": title, "payload": f"/{RETRIEVAL_INTENT}" + json.dumps({TOPIC_ENTITY: topic_id})}


def topic_ranking(message: dict) -> list[tuple[str, float]]:
    """(topic id, confidence), best first, from one parsed message."""
    selector = ((message.get("response_selector") or {}).get(RETRIEVAL_INTENT)) or {}
    prefix = RETRIEVAL_INTENT + "/"
    out = []
    for row in selector.get("ranking") or []:
        key = str(row.get("intent_response_key") or "")
        if key.startswith(prefix):
            out.append((key[len(prefix) :], float(row.get("confidence") or 0.0)))
    return out


def chosen_topic(message: dict) -> str | None:
    """A topic she picked from the buttons (the entity on the button's payload)."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == TOPIC_ENTITY and entity.get("value"):
            return str(entity["value"])
    return None


def decide(message: dict, offer_only: bool = False) -> tuple[bool, list[str]]:
    """(sure, topics): the one topic to answer, or the two closest to offer.
    A topic she picked from the buttons is always answered."""
    picked = chosen_topic(message)
    if picked:
        return True, [picked]
    ranking = topic_ranking(message)
    if ranking and ranking[0][1] >= TOPIC_SURE_AT and not offer_only:
        return True, [ranking[0][0]]
    return False, [topic for topic, _ in ranking[:2]]


def _answers(topic_ids: list[str], language: str) -> dict[str, Answer]:
    with session_scope() as session:
        found = {topic: live_answer(session, topic) for topic in topic_ids}
        return {topic: in_language(session, answer, language) for topic, answer in found.items() if answer}


async def answer_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, in_form: bool = False, offer_only: bool = False
) -> str | None:
    """Answer the question in her latest message; returns the topic answered, if any.

    In a form the answer comes without its next-step buttons: the form's own
    question follows it. offer_only: the model was not even sure it is a
    question (the not-understood net), so the closest topics are offered.
    """
    sure, wanted = decide(tracker.latest_message or {}, offer_only)
    try:
        answers = await run_db(_answers, wanted, current_language()) if wanted else {}
    except Exception:
        logger.exception("knowledge answers could not be read")
        answers = {}
    if sure and wanted[0] in answers:
        answer = answers[wanted[0]]
        dispatcher.utter_message(text=answer.text, buttons=[] if in_form else answer.buttons())
        return answer.topic_id
    offers = [topic_button(topic, answers[topic].title) for topic in wanted if topic in answers and not sure]
    if offers:
        dispatcher.utter_message(
            text=say("core.knowledge_which_one"), buttons=offers + buttons("core.knowledge_which_one")
        )
    else:
        # A retired topic, an empty knowledge base or the database away: no answer is invented.
        dispatcher.utter_message(text=say("core.knowledge_not_here"), buttons=buttons("core.knowledge_not_here"))
    return None


def best_guess(message: dict) -> str | None:
    """Under the not-understood net: the intent the model thought most likely."""
    for ranked in message.get("intent_ranking") or []:
        if ranked.get("name") != "nlu_fallback":
            return ranked.get("name")
    return None


def best_guess_is_a_question(message: dict) -> bool:
    """Not understood, but the model's best guess was a question about the service."""
    return best_guess(message) == RETRIEVAL_INTENT and bool(topic_ranking(message))


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        await answer_question(dispatcher, tracker)
        return []
