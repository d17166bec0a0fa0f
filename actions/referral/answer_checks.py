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


ACKNOWLEDGE = "Thank you for telling me. We'll keep that in mind, and only contact you in the way you say is safe."


def acknowledge(dispatcher: CollectingDispatcher) -> None:
    """A kind word for what she told us about her safety; her words are never echoed."""
    dispatcher.utter_message(text=ACKNOWLEDGE)


def outcome_welcome(outcome: str) -> str:
    """What she hears when the police outcome was not a caution: she can come, as herself."""
    lead = {
        "no_further_action": "Thanks for telling me. Even with no further action, you can come to us.",
        "released_under_investigation": "Thanks for telling me. While you're under investigation, you can still come to us.",
        "charged": "Thanks for telling me. Being charged doesn't stop you coming to us, "
        "and a keyworker can help you get ready for court.",
    }[outcome]
    return lead + " You don't need a caution: I'll take this as your own referral and note what happened."


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
            dispatcher.utter_message(text="Sorry, is that a yes or a no?")
            return {"consent": None}
        if not answer:
            return {"consent": "no", "referral_outcome": "declined"}
        return {"consent": "yes", "age_ok": "adult"}

    def validate_age_ok(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        age = parsing.parse_age(value, latest_intent(tracker)[0])
        if age is None:
            dispatcher.utter_message(text="Sorry, I didn't get that. Are you 18 or over? Yes or no.")
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
            dispatcher.utter_message(text="What would you like us to call you? Any first name is fine, or say skip.")
            return {"preferred_name": None}
        if name is None:
            dispatcher.utter_message(text="Sorry, I couldn't use that as a name. Try just a first name, or say skip.")
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
                dispatcher.utter_message(
                    text="Thanks. Which part of London? Your postcode, like SE15 4QF, or your borough, "
                    "like Lambeth, helps us find the team near you. Or say skip."
                )
                return self.clear("location")
        if place.kind in ("none", "unknown_postcode"):
            dispatcher.utter_message(
                text="Sorry, I couldn't find that. Try a postcode like SE15 4QF, or an area like Lambeth. Or say skip."
            )
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
            dispatcher.utter_message(
                text="I can't see a number on this chat. Please type the mobile number, like 07700 900123, or say skip."
            )
            return self.clear("phone")
        if contact.looks_like_landline(value):
            dispatcher.utter_message(
                text="That looks like a landline. We need a mobile number, like 07700 900123. Or say skip."
            )
        else:
            dispatcher.utter_message(text="Sorry, I couldn't read that number. Try like 07700 900123, or say skip.")
        return self.clear("phone")

    def validate_contact_safety(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ):
        safety = parsing.parse_contact_safety(value, latest_intent(tracker)[0])
        if safety is None:
            if contact.discloses(value):
                acknowledge(dispatcher)
            dispatcher.utter_message(text="Sorry, I didn't get that. Is it safe to text, call, both, or neither?")
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
            dispatcher.utter_message(
                text="Sorry, I didn't get that. When is it safe? For example 'after 6pm', or 'any time'."
            )
            return {"safe_times": None}
        # Kept and read back as days and times only: what she said about anyone
        # else is never repeated (the summary, texts, the record).
        neutral = contact.neutral_times(value)
        if contact.discloses(value):
            acknowledge(dispatcher)
            if neutral is None:
                dispatcher.utter_message(
                    text="Which days or times are usually safe? For example 'weekday mornings', or say skip."
                )
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
            dispatcher.utter_message(
                text="Sorry, I didn't get that. Did the police send you, or are you contacting us yourself?"
            )
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
            "future": "That date is in the future. When were you given the caution? Or say skip.",
            "impossible": "That date doesn't exist. Could you check it? Or say skip.",
            "too_old": "That's more than 2 years ago. Could you check the date? Or say skip.",
        }
        if details is None or details.problem:
            message = problems.get(details.problem if details else "", None)
            dispatcher.utter_message(
                text=message
                or "Sorry, I couldn't read that. Send the date, like '3 Nov', and the reference if you have it. Or say skip."
            )
            return self.clear("caution_details")
        return {
            "caution_details": answers.clean(value)[:80],
            "caution_date": details.caution_date.isoformat() if details.caution_date else None,
            "police_reference": details.police_reference,
        }

    def validate_needs(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        needs = parsing.parse_needs(value)
        if needs is None:
            dispatcher.utter_message(
                text="Sorry, I didn't get that. Send numbers like '1 3', or words like 'housing'. Or say skip."
            )
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
            dispatcher.utter_message(text="OK, let's change that.")
            return {**self.clear(target), "referral_confirmed": None}
        if answer:
            return {"referral_confirmed": "yes", "referral_outcome": "confirmed"}
        dispatcher.utter_message(
            text="What would you like to change? Name, area, mobile, contact, times, police details, or help needed."
        )
        return {"referral_confirmed": None}
