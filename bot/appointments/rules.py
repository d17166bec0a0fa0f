"""Which appointment she needs next, and when it may be.

A voluntary (self) referral books one assessment. A conditional caution needs
two mandatory appointments, in order, both on or before the referral's
deadline, at least `mandatory_gap_days` apart. The deadline is per referral
(`caution_deadline`, set on submit from the caution date); when she did not
know the caution date, the default is counted from the day she registered,
and the keyworker can correct it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.dates import london
from bot.db.models import Pathway, Referral
from bot.db.models.appointments import (
    LIVE_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentSlot,
    AppointmentStatus,
)
from bot.settings import get_settings

# Too close to the start to book, move into, or send anyone to.
MIN_NOTICE = timedelta(hours=2)
DONE_OR_LIVE = (*LIVE_STATUSES, AppointmentStatus.ATTENDED)


@dataclass(frozen=True)
class Window:
    """When a new appointment of a kind may start: earliest <= start <= latest."""

    earliest: datetime
    latest: datetime | None = None
    deadline: date | None = None
    # Why the window ends where it does, so a time ruled out can be explained:
    # earliest_by "notice" | "first" (the gap after meeting 1); latest_by
    # "deadline" | "second" (the gap before meeting 2) | "room" (leave room for meeting 2).
    earliest_by: str = "notice"
    latest_by: str | None = None
    other_at: datetime | None = None  # the other caution meeting's start, when booked
    gap_days: int = 0
    keyworker_id: int | None = None  # a follow-up is with her own keyworker, when she has one


def deadline_for(referral: Referral) -> date | None:
    if referral.pathway != Pathway.POLICE_CAUTION:
        return None
    if referral.caution_deadline:
        return referral.caution_deadline
    registered = referral.created_at.astimezone(london()).date()
    return registered + timedelta(weeks=get_settings().caution_deadline_weeks)


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in London (the deadline day counts)."""
    nxt = day + timedelta(days=1)
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=london())


def appointments(session: Session, referral_id: int, statuses=DONE_OR_LIVE) -> list[Appointment]:
    return list(
        session.execute(
            select(Appointment)
            .join(AppointmentSlot, Appointment.slot_id == AppointmentSlot.id)
            .where(Appointment.referral_id == referral_id, Appointment.status.in_(statuses))
            .order_by(AppointmentSlot.starts_at, Appointment.id)
        ).scalars()
    )


def by_kind(session: Session, referral_id: int) -> dict[AppointmentKind, Appointment]:
    return {a.kind: a for a in appointments(session, referral_id) if a.kind != AppointmentKind.FOLLOW_UP}


def kinds_for(referral: Referral) -> tuple[AppointmentKind, ...]:
    if referral.pathway == Pathway.POLICE_CAUTION:
        return (AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2)
    return (AppointmentKind.ASSESSMENT,)


def follow_up_open(session: Session, referral: Referral) -> bool:
    """She may book a follow-up: her first meetings are behind her and none is waiting
    (attended, or her caution completed), and she has no follow-up booked already."""
    if needed_kind(session, referral) is not None:
        return False
    live = appointments(session, referral.id, LIVE_STATUSES)
    return not live


def needed_kind(session: Session, referral: Referral) -> AppointmentKind | None:
    """The next kind she has not booked (or attended) yet, in order; None if all are."""
    have = by_kind(session, referral.id)
    for kind in kinds_for(referral):
        if kind not in have:
            return kind
    return None


def window_for(
    session: Session,
    referral: Referral,
    kind: AppointmentKind,
    now: datetime,
    moving: Appointment | None = None,
) -> Window | None:
    """When an appointment of `kind` may start, or None when it can't be booked now.

    For the first mandatory appointment without a second one yet, the latest
    start leaves room for the second: the last free slot before the deadline
    less the gap (`latest_free_start`).
    """
    gap_days = get_settings().mandatory_gap_days
    gap = timedelta(days=gap_days)
    earliest, earliest_by, other_at = now + MIN_NOTICE, "notice", None
    deadline = deadline_for(referral) if kind in (AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2) else None
    latest = end_of_day(deadline) if deadline else None
    latest_by = "deadline" if deadline else None
    have = {k: a for k, a in by_kind(session, referral.id).items() if moving is None or a.id != moving.id}
    if kind == AppointmentKind.MANDATORY_1:
        second = have.get(AppointmentKind.MANDATORY_2)
        if second is not None:
            bound, why, other_at = second.slot.starts_at - gap, "second", second.slot.starts_at
        elif latest is not None:
            last = latest_free_start(session, earliest + gap, latest)
            if last is None:
                return None
            bound, why = last - gap, "room"
        else:
            bound = why = None
        if bound is not None and (latest is None or bound < latest):
            latest, latest_by = bound, why
    elif kind == AppointmentKind.MANDATORY_2:
        first = have.get(AppointmentKind.MANDATORY_1)
        if first is None:
            return None
        other_at = first.slot.starts_at
        if first.slot.ends_at + gap > earliest:
            earliest, earliest_by = first.slot.ends_at + gap, "first"
    if latest is not None and latest < earliest:
        return None
    keyworker_id = referral.keyworker_id if kind == AppointmentKind.FOLLOW_UP else None
    return Window(earliest, latest, deadline, earliest_by, latest_by, other_at, gap_days, keyworker_id)


def latest_free_start(session: Session, after: datetime, before: datetime) -> datetime | None:
    return session.execute(
        select(AppointmentSlot.starts_at)
        .where(
            AppointmentSlot.active.is_(True),
            AppointmentSlot.booked_count < AppointmentSlot.capacity,
            AppointmentSlot.starts_at >= after,
            AppointmentSlot.starts_at < before,
        )
        .order_by(AppointmentSlot.starts_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def fits(window: Window, slot: AppointmentSlot) -> bool:
    if slot.starts_at < window.earliest:
        return False
    if window.keyworker_id is not None and slot.keyworker_id != window.keyworker_id:
        return False
    return window.latest is None or slot.starts_at <= window.latest
