"""QuestionGate: a question the classifier put elsewhere is answered only when the
topic model is sure and the classifier thought it might be a question; never over
a flow that acts."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_components.knowledge_selector import GATE_QUESTION_AT, GATE_TOPIC_AT, QuestionGate


def message(intent: str, faq: float, topic: float) -> Message:
    return Message(
        data={
            "text": "where r u",
            "intent": {"name": intent, "confidence": 0.7},
            "intent_ranking": [{"name": intent, "confidence": 0.7}, {"name": "faq", "confidence": faq}],
            "response_selector": {
                "faq": {"ranking": [{"intent_response_key": "faq/times_places", "confidence": topic}]}
            },
        }
    )


def gated(m: Message) -> dict:
    QuestionGate().process([m])
    return m.get("intent")


def test_a_sure_topic_that_might_be_a_question_is_taken_as_one():
    assert gated(message("greet", GATE_QUESTION_AT, 0.95)) == {"name": "faq", "confidence": 0.95}


@pytest.mark.parametrize("faq, topic", [(GATE_QUESTION_AT - 0.01, 0.99), (0.5, GATE_TOPIC_AT - 0.01)])
def test_either_bar_unmet_leaves_the_intent(faq, topic):
    assert gated(message("out_of_scope", faq, topic))["name"] == "out_of_scope"


@pytest.mark.parametrize("intent", ["stop_texts", "delete_my_data", "human_handoff", "crisis", "inform", "affirm"])
def test_never_over_a_flow_that_acts_or_a_form_answer(intent):
    assert gated(message(intent, 0.9, 0.99))["name"] == intent
