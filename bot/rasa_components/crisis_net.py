"""NLU component: the deterministic crisis net and the triage grade.

Runs last in the NLU pipeline (after FallbackClassifier). It grades every
message (bot/safety/triage.py) and puts the grade in the parse data under
`triage`; the intent follows the grade:
- danger: `crisis`, whatever the trained classifier or the fallback said;
- unsure: the model's best other intent if it is sure of one (CrisisPolicy asks "Are you safe
  right now?" from the grade, and the form takes nothing from the message);
- distress: her request, if the model found one (at 0.2: her feelings take
  most of its confidence), else
  `distress` (the gentle line is sent by triage_turn.py either way);
- none: never `crisis` or `distress`; the best other intent, or
  nlu_fallback if the model is not sure of one.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.safety.crisis import CRISIS_INTENT, numbers_only
from bot.safety.triage import DISTRESS_INTENT, REQUEST_AT, TRIAGE_KEY, Grade, grade

# Marks a message the net (not the model) labelled, for tests and reports.
NET_FLAG = "crisis_net"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisNet(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"request_threshold": REQUEST_AT, "request_in_distress_threshold": 0.2}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisNet:
        return cls(config)

    def __init__(self, config: Dict[Text, Any] | None = None) -> None:
        # The FallbackClassifier's threshold: below it a request is not "found".
        self._sure = float((config or {}).get("request_threshold", REQUEST_AT))
        self._request_in_distress = float((config or {}).get("request_in_distress_threshold", 0.2))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = [
                r
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
            ]
            verdict, by = grade(message.get(TEXT), ranking)
            message.set(TRIAGE_KEY, {"grade": verdict.value, "by": by}, add_to_output=True)
            # Nothing downstream may read a grade the triage did not give.
            dropped = {CRISIS_INTENT} if verdict is not Grade.DANGER else set()
            if verdict is not Grade.DISTRESS:
                dropped.add(DISTRESS_INTENT)
            ranking = [r for r in ranking if r.get(INTENT_NAME_KEY) not in dropped]
            if verdict is Grade.DANGER:
                _label(message, CRISIS_INTENT, 1.0 if by == "net" else None, ranking)
                if by == "net":
                    message.set(NET_FLAG, True, add_to_output=True)
            elif verdict is Grade.DISTRESS:
                # Distress words pull the model towards `distress`, so a request
                # in the same message is taken at a lower confidence.
                best = _best_request(ranking, self._request_in_distress, self._sure)
                if best:
                    _label(message, best[INTENT_NAME_KEY], best[PREDICTED_CONFIDENCE_KEY], ranking)
                else:
                    _label(message, DISTRESS_INTENT, _confidence(ranking, DISTRESS_INTENT) or 1.0, ranking)
            else:
                current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
                if current in dropped or verdict is Grade.UNSURE:
                    # Digits are answers (a code, a number, a choice) that the
                    # forms read as text whatever the intent: no threshold.
                    digits = numbers_only(message.get(TEXT))
                    sure = 0.0 if digits else self._sure
                    best = _best_request(ranking, sure, self._sure)
                    if best:
                        _label(message, best[INTENT_NAME_KEY], best[PREDICTED_CONFIDENCE_KEY], ranking)
                    elif digits:
                        _label(message, "inform", 0.0, ranking)
                    else:
                        _label(message, DEFAULT_NLU_FALLBACK_INTENT_NAME, 1.0 - _top(ranking), ranking)
        return messages


# Not a request: she said nothing the assistant can act on besides the grade.
_NOT_REQUESTS = {CRISIS_INTENT, DISTRESS_INTENT, "out_of_scope"}


def _best_request(ranking: List[Dict[Text, Any]], threshold: float, inform_at: float) -> Dict[Text, Any] | None:
    for r in ranking:
        if r.get(INTENT_NAME_KEY) not in _NOT_REQUESTS:
            # `inform` is an answer a form takes as it stands: never on a guess.
            floor = max(threshold, inform_at) if r.get(INTENT_NAME_KEY) == "inform" else threshold
            return r if float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= floor else None
    return None


def _confidence(ranking: List[Dict[Text, Any]], name: str) -> float:
    return next((float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for r in ranking if r.get(INTENT_NAME_KEY) == name), 0.0)


def _top(ranking: List[Dict[Text, Any]]) -> float:
    return float(ranking[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0) if ranking else 0.0


def _label(message: Message, name: str, confidence: float | None, ranking: List[Dict[Text, Any]]) -> None:
    if confidence is None:
        confidence = _confidence(ranking, name)
    verdict = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: float(confidence)}
    rest = [r for r in ranking if r.get(INTENT_NAME_KEY) != name]
    message.set(INTENT, verdict, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [verdict, *rest], add_to_output=True)
