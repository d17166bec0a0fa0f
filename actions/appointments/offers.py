"""What the appointment form is booking, and the times it offers her next."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.appointments import flows
from actions.common import channel_of
from bot.appointments import service
from bot.db.models.appointments import AppointmentKind
from bot.db.session import run_db

# "Other times", "none of these": she wants a fresh offer.
MORE = re.compile(
    r"\b(other times?|others|another time|more (times|options)?|more|different (times?|day)|none of (these|those|them)|"
    r"any (other|others|more)|something else|later ones|other days?)\b",
    re.I,
)


def ids(values) -> list[int]:
    return [int(v) for v in (values or []) if str(v).isdigit()]


async def booking_context(tracker: Tracker) -> tuple[service.Who | None, AppointmentKind | None, int | None]:
    """Who she is, which kind of meeting, and the appointment being moved (if any)."""
    who = await run_db(service.who, tracker.sender_id, channel_of(tracker))
    moving_id = (
        int(tracker.get_slot("appt_target"))
        if tracker.get_slot("appt_mode") == "move" and tracker.get_slot("appt_target")
        else None
    )
    kind = None
    if moving_id:
        view = await run_db(service.appointment_view, moving_id)
        kind = view.kind if view else None
    elif tracker.get_slot("appt_kind"):
        kind = AppointmentKind(tracker.get_slot("appt_kind"))
    return who, kind, moving_id


async def new_offer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    kind: AppointmentKind,
    wish,
    *,
    moving_id: int | None,
    note: str,
    exclude: set[int] | None = None,
) -> dict[str, Any]:
    """A fresh offer for the next question, or the end of the form when nothing is free."""
    who = await run_db(service.who, tracker.sender_id, channel_of(tracker))
    offer = await run_db(service.offer, who.referral_id, kind, wish, moving_id=moving_id, exclude=exclude)
    if not offer.slots and exclude:
        offer = await run_db(service.offer, who.referral_id, kind, wish, moving_id=moving_id)
    if not offer.slots:
        await flows.say_no_slot(dispatcher, tracker, who, offer)
        return {"appt_outcome": "no_slot"}
    note = await flows.offer_note(offer, note, asked=wish is not None)
    return {"appt_offer": [str(v.id) for v in offer.slots], "appt_note": note}
