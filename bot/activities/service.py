"""Booking and calling off a place at an activity: each one transaction.

Every function takes the caller's Session and either does everything (the
place, her booking row, its reminder in the outbox, the audit line) or raises
`ActivityError` and the caller's `session_scope()` rolls it all back. A place
is taken with a conditional UPDATE (`booked_count = booked_count + 1 WHERE
booked_count < places`), as bot/appointments/booking.py takes a slot's: the
row lock on PostgreSQL, and SQLite's single writer, make the check and the
increment one step, so two women never both get the last place.

She has one row per activity (unique activity + referral): calling off marks
it cancelled, booking again flips the same row back to booked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.activities import reminders
from bot.db.models import AuditLog, Referral
from bot.db.models.support import Activity, ActivityBooking
from bot.db.types import utcnow

# What she is offered: active, not full, starting between LEAD and WINDOW from now.
WINDOW = timedelta(weeks=4)
LEAD = timedelta(hours=2)
BOOKED, CANCELLED = "booked", "cancelled"


class ActivityError(Exception):
    """Why a place could not be booked or called off. Nothing was written.

    reason: full | not_open | already_booked | not_live | not_found
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _audit(
    session: Session, action: str, booking: ActivityBooking, actor_type: str = "woman", actor_id: int | None = None
) -> None:
    session.add(
        AuditLog(
            actor_type=actor_type,
            actor_id=actor_id,
            action=action,
            subject_type="activity_booking",
            subject_id=booking.id,
        )
    )


def _open(now: datetime):
    """The conditions for an activity she can still book."""
    return (
        Activity.active.is_(True),
        Activity.starts_at >= now + LEAD,
        Activity.starts_at <= now + WINDOW,
    )


def upcoming(
    session: Session, referral_id: int | None = None, *, now: datetime | None = None, limit: int | None = None
) -> list[Activity]:
    """What's on for her: open, not full, soonest first, none she already has a place at."""
    now = now or utcnow()
    query = select(Activity).where(*_open(now), Activity.booked_count < Activity.places)
    if referral_id is not None:
        hers = select(ActivityBooking.activity_id).where(
            ActivityBooking.referral_id == referral_id, ActivityBooking.status == BOOKED
        )
        query = query.where(Activity.id.not_in(hers))
    query = query.order_by(Activity.starts_at, Activity.id)
    if limit:
        query = query.limit(limit)
    return list(session.execute(query).unique().scalars())


def live_bookings(session: Session, referral_id: int, *, now: datetime | None = None) -> list[ActivityBooking]:
    """Her places at activities that have not started, soonest first."""
    now = now or utcnow()
    return list(
        session.execute(
            select(ActivityBooking)
            .join(Activity, Activity.id == ActivityBooking.activity_id)
            .where(
                ActivityBooking.referral_id == referral_id,
                ActivityBooking.status == BOOKED,
                Activity.starts_at > now,
            )
            .order_by(Activity.starts_at, Activity.id)
        )
        .unique()
        .scalars()
    )


def take_place(session: Session, activity_id: int, now: datetime) -> None:
    taken = session.execute(
        update(Activity)
        .where(Activity.id == activity_id, *_open(now), Activity.booked_count < Activity.places)
        .values(booked_count=Activity.booked_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken == 1:
        return
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise ActivityError("not_found")
    session.refresh(activity)
    if activity.booked_count >= activity.places:
        raise ActivityError("full")
    raise ActivityError("not_open")


def free_place(session: Session, activity_id: int) -> None:
    session.execute(
        update(Activity)
        .where(Activity.id == activity_id, Activity.booked_count > 0)
        .values(booked_count=Activity.booked_count - 1)
        .execution_options(synchronize_session=False)
    )


def _flip(session: Session, booking_id: int, before: str, after: str, **values) -> bool:
    """Change her row's status only if it is still `before` (two devices at once: one wins)."""
    return (
        session.execute(
            update(ActivityBooking)
            .where(ActivityBooking.id == booking_id, ActivityBooking.status == before)
            .values(status=after, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def book(
    session: Session, referral_id: int, activity_id: int, *, via: str | None = None, now: datetime | None = None
) -> ActivityBooking:
    now = now or utcnow()
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise ActivityError("not_found")
    existing = session.execute(
        select(ActivityBooking).where(
            ActivityBooking.activity_id == activity_id, ActivityBooking.referral_id == referral_id
        )
    ).scalar_one_or_none()
    if existing is not None:
        if not _flip(session, existing.id, CANCELLED, BOOKED, cancelled_at=None, booked_via=via):
            raise ActivityError("already_booked")
        take_place(session, activity_id, now)
        session.refresh(existing)
        booking = existing
    else:
        take_place(session, activity_id, now)
        booking = ActivityBooking(
            activity_id=activity_id,
            referral_id=referral_id,
            woman_id=referral.woman_id,
            status=BOOKED,
            booked_via=via,
        )
        session.add(booking)
        try:
            session.flush()
        except IntegrityError as exc:
            # She booked this one from another device a moment ago (one row each).
            raise ActivityError("already_booked") from exc
    session.refresh(booking.activity)  # its booked_count, changed by the UPDATE above
    reminders.schedule(session, booking, now=now)
    _audit(session, "activity.booked", booking)
    return booking


def cancel(
    session: Session,
    booking_id: int,
    *,
    now: datetime | None = None,
    actor_type: str = "woman",
    actor_id: int | None = None,
) -> ActivityBooking:
    """Call off her place: it goes back to the activity, and its reminder is not sent."""
    booking = session.get(ActivityBooking, booking_id)
    if booking is None:
        raise ActivityError("not_found")
    if not _flip(session, booking_id, BOOKED, CANCELLED, cancelled_at=now or utcnow()):
        raise ActivityError("not_live")
    free_place(session, booking.activity_id)
    reminders.cancel_for(session, booking.id)
    session.refresh(booking)
    _audit(session, "activity.cancelled", booking, actor_type, actor_id)
    return booking
