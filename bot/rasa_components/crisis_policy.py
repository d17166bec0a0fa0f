"""Policy: the triage answers come first, in any state of any conversation.

RulePolicy forces an active form's next step as a "no user prediction", which
outranks every ordinary prediction. This policy marks its own predictions the
same way and has a higher priority, so mid-form too:

    danger:   action_crisis_alert (the reply that fits the danger, the alert, the team's
              hours, and mid-form "do you want to carry on?") -> listen
              if the action server failed: -> utter_crisis -> (the form's question) -> listen
    after danger, within AFTER_CRISIS_TURNS of her messages: "is someone coming?", fear
              or distress -> action_crisis_alert (what has happened, what she can do) -> listen
    "do you want to carry on?": yes -> (the form's question) -> listen;
              not yet -> action_crisis_alert -> listen; anything else: as usual
    unsure:   utter_ask_safe_now -> listen
      then "No", "I can't talk", or unsure again: as danger; "Yes": utter_glad_safe -> (the form's question) -> listen
    distress with nothing else asked: (the form's question) -> listen

(The distress line itself goes out before this turn's actions, from
triage_turn.py, so that when she also asked something the ordinary policies
answer it.) utter_crisis is a plain response, so the numbers go out even when
the action server is down: the action's own reply is a bot message after it,
and with none the policy sends utter_crisis. Danger is read both from the intent (model +
CrisisNet) and from the pattern net again here, so removing either layer
keeps the other.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_components.turn_policy import TurnPolicy
from bot.safety.after_crisis import carry_on_answer, is_follow_up
from bot.safety.crisis import CRISIS_INTENT, mentions_crisis
from bot.safety.triage import DISTRESS_INTENT, Grade, SafetyAnswer, grade_of, safety_answer

UTTER_CRISIS = "utter_crisis"
ACTION_CRISIS_ALERT = "action_crisis_alert"
UTTER_ASK_SAFE_NOW = "utter_ask_safe_now"
UTTER_GLAD_SAFE = "utter_glad_safe"
CRISIS_POLICY_PRIORITY = 8  # RulePolicy is 6, LanguagePolicy 7
# "Is someone coming?" is about the crisis for this many of her messages after
# the crisis answer, and this long: later it is an ordinary question.
AFTER_CRISIS_TURNS = 3
AFTER_CRISIS_SECONDS = 3600
FOLLOW_UP, CARRY_ON, NOT_YET = "follow_up", "carry_on", "not_yet"


def _is_crisis_message(tracker: DialogueStateTracker) -> bool:
    message = tracker.latest_message
    if message is None:
        return False
    intent = (message.intent or {}).get("name")
    return intent == CRISIS_INTENT or mentions_crisis(message.text)


def answer_to_safety_check(tracker: DialogueStateTracker) -> Optional[SafetyAnswer]:
    """Her answer, if her latest message answers "Are you safe right now?"."""
    if _bot_action_before_user(tracker) != UTTER_ASK_SAFE_NOW or tracker.latest_message is None:
        return None
    message = tracker.latest_message
    if grade_of(message.parse_data) is Grade.UNSURE:
        return SafetyAnswer.UNSAFE  # it is asked once: fear again instead of "yes" is no
    return safety_answer(message.text, (message.intent or {}).get("name"))


def _recent_crisis_answer(tracker: DialogueStateTracker) -> bool:
    users, latest = 0, tracker.latest_message
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            users += 1
            if users > AFTER_CRISIS_TURNS:
                return False
        elif isinstance(event, ActionExecuted) and event.action_name == ACTION_CRISIS_ALERT:
            return latest is None or latest.timestamp - event.timestamp <= AFTER_CRISIS_SECONDS
    return False


def after_crisis_turn(tracker: DialogueStateTracker) -> Optional[str]:
    """FOLLOW_UP, CARRY_ON or NOT_YET when her message answers the crisis answer; else None.

    Not danger (that is always answered as danger first)."""
    message = tracker.latest_message
    if message is None or _is_crisis_message(tracker) or answer_to_safety_check(tracker) is not None:
        return None
    intent = (message.intent or {}).get("name")
    if tracker.active_loop_name and _bot_action_before_user(tracker) == ACTION_CRISIS_ALERT:
        answer = carry_on_answer(message.text, intent)
        if answer is not None:
            return CARRY_ON if answer else NOT_YET
    grade = grade_of(message.parse_data)
    # Fear or distress with no other request, so soon after, is about the crisis too.
    about_it = grade is Grade.UNSURE or (grade is Grade.DISTRESS and intent == DISTRESS_INTENT)
    if _recent_crisis_answer(tracker) and (is_follow_up(message.text) or about_it):
        return FOLLOW_UP
    return None


def _bot_action_before_user(tracker: DialogueStateTracker) -> Optional[str]:
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif seen_user and isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            return event.action_name
    return None


def ask_action_for(domain: Domain, form: str, slot: str) -> Optional[str]:
    """The action a form uses to ask for `slot`, in Rasa's own lookup order."""
    for name in (
        f"action_ask_{form}_{slot}",
        f"action_ask_{slot}",
        f"utter_ask_{form}_{slot}",
        f"utter_ask_{slot}",
    ):
        if name in domain.action_names_or_texts:
            return name
    return None


def _actions_since_user(tracker: DialogueStateTracker) -> List[str]:
    names: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted):
            if event.action_name == ACTION_LISTEN_NAME:
                break
            names.append(event.action_name)
    return list(reversed(names))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class CrisisPolicy(TurnPolicy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": CRISIS_POLICY_PRIORITY}

    def next_action(self, tracker: DialogueStateTracker, domain: Domain) -> Optional[str]:
        message = tracker.latest_message
        if message is None:
            return None
        answer = answer_to_safety_check(tracker)
        if answer is SafetyAnswer.UNSAFE or _is_crisis_message(tracker):
            return _crisis_action(tracker, domain)
        turn = after_crisis_turn(tracker)
        if turn in (FOLLOW_UP, NOT_YET):
            return _crisis_action(tracker, domain)
        if turn == CARRY_ON and _form_question(tracker, domain):
            return turn_sequence(tracker, domain, [], resume_form=True)
        if answer is SafetyAnswer.SAFE:
            return turn_sequence(tracker, domain, [UTTER_GLAD_SAFE], resume_form=True)
        grade = grade_of(message.parse_data)
        if grade is Grade.UNSURE:
            return turn_sequence(tracker, domain, [UTTER_ASK_SAFE_NOW], resume_form=False)
        if grade is Grade.DISTRESS and (message.intent or {}).get("name") == DISTRESS_INTENT:
            return turn_sequence(tracker, domain, [], resume_form=True)
        return None


def _crisis_action(tracker: DialogueStateTracker, domain: Domain) -> Optional[str]:
    """action_crisis_alert, then listen (mid-form it asked whether to carry on). If it
    said nothing (the action server failed), the fixed numbers and the form's question."""
    done = [a for a in _actions_since_user(tracker) if a != "action_extract_slots"]
    if not done:
        return ACTION_CRISIS_ALERT
    if done == [ACTION_CRISIS_ALERT]:
        return ACTION_LISTEN_NAME if _bot_spoke_after_last_action(tracker) else UTTER_CRISIS
    return turn_sequence(tracker, domain, [ACTION_CRISIS_ALERT, UTTER_CRISIS], resume_form=True)


def _form_question(tracker: DialogueStateTracker, domain: Domain) -> Optional[str]:
    form, slot = tracker.active_loop_name, tracker.get_slot(REQUESTED_SLOT)
    return ask_action_for(domain, form, slot) if form and slot else None


def _bot_spoke_after_last_action(tracker: DialogueStateTracker) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return True
        if isinstance(event, ActionExecuted):
            return False
    return False


def turn_sequence(tracker: DialogueStateTracker, domain: Domain, steps: List[str], resume_form: bool) -> Optional[str]:
    """The next of `steps` this turn, then the active form's question, then listen.

    Only the turn's own sequence counts: any other action already run means
    this is not a fresh turn for us."""
    done = [a for a in _actions_since_user(tracker) if a != "action_extract_slots"]
    if done != steps[: len(done)] and done[: len(steps)] != steps:
        return None
    if len(done) < len(steps):
        return steps[len(done)]
    form, slot = tracker.active_loop_name, tracker.get_slot(REQUESTED_SLOT)
    ask = ask_action_for(domain, form, slot) if resume_form and form and slot else None
    if len(done) == len(steps):
        return ask or ACTION_LISTEN_NAME
    if ask and len(done) == len(steps) + 1 and done[-1] == ask:
        return ACTION_LISTEN_NAME
    return None
