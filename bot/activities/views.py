"""The activity calls the conversation makes: one transaction each, plain values out.

The action server calls these through `run_db` (blocking work off the event
loop); each opens its own `session_scope()` and returns frozen dataclasses,
never ORM rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.activities import service
from bot.appointments.reminders import discreet_for
from bot.db.models.support import Activity, ActivityBooking
from bot.db.session import session_scope
from bot.referrals import identity

SHOWN = 5  # activities listed at once: a phone screen, or one or two texts


@dataclass(frozen=True)
class ActivityView:
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    centre_name: str
    address: str
    postcode: str
    places_left: int

    @property
    def place(self) -> str:
        return f"{self.centre_name}, {self.address}, {self.postcode}"

    @property
    def street(self) -> str:
        """Where, without the centre's name (for discreet texts)."""
        return f"{self.address}, {self.postcode}"

    @classmethod
    def of(cls, a: Activity) -> ActivityView:
        c = a.centre
        return cls(a.id, a.title, a.starts_at, a.ends_at, c.name, c.address, c.postcode, a.places - a.booked_count)


@dataclass(frozen=True)
class PlaceView:
    """Her place at an activity."""

    id: int  # the booking's
    activity: ActivityView

    @classmethod
    def of(cls, b: ActivityBooking) -> PlaceView:
        return cls(b.id, ActivityView.of(b.activity))


@dataclass(frozen=True)
class Hers:
    """The woman behind a conversation, what's on for her and the places she has."""

    referral_id: int
    discreet: bool  # her record doesn't say texts may name the service
    upcoming: tuple[ActivityView, ...]
    places: tuple[PlaceView, ...]


def for_her(sender_id: str, channel: str | None, limit: int = SHOWN) -> Hers | None:
    """None when this conversation is not linked to a woman we support."""
    with session_scope() as session:
        referral = identity.referral_for(session, sender_id, channel)
        if referral is None:
            return None
        return Hers(
            referral.id,
            discreet_for(referral.woman),
            tuple(ActivityView.of(a) for a in service.upcoming(session, referral.id, limit=limit)),
            tuple(PlaceView.of(b) for b in service.live_bookings(session, referral.id)),
        )


def activity(activity_id: int) -> ActivityView | None:
    with session_scope() as session:
        found = session.get(Activity, activity_id)
        return ActivityView.of(found) if found else None


def place(booking_id: int) -> PlaceView | None:
    with session_scope() as session:
        found = session.get(ActivityBooking, booking_id)
        return PlaceView.of(found) if found else None


@dataclass(frozen=True)
class Outcome:
    ok: bool
    place: PlaceView | None = None
    reason: str | None = None  # ActivityError reason
    reminded: bool = False  # a reminder is queued for the day before


def book(referral_id: int, activity_id: int, via: str | None) -> Outcome:
    try:
        with session_scope() as session:
            booking = service.book(session, referral_id, activity_id, via=via)
            queued = service.reminders.is_queued(session, booking.id)
            return Outcome(True, PlaceView.of(booking), reminded=queued)
    except service.ActivityError as exc:
        return Outcome(False, reason=exc.reason)


def cancel(booking_id: int, referral_id: int) -> Outcome:
    """Call off her place; only a place on her own case."""
    try:
        with session_scope() as session:
            found = session.get(ActivityBooking, booking_id)
            if found is None or found.referral_id != referral_id:
                raise service.ActivityError("not_found")
            return Outcome(True, PlaceView.of(service.cancel(session, booking_id)))
    except service.ActivityError as exc:
        return Outcome(False, reason=exc.reason)
