"""Checking each referral answer, with a kind re-ask when it can't be used.

The `validate_<slot>` methods of the referral form (validate.py), one per
question; Rasa SDK finds them on the form by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.common import channel_of, latest_intent
from bot.conversation import answers, contact
from bot.dates import today_london
from bot.db.crud.referrals import is_covered
from bot.db.session import run_db, session_scope
from bot.geo.gazetteer import find_uk_place
from bot.geo.postcodes import resolve_location
from bot.referrals import corrections, parsing
from bot.wording import say


def texting_number(tracker: Tracker) -> str | None:
    """Her number when she texts us (the SMS conversation id, vouched for by Twilio)."""
    if channel_of(tracker) != "sms":
        return None
    sender = tracker.sender_id or ""
    e164 = contact.normalise_mobile(sender)
    return e164 if e164 == sender else None


def _covered(borough: str | None) -> bool:
    with session_scope() as session:
        return is_covered(session, borough)


# Kept as a name: actions/data_rights/actions.py sends it too.
ACKNOWLEDGE = say("referral.disclosure_acknowledged")


def acknowledge(dispatcher: CollectingDispatcher) -> None:
    """A kind word for what she told us about her safety; her words are never echoed."""
    dispatcher.utter_message(text=say("referral.disclosure_acknowledged"))


def outcome_welcome(outcome: str) -> str:
    """What she hears when the police outcome was not a caution: she can come, as herself."""
    return say(
        {
            "no_further_action": "referral.outcome_welcome_no_further_action",
            "released_under_investigation": "referral.outcome_welcome_released_under_investigation",
            "charged": "referral.outcome_welcome_charged",
        }[outcome]
    )


class ReferralAnswerChecks:
    """Mixed into ValidateReferralForm (before GuidedFormValidation, which gives `clear`)."""

    clear: Callable[..., dict[str, Any]]

    def validate_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        # One question asks both "happy to go on?" and "18 or over?": one message fewer for her.
        intent = latest_intent(tracker)[0]
        age = parsing.stated_age(value)
        if age is not None:
            if age == "under18":
                return {"consent": "yes", "age_ok": "under18", "referral_outcome": "under18"}
            return {"consent": "yes", "age_ok": "adult"}
        answer = answers.parse_yes_no(value, intent)
        if answer is None:
            dispatcher.utter_message(text=say("referral.consent_yes_or_no"))
            return {"consent": None}
        if not answer:
            return {"consent": "no", "referral_outcome": "declined"}
        return {"consent": "yes", "age_ok": "adult"}

    def validate_age_ok(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        age = parsing.parse_age(value, latest_intent(tracker)[0])
        if age is None:
            dispatcher.utter_message(text=say("referral.age_not_understood"))
            return {"age_ok": None}
        if age == "under18":
            return {"age_ok": "under18", "referral_outcome": "under18"}
        return {"age_ok": "adult"}

    def validate_preferred_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ):
        name = parsing.parse_name(value)
        if name is not None and answers.parse_yes_no(value, None) is not None:
            # "yes" to the question before, sent twice: not her name.
            dispatcher.utter_message(text=say("referral.name_ask_again"))
            return {"preferred_name": None}
        if name is None:
            dispatcher.utter_message(text=say("referral.name_not_usable"))
            return {"preferred_name": None}
        return {"preferred_name": name}

    async def validate_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ):
        place = resolve_location(answers.clean(value))
        if place.kind == "none":
            town = find_uk_place(answers.clean(value))
            if town is not None and town.kind == "outside_london":
                # A town by name gets what a postcode outside London gets.
                dispatcher.utter_message(response="utter_outside_coverage")
                return {
                    "location": town.place.name,
                    "postcode": None,
                    "outcode": None,
                    "borough": None,
                    "in_coverage": False,
                }
            if town is not None:
                dispatcher.utter_message(text=say("referral.location_which_part_of_london"))
                return self.clear("location")
        if place.kind in ("none", "unknown_postcode"):
            dispatcher.utter_message(text=say("referral.location_not_found"))
            return self.clear("location")
        covered = await run_db(_covered, place.borough)
        if not covered:
            dispatcher.utter_message(response="utter_outside_coverage")
        return {
            "location": place.postcode or place.outcode or place.borough or answers.clean(value)[:60],
            "postcode": place.postcode,
            "outcode": place.outcode,
            "borough": place.borough,
            "in_coverage": covered,
        }

    def validate_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        e164 = contact.normalise_mobile(value)
        if e164:
            if contact.discloses(value):
                acknowledge(dispatcher)
            return {"phone": e164, "phone_e164": e164}
        if contact.says_this_number(value):
            number = texting_number(tracker)
            if number:
                return {"phone": number, "phone_e164": number}
            dispatcher.utter_message(text=say("referral.phone_none_in_chat"))
            return self.clear("phone")
        if contact.looks_like_landline(value):
            dispatcher.utter_message(text=say("referral.phone_landline"))
        else:
            dispatcher.utter_message(text=say("referral.phone_not_read"))
        return self.clear("phone")

    def validate_contact_safety(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ):
        safety = parsing.parse_contact_safety(value, latest_intent(tracker)[0])
        if safety is None:
            if contact.discloses(value):
                acknowledge(dispatcher)
            dispatcher.utter_message(text=say("referral.contact_not_understood"))
            return self.clear("contact_safety")
        if contact.discloses(value):
            acknowledge(dispatcher)
        label = {
            (True, True): "texts and calls",
            (True, False): "texts only",
            (False, True): "calls only",
            (False, False): "neither",
        }
        updates = {
            "contact_safety": label[(safety.text_ok, safety.call_ok)],
            "safe_to_text": safety.text_ok,
            "safe_to_call": safety.call_ok,
        }
        times = contact.neutral_times(value) if (safety.text_ok or safety.call_ok) else None
        if times:
            # "texts only, after 6pm": the safe times are answered too, not asked again.
            updates["safe_times"] = times
        return updates

    def validate_safe_times(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        times = parsing.parse_safe_times(value)
        if times is None:
            dispatcher.utter_message(text=say("referral.times_not_understood"))
            return {"safe_times": None}
        # Kept and read back as days and times only: what she said about anyone
        # else is never repeated (the summary, texts, the record).
        neutral = contact.neutral_times(value)
        if contact.discloses(value):
            acknowledge(dispatcher)
            if neutral is None:
                dispatcher.utter_message(text=say("referral.times_which_are_safe"))
                return {"safe_times": None}
        return {"safe_times": neutral or times}

    def validate_pathway(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        if (
            value in ("self", "police_caution", *parsing.OUTCOME_PATHWAYS)
            and tracker.get_slot(REQUESTED_SLOT) != "pathway"
        ):
            # Set from her first words as the form began (action_start_referral): a value, not an answer.
            return {"pathway": value}
        pathway = parsing.pathway_value(value, latest_intent(tracker)[0])
        if pathway is None:
            dispatcher.utter_message(text=say("referral.pathway_not_understood"))
            return self.clear("pathway")
        if pathway in parsing.OUTCOME_PATHWAYS:
            # Not a caution: no meetings to book by a deadline; she refers herself, the outcome noted.
            dispatcher.utter_message(text=outcome_welcome(pathway))
        return {"pathway": pathway}

    def validate_caution_details(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ):
        details = parsing.parse_caution_details(value, today_london())
        problems = {
            "future": "referral.caution_date_in_future",
            "impossible": "referral.caution_date_impossible",
            "too_old": "referral.caution_date_too_old",
        }
        if details is None or details.problem:
            key = problems.get(details.problem if details else "", "referral.caution_details_not_read")
            dispatcher.utter_message(text=say(key))
            return self.clear("caution_details")
        return {
            "caution_details": answers.clean(value)[:80],
            "caution_date": details.caution_date.isoformat() if details.caution_date else None,
            "police_reference": details.police_reference,
        }

    def validate_needs(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        needs = parsing.parse_needs(value)
        if needs is None:
            dispatcher.utter_message(text=say("referral.needs_not_understood"))
            return self.clear("needs")
        return {"needs": ", ".join(needs), "need_list": needs}

    def validate_referral_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ):
        target = corrections.field_to_change(value)
        answer = answers.parse_yes_no(value, latest_intent(tracker)[0])
        if target and answer and not corrections.says_correction(value):
            target = None  # "yes, my name is fine" is a yes
        if target:
            dispatcher.utter_message(text=say("core.form_change_that"))
            return {**self.clear(target), "referral_confirmed": None}
        if answer:
            return {"referral_confirmed": "yes", "referral_outcome": "confirmed"}
        dispatcher.utter_message(text=say("referral.change_which"))
        return {"referral_confirmed": None}
