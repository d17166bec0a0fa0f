"""Groups and activities in the conversation: what's on, book a place, call one off.

She asks (intent ask_activities) and `action_activities_start` looks her up:
not a woman we support -> said kindly, with the referral start; nothing on and
no places of hers -> said, with a person offered; otherwise `activity_form`
asks which one (up to 5 upcoming, and her own places to call off, as buttons;
on SMS the buttons become numbered options), then her yes, and only then
books or calls off. Picks are a button payload ("activity 12", "place 7"), a
number from the list, or words naming one ("the art group", "thursday's").
The rules of booking live in bot/activities/.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointments.confirm import CALL_OFF
from actions.appointments.form import _NOT_NOW  # one reading of "not now" for every booking
from actions.appointments.texts import no_record
from actions.common import channel_of, latest_intent, latest_text
from actions.forms import CONFIDENT, GuidedFormValidation
from bot.activities import views
from bot.activities.views import ActivityView, Hers
from bot.appointments import formatting
from bot.appointments.preferences import parse_choice, parse_preference
from bot.conversation.answers import clean, detect_control, parse_yes_no
from bot.dates import today_london
from bot.db.session import run_db
from bot.wording import buttons, say
from bot.wording.languages import fold_words

logger = logging.getLogger(__name__)

FORM = "activity_form"
SLOTS = (
    "activity_choice",
    "activity_confirm",
    "activity_mode",
    "activity_offer",
    "activity_places",
    "activity_target",
    "activity_outcome",
    "activity_discreet",
)
BOOK, CANCEL = "book", "cancel"
_PAYLOAD = re.compile(r"^\s*(activity|place)\s+(\d{1,10})\s*$", re.I)
# Asked mid-choice, these are a new errand, not an answer: the groups are set aside
# and the errand's own first action runs next (action_activities_done).
_SWITCH_TO = {
    "book_appointment": "action_appointment_book",
    "check_appointment": "action_appointment_status",
    "find_service": "action_find_services",
    "stop_texts": "action_stop_texts",
    "delete_my_data": "action_data_rights_start",
    "my_data_summary": "action_data_rights_start",
}
SWITCH_PREFIX = "switch:"
# Words that name no group: "can I go to the one on friday".
_FILLER = frozenset(
    "the and for can book place one please want like would could that this there with group groups activity".split()
)
_CALL_OFF_WORDS = re.compile(r"\b(call(ing)? off|cancel|can'?t (come|make|go)|drop|give up)\b", re.I)


def reset() -> list[EventType]:
    return [SlotSet(slot, None) for slot in SLOTS]


def _ids(values: Any) -> list[int]:
    return [int(v) for v in values or [] if str(v).isdigit()]


def _place_of(view: ActivityView, discreet: bool) -> str:
    return view.street if discreet else view.place


def _is_discreet(tracker: Tracker, hers: Hers) -> bool:
    """Street address only: on SMS when her record doesn't say texts may name the service."""
    return hers.discreet and channel_of(tracker) == "sms"


async def _look_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> Hers | None:
    """Her record and what's on; None (and she is told why) when there is none."""
    try:
        hers = await run_db(views.for_her, tracker.sender_id, channel_of(tracker))
    except Exception:
        logger.exception("activities: lookup failed")
        dispatcher.utter_message(text=say("activities.unavailable"))
        return None
    if hers is None:
        # Groups are for women we support: the usual way in (her reference, or a referral).
        dispatcher.utter_message(
            text=f"{say('activities.for_women_we_support')} {no_record()}",
            buttons=buttons("activities.for_women_we_support"),
        )
    return hers


class ActionActivitiesStart(Action):
    def name(self) -> str:
        return "action_activities_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        hers = await _look_up(dispatcher, tracker)
        if hers is None:
            return reset()
        if not hers.upcoming and not hers.places:
            dispatcher.utter_message(text=say("activities.none_upcoming"), buttons=buttons("activities.none_upcoming"))
            return reset()
        return reset() + [SlotSet("activity_discreet", _is_discreet(tracker, hers)), FollowupAction(FORM)]


def listing(hers: Hers, discreet: bool, note: str | None = None) -> tuple[str, list[dict]]:
    """What's on and her places, numbered in the order of the buttons."""
    lines = [note] if note else []
    number = 0
    if hers.upcoming:
        lines.append(say("activities.whats_on"))
        for view in hers.upcoming:
            number += 1
            at = {
                "number": number,
                "title": view.title,
                "when": formatting.when(view.starts_at),
                "place": _place_of(view, discreet),
            }
            if view.places_left == 1:
                lines.append(say("activities.line_one_place_left", **at))
            else:
                lines.append(say("activities.line_places_left", left=view.places_left, **at))
    else:
        lines.append(say("activities.nothing_else_on"))
    if hers.places:
        lines.append(say("activities.your_places"))
        for place in hers.places:
            number += 1
            lines.append(
                say(
                    "activities.your_place_line",
                    number=number,
                    title=place.activity.title,
                    when=formatting.when(place.activity.starts_at),
                    place=_place_of(place.activity, discreet),
                )
            )
    if hers.upcoming and hers.places:
        lines.append(say("activities.pick_to_book_or_call_off"))
    elif hers.upcoming:
        lines.append(say("activities.pick_to_book"))
    else:
        lines.append(say("activities.pick_to_call_off"))
    offered = [
        {
            "title": say("activities.option_title", title=v.title, day=formatting.day(v.starts_at)),
            "payload": f"activity {v.id}",
        }
        for v in hers.upcoming
    ] + [
        {
            "title": say("activities.call_off_title", title=p.activity.title, day=formatting.day(p.activity.starts_at)),
            "payload": f"place {p.id}",
        }
        for p in hers.places
    ]
    return "\n".join(lines), offered


class ActionAskActivityChoice(Action):
    """What's on, read fresh each time it is asked (places go while she decides)."""

    def name(self) -> str:
        return "action_ask_activity_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            hers = await run_db(views.for_her, tracker.sender_id, channel_of(tracker))
        except Exception:
            logger.exception("activities: lookup failed")
            hers = None
        if hers is None or not (hers.upcoming or hers.places):
            dispatcher.utter_message(text=say("activities.none_upcoming"), buttons=buttons("activities.none_upcoming"))
            return [SlotSet("activity_outcome", "none")]  # the form ends at her next message
        offered = _ids(tracker.get_slot("activity_offer"))
        gone = bool(offered) and not set(offered) <= {v.id for v in hers.upcoming}
        text, offered_buttons = listing(
            hers, bool(tracker.get_slot("activity_discreet")), say("activities.places_gone") if gone else None
        )
        dispatcher.utter_message(text=text, buttons=offered_buttons)
        return [
            SlotSet("activity_offer", [str(v.id) for v in hers.upcoming]),
            SlotSet("activity_places", [str(p.id) for p in hers.places]),
        ]


class ActionAskActivityConfirm(Action):
    def name(self) -> str:
        return "action_ask_activity_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        target = int(tracker.get_slot("activity_target") or 0)
        discreet = bool(tracker.get_slot("activity_discreet"))
        if tracker.get_slot("activity_mode") == CANCEL:
            place = await run_db(views.place, target)
            if place is None:
                dispatcher.utter_message(text=say("activities.already_changed"))
                return [SlotSet("activity_outcome", "failed")]
            key = "activities.confirm_call_off"
            at = {"title": place.activity.title, "when": formatting.when(place.activity.starts_at)}
            dispatcher.utter_message(text=say(key, **at), buttons=buttons(key))
            return []
        view = await run_db(views.activity, target)
        if view is None:
            dispatcher.utter_message(text=say("activities.not_open_now"))
            return [SlotSet("activity_outcome", "failed")]
        key = "activities.confirm_book"
        text = say(key, title=view.title, when=formatting.when(view.starts_at), place=_place_of(view, discreet))
        dispatcher.utter_message(text=text, buttons=buttons(key))
        return []


def _by_words(text: str, options: list[tuple[str, ActivityView]], today: date) -> int | None:
    """The one option her words name: by the group's name, its day, or both."""
    said = {w for w in fold_words(text) if len(w) >= 3} - _FILLER
    named = [i for i, (_, v) in enumerate(options) if said & set(fold_words(v.title))]
    pref = parse_preference(text, today)
    if pref.understood and (pref.days or pref.weekdays):
        pool = named or range(len(options))
        named = [
            i
            for i in pool
            if formatting.local(options[i][1].starts_at).date() in pref.days
            or formatting.local(options[i][1].starts_at).isoweekday() in pref.weekdays
        ]
    # "call off the art group" names her place, not the next art group.
    kind = "place" if _CALL_OFF_WORDS.search(text) else "activity"
    if len({options[i][0] for i in named}) > 1:
        named = [i for i in named if options[i][0] == kind]
    return named[0] if len(named) == 1 else None


class ValidateActivityForm(GuidedFormValidation):
    outcome_slot = "activity_outcome"
    required_answers = frozenset({"activity_confirm"})
    derived = {"activity_choice": ("activity_mode", "activity_target")}

    def name(self) -> str:
        return "validate_activity_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("activity_outcome"):
            return []
        return ["activity_choice", "activity_confirm"]

    # ---- commands and side questions ---------------------------------------

    def _options(self, tracker: Tracker) -> list[tuple[str, int]]:
        return [("activity", i) for i in _ids(tracker.get_slot("activity_offer"))] + [
            ("place", i) for i in _ids(tracker.get_slot("activity_places"))
        ]

    def _quick_pick(self, text: str, tracker: Tracker) -> tuple[str, int] | None:
        """A button's payload or a number from the list."""
        options = self._options(tracker)
        m = _PAYLOAD.match(text)
        if m and (m[1].lower(), int(m[2])) in options:
            return m[1].lower(), int(m[2])
        index = parse_choice(text, len(options))
        return options[index] if index is not None else None

    def accepts(self, slot: str, text: str, intent: str | None) -> bool:
        if slot == "activity_confirm":
            return parse_yes_no(text, intent if intent in ("affirm", "deny") else None) is not None
        return False

    async def interruption(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any] | None:
        text = clean(latest_text(tracker))
        intent, confidence = latest_intent(tracker)
        confident = confidence >= CONFIDENT
        command = detect_control(text)
        if self._quick_pick(text, tracker) is not None:
            return None
        if slot == "activity_confirm" and tracker.get_slot("activity_mode") == CANCEL and CALL_OFF.match(text):
            return None  # "call it off" here means yes
        if command == "stop" or _NOT_NOW.match(text) or (confident and intent in ("goodbye", "stop_form")):
            return {slot: None, self.outcome_slot: "stopped"}
        if slot == "activity_choice" and (command == "skip" or parse_yes_no(text) is False):
            return {slot: None, self.outcome_slot: "stopped"}
        if confident and intent in _SWITCH_TO:
            return {slot: None, self.outcome_slot: SWITCH_PREFIX + _SWITCH_TO[intent]}
        return await super().interruption(slot, dispatcher, tracker, domain)

    # ---- which one -----------------------------------------------------------

    async def _pick_by_words(self, text: str, tracker: Tracker) -> tuple[str, int] | None:
        found: list[tuple[str, int, ActivityView]] = []
        for kind, i in self._options(tracker):
            if kind == "activity":
                view = await run_db(views.activity, i)
            else:
                place = await run_db(views.place, i)
                view = place.activity if place else None
            if view is not None:
                found.append((kind, i, view))
        index = _by_words(text, [(kind, view) for kind, _, view in found], today_london())
        return None if index is None else found[index][:2]

    async def _choose(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        text = clean(value)
        pick = self._quick_pick(text, tracker)
        if pick is None:
            pick = await self._pick_by_words(text, tracker)
        if pick is None:
            dispatcher.utter_message(text=say("activities.choice_not_understood"))
            return {"activity_choice": None}
        kind, chosen = pick
        if kind == "activity":
            view = await run_db(views.activity, chosen)
            if view is None or view.places_left <= 0:
                dispatcher.utter_message(text=say("activities.place_just_gone"))
                return {"activity_choice": None}  # asked again: what's on now
        return {
            "activity_choice": text[:80],
            "activity_mode": BOOK if kind == "activity" else CANCEL,
            "activity_target": str(chosen),
        }

    async def validate_activity_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            return await self._choose(value, dispatcher, tracker)
        except Exception:
            logger.exception("activities: choice failed")
            dispatcher.utter_message(text=say("activities.unavailable"))
            return {"activity_choice": None, "activity_outcome": "error"}

    # ---- yes, then write ---------------------------------------------------

    async def validate_activity_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            return await self._confirm(value, dispatcher, tracker)
        except Exception:
            logger.exception("activities: change failed")
            dispatcher.utter_message(text=say("activities.unavailable"))
            return {"activity_confirm": None, "activity_outcome": "error"}

    async def _confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        text = clean(value)
        mode = tracker.get_slot("activity_mode")
        intent = latest_intent(tracker)[0]
        answer = parse_yes_no(text, intent if intent in ("affirm", "deny") else None)
        if mode == CANCEL and CALL_OFF.match(text):
            answer = True
        if answer is None and self._quick_pick(text, tracker) is not None:
            # Another one picked at the yes/no question: take it as her new choice.
            return {"activity_confirm": None, **await self._choose(value, dispatcher, tracker)}
        if answer is None:
            dispatcher.utter_message(text=say("activities.yes_or_no"))
            return {"activity_confirm": None}
        target = int(tracker.get_slot("activity_target") or 0)
        if not answer:
            dispatcher.utter_message(text=say("activities.kept" if mode == CANCEL else "activities.not_booked"))
            return {"activity_confirm": "no", "activity_outcome": "kept"}
        hers = await _look_up(dispatcher, tracker)
        if hers is None:
            return {"activity_confirm": None, "activity_outcome": "no_record"}
        discreet = bool(tracker.get_slot("activity_discreet"))
        if mode == CANCEL:
            result = await run_db(views.cancel, target, hers.referral_id)
            if not result.ok or result.place is None:
                dispatcher.utter_message(text=say("activities.already_changed"))
                return {"activity_confirm": "yes", "activity_outcome": "failed"}
            done = result.place.activity
            dispatcher.utter_message(
                text=say("activities.called_off", title=done.title, when=formatting.when(done.starts_at))
            )
            return {"activity_confirm": "yes", "activity_outcome": "done"}
        result = await run_db(views.book, hers.referral_id, target, channel_of(tracker))
        if result.ok and result.place is not None:
            booked = result.place.activity
            at = {
                "title": booked.title,
                "when": formatting.when(booked.starts_at),
                "place": _place_of(booked, discreet),
            }
            dispatcher.utter_message(
                text=say("activities.booked_reminded", **at) if result.reminded else say("activities.booked", **at)
            )
            return {"activity_confirm": "yes", "activity_outcome": "done"}
        if result.reason in ("full", "not_open"):
            # Gone while she decided: said, then what's on now is asked again.
            dispatcher.utter_message(
                text=say("activities.place_just_gone" if result.reason == "full" else "activities.not_open_now")
            )
            return {"activity_confirm": None, "activity_choice": None, "activity_mode": None, "activity_target": None}
        if result.reason == "already_booked":
            dispatcher.utter_message(text=say("activities.already_booked"))
        else:
            dispatcher.utter_message(text=say("activities.already_changed"))
        return {"activity_confirm": "yes", "activity_outcome": "failed"}


class ActionActivitiesDone(Action):
    """After the form: a last word if she stopped, then clear the form's slots."""

    def name(self) -> str:
        return "action_activities_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        outcome = tracker.get_slot("activity_outcome") or ""
        if outcome == "stopped":
            dispatcher.utter_message(text=say("activities.stopped"))
        if outcome.startswith(SWITCH_PREFIX):
            dispatcher.utter_message(text=say("activities.set_aside"))
            return [*reset(), FollowupAction(outcome[len(SWITCH_PREFIX) :])]
        return reset()
