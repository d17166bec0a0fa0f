"""The text the day before an activity she has a place at.

Queued in the outbox at booking time (same transaction), with `send_after` the
day before at the same London wall-clock time, so no worker job is needed: the
worker sends it when due, exactly once. When it goes follows her appointment
reminders (bot/appointments/reminders.py): earlier if that is in quiet hours,
at the latest time she said is safe, or not at all if none is; a time already
past is skipped.

Always discreet: the activity's title may say what it is about ("a women's
group"), so the text gives only the day, time and street address, never the
service, centre, title, police, caution or abuse (templates marked discreet in
bot/wording/en/activities.yml). In her language, whichever process queues it.

Key: `activity:<booking id>:day_before`, so calling off cancels it by prefix.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.appointments import formatting
from bot.appointments.reminders import reminder_times, safe_window
from bot.db.models import OutboxMessage, OutboxStatus, Woman
from bot.db.models.support import ActivityBooking
from bot.db.types import utcnow
from bot.messaging.outbox import cancel_pending, enqueue
from bot.privacy import shared_numbers
from bot.wording.catalogue import using_language
from bot.wording.discreet import say_discreet

DAY_BEFORE_HOURS = 24
LABEL = "day_before"


def key_prefix(booking_id: int) -> str:
    return f"activity:{booking_id}:"


def reminder_text(booking: ActivityBooking, woman: Woman, sent_at: datetime) -> str:
    activity = booking.activity
    centre = activity.centre
    when = {
        "on": formatting.on_day(activity.starts_at, sent_at),
        "clock": formatting.clock(activity.starts_at),
        "address": centre.address,
        "postcode": centre.postcode,
    }
    with using_language(woman.language):  # hers, whichever process queues it
        if woman.preferred_name:
            return say_discreet("activities.reminder_named", name=woman.preferred_name, **when)
        return say_discreet("activities.reminder", **when)


def send_at(booking: ActivityBooking, woman: Woman, now: datetime) -> datetime | None:
    """When the day-before text goes (UTC), or None if there is no good time for it."""
    planned = reminder_times(booking.activity.starts_at, now, offsets=(DAY_BEFORE_HOURS,), safe=safe_window(woman))
    return planned[0].send_at if planned else None


def schedule(session: Session, booking: ActivityBooking, now: datetime | None = None) -> OutboxMessage | None:
    """Queue her reminder; None if she can't get texts or it is too late for one."""
    now = now or utcnow()
    session.flush()
    woman = session.get(Woman, booking.woman_id)
    if woman is None or not woman.phone_e164 or shared_numbers.hold(session, woman):
        return None
    at = send_at(booking, woman, now)
    if at is None:
        return None
    key = f"{key_prefix(booking.id)}{LABEL}"
    # Booked again after calling off: the same booking, so the same key. Its old
    # reminder never went (it was cancelled) and makes way for the new one.
    session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.dedupe_key == key, OutboxMessage.status == OutboxStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return enqueue(
        session,
        to=woman.phone_e164,
        body=reminder_text(booking, woman, at),
        kind="reminder",
        woman_id=woman.id,
        dedupe_key=key,
        send_after=at,
        discreet=True,
    )


def cancel_for(session: Session, booking_id: int) -> int:
    """Cancel her reminder for this place if it has not gone yet."""
    return cancel_pending(session, key_prefix(booking_id))


def is_queued(session: Session, booking_id: int) -> bool:
    """Is her reminder for this place waiting to go?"""
    found = session.execute(
        select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key.like(f"{key_prefix(booking_id)}%"), OutboxMessage.status == OutboxStatus.PENDING
        )
    ).first()
    return found is not None
