"""Starting the referral form, showing the summary, and sending it."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, latest_intent, latest_text
from actions.referral.answer_checks import outcome_welcome
from bot.db.session import run_db
from bot.referrals.parsing import OUTCOME_PATHWAYS, parse_police_outcome, says_self_referral
from bot.referrals.service import ReferralDraft, submit_referral, summary_lines
from bot.wording import buttons, say

logger = logging.getLogger(__name__)

ANSWER_SLOTS = (
    "consent",
    "age_ok",
    "preferred_name",
    "location",
    "phone",
    "contact_safety",
    "safe_times",
    "pathway",
    "caution_details",
    "needs",
    "referral_confirmed",
)
DERIVED_SLOTS = (
    "phone_e164",
    "safe_to_text",
    "safe_to_call",
    "caution_date",
    "police_reference",
    "need_list",
    "referral_outcome",
)
# Where she is stays for the conversation, so the service finder need not ask again.
LOCATION_SLOTS = ("postcode", "outcode", "borough", "in_coverage")


def _value(slot_value: Any) -> Any:
    return None if slot_value in (None, "", "skipped") else slot_value


def draft_from(tracker: Tracker) -> ReferralDraft:
    s = tracker.get_slot
    caution_date = _value(s("caution_date"))
    pathway = s("pathway")
    outcome = "cautioned" if pathway == "police_caution" else pathway if pathway in OUTCOME_PATHWAYS else None
    return ReferralDraft(
        conversation_id=tracker.sender_id,
        channel=channel_of(tracker),
        pathway=pathway if pathway == "police_caution" else "self",
        police_outcome=outcome,
        preferred_name=_value(s("preferred_name")),
        phone_e164=_value(s("phone_e164")),
        safe_to_text=s("safe_to_text"),
        safe_to_call=s("safe_to_call"),
        safe_times=_value(s("safe_times")),
        postcode=_value(s("postcode")),
        outcode=_value(s("outcode")),
        borough=_value(s("borough")),
        caution_date=date.fromisoformat(caution_date) if caution_date else None,
        police_reference=_value(s("police_reference")),
        needs=list(s("need_list") or []),
        language=s("language") if s("language") not in (None, "en") else None,
    )


def next_steps(draft: ReferralDraft) -> str:
    """What happens next, in the way she said we may reach her.

    With no number, or neither texts nor calls safe, nobody will reach out:
    say so, and how she reaches us instead.
    """
    ways = {
        (True, True): "referral.next_steps_by_text_or_phone",
        (True, False): "referral.next_steps_by_text",
        (False, True): "referral.next_steps_by_phone",
    }
    key = ways.get((bool(draft.safe_to_text), bool(draft.safe_to_call)))
    if draft.phone_e164 and key:
        return say(key)
    return say("referral.next_steps_no_contact")


def _reset(keep_location: bool) -> list[EventType]:
    slots = ANSWER_SLOTS + DERIVED_SLOTS + (() if keep_location else LOCATION_SLOTS)
    return [SlotSet(slot, None) for slot in slots]


def _recently_said_caution(tracker: Tracker, turns: int = 4) -> bool:
    """A caution named in her last few messages before this one."""
    users = [e for e in tracker.events if e.get("event") == "user"][:-1][-turns:]
    return any(parse_police_outcome(e.get("text")) == "cautioned" for e in users)


class ActionStartReferral(Action):
    def name(self) -> str:
        return "action_start_referral"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        events = _reset(keep_location=False)
        intent = latest_intent(tracker)[0]
        text = latest_text(tracker)
        outcome = parse_police_outcome(text)
        if outcome in OUTCOME_PATHWAYS and intent in ("police_referral", "self_refer"):
            # No further action, under investigation, charged: she can come, as her own referral.
            events.append(SlotSet("pathway", outcome))
            dispatcher.utter_message(text=outcome_welcome(outcome))
        elif intent == "police_referral":
            events.append(SlotSet("pathway", "police_caution"))
            dispatcher.utter_message(text=say("referral.start_police"))
        elif (
            intent == "self_refer"
            and not says_self_referral(text)
            and (outcome == "cautioned" or _recently_said_caution(tracker))
        ):
            # "Help with my caution", or "get support" after "book my caution meetings"
            # found no record: her caution is a police referral, not a self-referral.
            events.append(SlotSet("pathway", "police_caution"))
            dispatcher.utter_message(text=say("referral.start_caution_named"))
        else:
            # Not asked again (one message fewer); the summary shows it and she can change it.
            if intent == "self_refer" and says_self_referral(latest_text(tracker)):
                events.append(SlotSet("pathway", "self"))
            dispatcher.utter_message(text=say("referral.start_self"))
        return events


class ActionAskReferralConfirmed(Action):
    def name(self) -> str:
        return "action_ask_referral_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        lines = "\n".join(summary_lines(tracker.slots))
        dispatcher.utter_message(text=say("referral.summary", lines=lines), buttons=buttons("referral.summary"))
        return []


class ActionFinishReferral(Action):
    def name(self) -> str:
        return "action_finish_referral"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        outcome = tracker.get_slot("referral_outcome")
        if outcome == "declined":
            dispatcher.utter_message(response="utter_referral_declined")
            return _reset(keep_location=False)
        if outcome == "under18":
            dispatcher.utter_message(response="utter_referral_under_18")
            return _reset(keep_location=False)
        if outcome != "confirmed":
            dispatcher.utter_message(response="utter_referral_stopped")
            return _reset(keep_location=False)
        draft = draft_from(tracker)
        try:
            submitted = await run_db(submit_referral, draft)
        except Exception:
            logger.exception("referral could not be saved")
            dispatcher.utter_message(response="utter_referral_failed")
            return _reset(keep_location=True)
        reference, then = submitted.reference, next_steps(draft)
        if draft.preferred_name:
            sent = say("referral.sent_named", name=draft.preferred_name, reference=reference, next_steps=then)
        else:
            sent = say("referral.sent", reference=reference, next_steps=then)
        dispatcher.utter_message(text=sent)
        logger.info("referral %s submitted", submitted.referral_id)
        # Straight on to booking her first appointment (actions/appointments).
        return _reset(keep_location=True) + [
            SlotSet("referral_reference", submitted.reference),
            FollowupAction("action_appointment_offer"),
        ]
