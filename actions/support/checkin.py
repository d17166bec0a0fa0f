"""A check-in or the closing survey, as one small form: `support_answer` is asked once per
step of the plan (bot/support/service.py), her answers are kept in `support_answers`,
and nothing is written until the end, in one unit of work (a check-in left half way is
not half-saved; one she stops on purpose keeps what she gave).

Steps: "consent" (the survey started without her yes to our text), "area:<id>" (a score
from 1 to 10), "q:<key>" (agree / not sure / disagree), "free_text". On SMS there are no
buttons for scores (numbered options would read as scores) and she stops with LATER:
STOP would opt her out of every text.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointments import texts as appointment_texts
from actions.common import channel_of, latest_intent, latest_text
from actions.forms import CONFIDENT
from actions.handoff import ask_for_person
from actions.knowledge import answer_question
from bot.conversation.answers import clean, detect_control, parse_yes_no
from bot.db.models import AlertReason
from bot.db.session import run_db
from bot.knowledge import RETRIEVAL_INTENT
from bot.support import checkin, service, survey
from bot.wording import buttons, say

logger = logging.getLogger(__name__)

FORM = "support_form"
SLOTS = ("support_kind", "support_steps", "support_step", "support_answers", "support_referral",
         "support_invitation", "support_stage", "support_answer")  # fmt: skip
DONE, STOPPED, DECLINED = "done", "stopped", "declined"
STATEMENTS = {
    "confident": "support.statement_confident",
    "safer": "support.statement_safer",
    "wellbeing": "support.statement_wellbeing",
    "children": "support.statement_children",
    "less_likely_reoffend": "support.statement_less_likely_reoffend",
}
# "later" is the stop word: on SMS "stop" never reaches us (it opts her out of texts).
_LATER = re.compile(
    r"^(later|not now|another time|maybe later|stop for now|no more|that'?s enough|enough)[.! ]*$", re.I
)


def reset() -> list[EventType]:
    return [SlotSet(slot, None) for slot in SLOTS]


async def start(
    dispatcher: CollectingDispatcher, tracker: Tracker, invitation_id: int | None = None, consented: bool = False
) -> list[EventType]:
    """Start her check-in (or the survey she was asked for) and hand over to the form."""
    try:
        plan = await run_db(service.plan, tracker.sender_id, channel_of(tracker), invitation_id, consented)
    except Exception:
        logger.exception("support: plan failed")
        dispatcher.utter_message(text=say("support.save_failed"))
        return reset()
    if plan is None:
        known = await run_db(service.known, tracker.sender_id, channel_of(tracker))
        dispatcher.utter_message(text=say("support.no_instrument") if known else appointment_texts.no_record())
        return reset()
    if plan.kind == "checkin":
        total = len(plan.steps)
        sms = channel_of(tracker) == "sms"
        dispatcher.utter_message(text=say("support.checkin_intro_sms" if sms else "support.checkin_intro", total=total))
    return reset() + [
        SlotSet("support_kind", plan.kind),
        SlotSet("support_steps", list(plan.steps)),
        SlotSet("support_step", 0.0),
        SlotSet("support_answers", {}),
        SlotSet("support_referral", float(plan.referral_id)),
        SlotSet("support_invitation", float(plan.invitation_id) if plan.invitation_id else None),
        SlotSet("support_stage", plan.stage),
        FollowupAction(FORM),
    ]


class ActionSupportStart(Action):
    def name(self) -> str:
        return "action_support_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await start(dispatcher, tracker)


def _index(tracker: Tracker) -> int:
    return int(tracker.get_slot("support_step") or 0)


class ActionAskSupportAnswer(Action):
    def name(self) -> str:
        return "action_ask_support_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        step = await run_db(service.step, list(tracker.get_slot("support_steps") or []), _index(tracker))
        if step is None:
            return []
        sms = channel_of(tracker) == "sms"
        if step.kind == "consent":
            dispatcher.utter_message(text=say("support.survey_consent"), buttons=buttons("support.survey_consent"))
        elif step.kind == "area":
            if sms:
                text = say("support.area_question_sms", number=step.number, total=step.total, name=step.key,
                           question=step.text)  # fmt: skip
                dispatcher.utter_message(text=text)
            else:
                text = say("support.area_question", number=step.number, total=step.total, name=step.key,
                           question=step.text, scale=step.scale)  # fmt: skip
                dispatcher.utter_message(text=text, buttons=buttons("support.area_buttons"))
        elif step.kind == "question":
            statement = say(STATEMENTS[step.key])
            text = say("support.survey_question", number=step.number, total=step.total, statement=statement)
            key = "support.survey_buttons_children" if step.key == "children" else "support.survey_buttons"
            if sms:
                dispatcher.utter_message(text=f"{text}\n{say('support.survey_sms_reply')}")
            else:
                dispatcher.utter_message(text=text, buttons=buttons(key))
        else:
            dispatcher.utter_message(text=say("support.survey_free_text"))
        return []


class ValidateSupportForm(FormValidationAction):
    def name(self) -> str:
        return "validate_support_form"

    async def validate_support_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        steps = list(tracker.get_slot("support_steps") or [])
        index = _index(tracker)
        answers = dict(tracker.get_slot("support_answers") or {})
        if index >= len(steps):
            return {"support_answer": DONE}
        step = steps[index]
        text = clean(value if isinstance(value, str) else latest_text(tracker))
        intent, confidence = latest_intent(tracker)
        control = detect_control(text)
        if step == service.CONSENT:
            said = parse_yes_no(text, intent)
            if said is True:
                return self._next(steps, index, answers)
            if said is False or _LATER.match(text) or control in ("stop", "skip"):
                return {"support_answer": DECLINED}
            dispatcher.utter_message(text=say("core.form_needs_yes_no"))
            return {"support_answer": None}
        if _LATER.match(text) or control == "stop":
            return {"support_answer": STOPPED}
        if step == service.FREE_TEXT:
            if control != "skip":
                answers[step] = text[: survey.MAX_FREE_TEXT]
            return self._next(steps, index, answers)
        if control == "skip":
            return self._next(steps, index, answers)
        if step.startswith("area:"):
            score = checkin.parse_score(text)
            if score is not None:
                answers[step] = score
                return self._next(steps, index, answers)
            hint = "support.score_hint"
        else:
            found = survey.parse_answer(text, allow_not_applicable=step == "q:children")
            if found is not None:
                answers[step] = found
                return self._next(steps, index, answers)
            hint = "support.survey_hint"
        # Not an answer: a question about the service or a person wanted, then the same question again.
        if confidence >= CONFIDENT and intent == RETRIEVAL_INTENT:
            await answer_question(dispatcher, tracker, in_form=True)
        elif confidence >= CONFIDENT and intent == "human_handoff":
            await ask_for_person(dispatcher, tracker, AlertReason.HUMAN_REQUESTED)
            dispatcher.utter_message(text=say("core.form_carry_on"))
        else:
            dispatcher.utter_message(text=say(hint))
        return {"support_answer": None}

    @staticmethod
    def _next(steps: list[str], index: int, answers: dict[str, Any]) -> dict[str, Any]:
        index += 1
        return {
            "support_step": float(index),
            "support_answers": answers,
            "support_answer": DONE if index >= len(steps) else None,
        }


class ActionSupportDone(Action):
    """After the form: save what she gave, thank her, and clear the form's slots."""

    def name(self) -> str:
        return "action_support_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        outcome = tracker.get_slot("support_answer")
        kind = tracker.get_slot("support_kind")
        referral = tracker.get_slot("support_referral")
        invitation = tracker.get_slot("support_invitation")
        answers = dict(tracker.get_slot("support_answers") or {})
        events = [*reset(), ActiveLoop(None)] if tracker.active_loop.get("name") == FORM else reset()
        if referral is None or kind is None:
            return events
        if outcome == DECLINED:
            if invitation:
                await run_db(service.decline, int(invitation))
            dispatcher.utter_message(text=say("support.survey_declined"))
            return events
        try:
            saved = await run_db(
                service.finish, int(referral), kind, int(invitation) if invitation else None,
                tracker.get_slot("support_stage"), answers,
            )  # fmt: skip
        except Exception:
            logger.exception("support: saving failed")
            dispatcher.utter_message(text=say("support.save_failed"))
            return events
        if kind == "survey":
            dispatcher.utter_message(text=say("support.survey_done" if saved else "support.survey_declined"))
        elif not saved:
            dispatcher.utter_message(text=say("support.checkin_nothing"))
        elif outcome == STOPPED:
            dispatcher.utter_message(text=say("support.checkin_stopped"))
        else:
            dispatcher.utter_message(text=say("support.checkin_done"), buttons=buttons("support.checkin_done"))
        return events
