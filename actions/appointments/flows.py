"""Starting a booking, a move or a call-off: shared by the intents, the
offer after a referral, and her replies to reminders.

Each start works out what is needed, makes the first offer, and hands over to
`appointment_form` (FollowupAction) only when there is a real question to ask;
otherwise it says why and the conversation waits for her.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.appointments import texts
from actions.common import channel_of, latest_text
from bot.appointments import formatting, service
from bot.appointments.preferences import parse_preference
from bot.appointments.service import AppointmentView
from bot.appointments.slots import RULE_PROBLEMS
from bot.appointments.wanted_times import Preference
from bot.db.models.appointments import AppointmentKind
from bot.db.session import run_db
from bot.settings import get_settings
from bot.wording import say

logger = logging.getLogger(__name__)

FORM = "appointment_form"
SLOTS = (
    "appt_mode",
    "appt_kind",
    "appt_target",
    "appt_candidates",
    "appt_offer",
    "appt_slot",
    "appt_pref",
    "appt_note",
    "appt_outcome",
    "appt_discreet",
    "appt_which",
    "appt_choice",
    "appt_confirm",
)


def reset() -> list[EventType]:
    return [SlotSet(slot, None) for slot in SLOTS]


def is_discreet(tracker: Tracker, who: service.Who | None) -> bool:
    """Street address only: on SMS when her record doesn't say texts are safe."""
    return bool(who and who.discreet and channel_of(tracker) == "sms")


def offer_events(offer, note: str) -> list[EventType]:
    return [SlotSet("appt_offer", [str(v.id) for v in offer.slots]), SlotSet("appt_note", note)]


async def find_who(dispatcher: CollectingDispatcher, tracker: Tracker, quiet: bool = False) -> service.Who | None:
    try:
        who = await run_db(service.who, tracker.sender_id, channel_of(tracker))
    except Exception:
        logger.exception("appointments: lookup failed")
        dispatcher.utter_message(text=say("appointments.unavailable"))
        return None
    if who is None and not quiet:
        dispatcher.utter_message(text=texts.no_record())
    return who


async def say_no_slot(dispatcher: CollectingDispatcher, tracker: Tracker, who: service.Who, offer) -> None:
    dispatcher.utter_message(text=texts.no_slot(offer.deadline))
    if offer.problem == "none_before_deadline":
        try:
            await run_db(service.no_slot_alert, who.referral_id, tracker.sender_id, channel_of(tracker))
        except Exception:
            logger.exception("appointments: no-slot alert failed")


def status_text(who: service.Who, discreet: bool) -> str:
    lines = []
    if who.live:
        lines.append(
            say("appointments.status_heading_many" if len(who.live) > 1 else "appointments.status_heading_one")
        )
        lines.append(texts.listing(who.live, discreet))
    else:
        lines.append(say("appointments.status_none"))
    if who.caution:
        if who.completed:
            lines.append(say("appointments.status_caution_done"))
        elif who.attended:
            lines.append(say("appointments.status_caution_attended", attended=len(who.attended)))
    return "\n".join(lines)


async def start_booking(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    who: service.Who | None,
    *,
    wish: str | None = None,
    kind: AppointmentKind | None = None,
    after_referral: bool = False,
) -> list[EventType]:
    if who is None:
        return reset()
    if not who.in_coverage:
        if not after_referral:
            dispatcher.utter_message(text=say("appointments.out_of_coverage"))
        return reset()
    kind = kind or who.needed or (AppointmentKind.FOLLOW_UP if who.follow_up_open else None)
    discreet = is_discreet(tracker, who)
    if kind is None:
        if not after_referral:
            dispatcher.utter_message(text=f"{status_text(who, discreet)}\n{say('appointments.status_change_one')}")
        return reset()
    try:
        offer = await run_db(service.offer, who.referral_id, kind, wish)
    except Exception:
        logger.exception("appointments: offer failed")
        dispatcher.utter_message(text=say("appointments.unavailable"))
        return reset()
    if not offer.slots:
        await say_no_slot(dispatcher, tracker, who, offer)
        return reset()
    note = await offer_note(offer, booking_heading(kind, who))
    if (
        offer.exact
        and not offer.problem
        and wish
        and parse_preference(wish, formatting.local(service.now()).date()).understood
    ):
        note = say("appointments.whats_free")
    return reset() + [
        SlotSet("appt_mode", "book"),
        SlotSet("appt_kind", kind.value),
        SlotSet("appt_pref", wish),
        SlotSet("appt_discreet", discreet),
        *offer_events(offer, note),
        FollowupAction(FORM),
    ]


async def offer_note(offer, note: str, asked: bool = True) -> str:
    """The words above an offer: `note`, or why it isn't what she asked for.

    A caution rule (after the deadline, too close to the other meeting) is
    said plainly, never as "nothing is free then".
    """
    if offer.problem in RULE_PROBLEMS:
        return " ".join(filter(None, [texts.rule_problem(offer), say("appointments.rule_lead")]))
    if offer.problem or not offer.exact:
        reason = offer.problem if offer.problem in ("impossible", "past", "closed") else "not_exact"
        lead = texts.problem(reason, await hours_text()) if asked else ""
        return " ".join(filter(None, [lead, say("appointments.nearest_free_times")]))
    return note


def second_booked(who: service.Who) -> AppointmentView | None:
    return next((v for v in who.live if v.kind == AppointmentKind.MANDATORY_2), None)


def booking_heading(kind: AppointmentKind, who: service.Who) -> str:
    second = second_booked(who) if kind == AppointmentKind.MANDATORY_1 else None
    return texts.heading(
        kind, who.deadline, second=second.slot.starts_at if second else None, gap_days=get_settings().mandatory_gap_days
    )


async def hours_text() -> str:
    from bot.appointments import hours, slots
    from bot.db.session import session_scope

    def _read() -> str:
        with session_scope() as session:
            return hours.describe(slots.service_hours(session))

    try:
        return await run_db(_read)
    except Exception:
        return ""


def _target_from_words(who: service.Who, text: str) -> tuple[int | None, Preference]:
    """The appointment her words point at ("I can't make Thursday"), and what she wants instead.

    "Move Thursday to Friday": Thursday is the appointment, Friday the wish.
    """
    pref = parse_preference(text, formatting.local(service.now()).date())
    hits = []
    for view in who.live:
        d = formatting.local(view.slot.starts_at).date()
        if d in pref.days or d.isoweekday() in pref.not_weekdays or d.isoweekday() in pref.weekdays:
            hits.append((view.id, d))
    if len(hits) != 1:
        return None, pref
    target_id, day = hits[0]
    if len(pref.days | set(pref.weekdays)) > 1:
        pref = replace(pref, days=pref.days - {day}, weekdays=pref.weekdays - {day.isoweekday()})
    if any(d.isoweekday() == day.isoweekday() for d in pref.days - {day}):
        # "I can't make Tuesday, can I do the 15th?", a Tuesday too: what she ruled out
        # was this meeting's day, not every Tuesday.
        pref = replace(pref, not_weekdays=pref.not_weekdays - {day.isoweekday()})
    return target_id, pref


async def start_change(
    dispatcher: CollectingDispatcher, tracker: Tracker, who: service.Who | None, mode: str, target_id: int | None = None
) -> list[EventType]:
    """Move (mode 'move') or call off (mode 'cancel') one of her appointments."""
    if who is None:
        return reset()
    discreet = is_discreet(tracker, who)
    if not who.live:
        dispatcher.utter_message(text=say("appointments.none_to_change"))
        if mode == "move" and who.needed and who.in_coverage:
            return await start_booking(dispatcher, tracker, who)
        return reset()
    text = latest_text(tracker)
    named_id, wish = _target_from_words(who, text)
    if target_id is None:
        target_id = named_id
    if target_id is None and len(who.live) == 1:
        target_id = who.live[0].id
    events: list[EventType] = reset() + [
        SlotSet("appt_mode", mode),
        SlotSet("appt_discreet", discreet),
        SlotSet("appt_candidates", [str(v.id) for v in who.live]),
    ]
    if target_id is None:
        return events + [FollowupAction(FORM)]  # the form asks which one
    events.append(SlotSet("appt_target", str(target_id)))
    if mode == "cancel":
        return events + [FollowupAction(FORM)]
    target = next(v for v in who.live if v.id == target_id)
    if not wish.understood:
        wish = None
    try:
        offer = await run_db(service.offer, who.referral_id, target.kind, wish, moving_id=target.id)
    except Exception:
        logger.exception("appointments: offer failed")
        dispatcher.utter_message(text=say("appointments.unavailable"))
        return reset()
    if not offer.slots:
        dispatcher.utter_message(
            text=say("appointments.your_appointment_is", when=formatting.when(target.slot.starts_at))
        )
        await say_no_slot(dispatcher, tracker, who, offer)
        return reset()
    if wish is not None and wish.days and wish.at and offer.exact and not offer.problem and len(offer.slots) == 1:
        # She named a day and a time that is free ("can I do the 15th at 11?"): straight to her yes.
        dispatcher.utter_message(text=texts.moving(target.kind, target.slot.starts_at))
        return events + [
            SlotSet("appt_pref", text),
            *offer_events(offer, ""),
            SlotSet("appt_choice", text[:80]),
            SlotSet("appt_slot", str(offer.slots[0].id)),
            FollowupAction(FORM),
        ]
    # Say which meeting is moving (kind, day and time) before any times.
    note = (
        texts.moving(target.kind, target.slot.starts_at)
        + " "
        + await offer_note(offer, texts.heading(target.kind, offer.deadline, "move"))
    )
    return events + [SlotSet("appt_pref", text if wish else None), *offer_events(offer, note), FollowupAction(FORM)]


def slot_value(tracker: Tracker, name: str) -> Any:
    return tracker.get_slot(name)
