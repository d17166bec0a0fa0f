"""The staff page's reads and writes: list, add, edit, close or reopen an activity.

Every change is checked as a whole first (`FormErrors` names each field that
is wrong, and nothing is saved), written in one transaction with its audit
line, and keeps the reminders of women with a place in step: a new time
re-queues them, closing calls them off, reopening queues them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.activities import reminders
from bot.activities.service import BOOKED
from bot.appointments.formatting import local
from bot.appointments.reminders import wall_clock
from bot.db.models import Centre
from bot.db.models.support import Activity, ActivityBooking
from bot.db.types import utcnow
from bot.staff import audit
from bot.staff.centres import FormErrors

MAX_PLACES = 500
TITLE_MAX = 120
DESCRIPTION_MAX = 2000


@dataclass
class ActivityForm:
    """What the admin typed, as text (shown back as typed when something is wrong)."""

    centre_id: str = ""
    title: str = ""
    description: str = ""
    day: str = ""
    start: str = ""
    end: str = ""
    places: str = "10"

    @classmethod
    def of(cls, a: Activity) -> ActivityForm:
        starts, ends = local(a.starts_at), local(a.ends_at)
        return cls(
            str(a.centre_id),
            a.title,
            a.description or "",
            starts.date().isoformat(),
            starts.strftime("%H:%M"),
            ends.strftime("%H:%M"),
            str(a.places),
        )


@dataclass(frozen=True)
class Checked:
    centre_id: int
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    places: int


def upcoming(session: Session, limit: int = 300) -> list[Activity]:
    """From yesterday on, soonest first: what staff look after."""
    return list(
        session.execute(
            select(Activity)
            .where(Activity.starts_at >= utcnow() - timedelta(days=1))
            .order_by(Activity.starts_at, Activity.id)
            .limit(limit)
        )
        .unique()
        .scalars()
    )


def _check(session: Session, form: ActivityForm, existing: Activity | None) -> Checked:
    errors: dict[str, str] = {}
    centre = session.get(Centre, int(form.centre_id)) if form.centre_id.strip().isdigit() else None
    if centre is None or not (centre.active or (existing and existing.centre_id == centre.id)):
        errors["Centre"] = "Choose one of the open centres."
    title = " ".join(form.title.split())
    if not title:
        errors["Title"] = "Give it a title women will recognise, like 'Art group'."
    elif len(title) > TITLE_MAX:
        errors["Title"] = f"Keep the title to {TITLE_MAX} characters or fewer."
    description = form.description.strip()
    if len(description) > DESCRIPTION_MAX:
        errors["Description"] = f"Keep the description to {DESCRIPTION_MAX} characters or fewer."
    starts_at = ends_at = None
    day: date | None = None
    try:
        day = date.fromisoformat(form.day.strip())
    except ValueError:
        errors["Day"] = "Enter the day as a date, like 2026-03-24."
    start: time | None = None
    end: time | None = None
    try:
        start, end = time.fromisoformat(form.start.strip()), time.fromisoformat(form.end.strip())
    except ValueError:
        errors["Times"] = "Enter the start and end as times, like 14:00 and 16:00."
    if day and start and end:
        starts_at, ends_at = wall_clock(datetime.combine(day, start)), wall_clock(datetime.combine(day, end))
        if ends_at <= starts_at:
            errors["Times"] = "The end time must be after the start time."
        moved = existing is None or existing.starts_at != starts_at
        if moved and starts_at <= utcnow():
            errors["Day"] = "That time has already passed. Choose a time in the future."
    places = int(form.places) if form.places.strip().isdigit() else 0
    booked = existing.booked_count if existing else 0
    if not 1 <= places <= MAX_PLACES:
        errors["Places"] = f"Places must be a whole number from 1 to {MAX_PLACES}."
    elif places < booked:
        errors["Places"] = f"{booked} women already have a place, so there must be at least {booked} places."
    if errors or starts_at is None or ends_at is None or centre is None:
        raise FormErrors(errors)
    return Checked(centre.id, title, description, starts_at, ends_at, places)


def _live_bookings(session: Session, activity_id: int) -> list[ActivityBooking]:
    return list(
        session.execute(
            select(ActivityBooking).where(ActivityBooking.activity_id == activity_id, ActivityBooking.status == BOOKED)
        ).scalars()
    )


def _refresh_reminders(session: Session, activity: Activity) -> None:
    """Her reminder follows the activity: re-worded and re-timed, or called off if it is closed."""
    for booking in _live_bookings(session, activity.id):
        reminders.cancel_for(session, booking.id)
        if activity.active and activity.starts_at > utcnow():
            reminders.schedule(session, booking)


def save(session: Session, activity_id: int | None, form: ActivityForm, staff_id: int) -> Activity:
    """Add (activity_id None) or change an activity. LookupError: no such activity."""
    existing = None
    if activity_id is not None:
        # Locked, so places can't be cut below a place being booked at this moment.
        # (the row alone: its eager-loaded centre is an outer join, which can't be locked)
        session.execute(select(Activity.id).where(Activity.id == activity_id).with_for_update())
        existing = session.get(Activity, activity_id)
        if existing is None:
            raise LookupError("no such activity")
    checked = _check(session, form, existing)
    activity = existing or Activity(created_by_id=staff_id, booked_count=0, active=True)
    moved = existing is not None and (existing.starts_at, existing.centre_id) != (checked.starts_at, checked.centre_id)
    activity.centre_id = checked.centre_id
    activity.title = checked.title
    activity.description = checked.description
    activity.starts_at = checked.starts_at
    activity.ends_at = checked.ends_at
    activity.places = checked.places
    if existing is None:
        session.add(activity)
    session.flush()
    session.refresh(activity)  # its centre, for the reminders' address
    if moved:
        _refresh_reminders(session, activity)
    audit.record(session, staff_id, "edit_activity" if existing else "add_activity", "activity", activity.id)
    return activity


def set_active(session: Session, activity_id: int, active: bool, staff_id: int) -> None:
    """Close (no new places, reminders called off) or reopen an activity."""
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise LookupError("no such activity")
    activity.active = active
    session.flush()
    _refresh_reminders(session, activity)
    audit.record(session, staff_id, "open_activity" if active else "close_activity", "activity", activity.id)
