"""Booking, moving, cancelling and confirming appointments: each one transaction.

Every function takes the caller's Session and either does everything (the
place in the slot, the appointment row, its reminders in the outbox, the audit
line) or raises `BookingError` and the caller's `session_scope()` rolls it
all back. A place is taken with a conditional UPDATE
(`booked_count = booked_count + 1 WHERE booked_count < capacity`): the row
lock it takes on PostgreSQL, and SQLite's single writer, make the check and
the increment one step, so concurrent requests can't both get the last place.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.appointments import reminders, rules
from bot.db.models import AlertReason, AuditLog, Referral
from bot.db.models.appointments import (
    LIVE_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentSlot,
    AppointmentStatus,
)
from bot.db.types import utcnow
from bot.staff.alert_notify import raise_and_notify


class BookingError(Exception):
    """Why a booking could not be made. Nothing was written.

    reason: slot_taken | already_booked | outside_window | not_live | same_slot | not_found
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _audit(
    session: Session, action: str, appointment: Appointment, actor_type: str = "woman", actor_id: int | None = None
) -> None:
    session.add(
        AuditLog(
            actor_type=actor_type,
            actor_id=actor_id,
            action=action,
            subject_type="appointment",
            subject_id=appointment.id,
        )
    )


def take_place(session: Session, slot_id: int) -> None:
    taken = session.execute(
        update(AppointmentSlot)
        .where(
            AppointmentSlot.id == slot_id,
            AppointmentSlot.active.is_(True),
            AppointmentSlot.booked_count < AppointmentSlot.capacity,
        )
        .values(booked_count=AppointmentSlot.booked_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise BookingError("slot_taken")


def free_place(session: Session, slot_id: int) -> None:
    session.execute(
        update(AppointmentSlot)
        .where(AppointmentSlot.id == slot_id, AppointmentSlot.booked_count > 0)
        .values(booked_count=AppointmentSlot.booked_count - 1)
        .execution_options(synchronize_session=False)
    )


def _check_window(
    session: Session,
    referral: Referral,
    kind: AppointmentKind,
    slot_id: int,
    now: datetime,
    moving: Appointment | None = None,
) -> AppointmentSlot:
    slot = session.get(AppointmentSlot, slot_id)
    if slot is None or not slot.active:
        raise BookingError("slot_taken")
    window = rules.window_for(session, referral, kind, now, moving=moving)
    if window is None or not rules.fits(window, slot):
        raise BookingError("outside_window")
    return slot


def _insert(session: Session, appointment: Appointment) -> Appointment:
    session.add(appointment)
    try:
        session.flush()
    except IntegrityError as exc:
        # Another request booked this kind for her a moment ago (partial unique index).
        raise BookingError("already_booked") from exc
    return appointment


def book(
    session: Session,
    referral_id: int,
    slot_id: int,
    kind: AppointmentKind,
    *,
    via: str | None = None,
    now: datetime | None = None,
) -> Appointment:
    now = now or utcnow()
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise BookingError("not_found")
    if kind != AppointmentKind.FOLLOW_UP and kind in rules.by_kind(session, referral_id):
        raise BookingError("already_booked")
    _check_window(session, referral, kind, slot_id, now)
    take_place(session, slot_id)
    appointment = _insert(
        session,
        Appointment(
            referral_id=referral_id, slot_id=slot_id, kind=kind, status=AppointmentStatus.BOOKED, booked_via=via
        ),
    )
    reminders.schedule(session, appointment, now=now)
    _audit(session, "appointment.booked", appointment)
    return appointment


def move(
    session: Session, appointment_id: int, slot_id: int, *, via: str | None = None, now: datetime | None = None
) -> Appointment:
    """Move to another slot: the old row becomes `moved`, a new row is booked."""
    now = now or utcnow()
    old = session.get(Appointment, appointment_id)
    if old is None:
        raise BookingError("not_found")
    if old.status not in LIVE_STATUSES:
        raise BookingError("not_live")
    if old.slot_id == slot_id:
        raise BookingError("same_slot")
    _check_window(session, old.referral, old.kind, slot_id, now, moving=old)
    take_place(session, slot_id)
    free_place(session, old.slot_id)
    old.status = AppointmentStatus.MOVED
    session.flush()  # before the new row, so the one-per-kind index sees one live row
    new = _insert(
        session,
        Appointment(
            referral_id=old.referral_id,
            slot_id=slot_id,
            kind=old.kind,
            status=AppointmentStatus.BOOKED,
            booked_via=via,
            moved_from_id=old.id,
        ),
    )
    old.moved_to_id = new.id
    reminders.cancel_for(session, old.id)
    reminders.schedule(session, new, now=now)
    _audit(session, "appointment.moved", new)
    return new


def cancel(
    session: Session,
    appointment_id: int,
    *,
    now: datetime | None = None,
    actor_type: str = "woman",
    actor_id: int | None = None,
) -> Appointment:
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise BookingError("not_found")
    if appointment.status not in LIVE_STATUSES:
        raise BookingError("not_live")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now or utcnow()
    free_place(session, appointment.slot_id)
    reminders.cancel_for(session, appointment.id)
    _audit(session, "appointment.cancelled", appointment, actor_type, actor_id)
    return appointment


def confirm(session: Session, appointment_id: int, *, now: datetime | None = None) -> Appointment:
    """She said yes to a reminder. Confirming twice is fine."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise BookingError("not_found")
    if appointment.status == AppointmentStatus.BOOKED:
        appointment.status = AppointmentStatus.CONFIRMED
        appointment.confirmed_at = now or utcnow()
        _audit(session, "appointment.confirmed", appointment)
    elif appointment.status != AppointmentStatus.CONFIRMED:
        raise BookingError("not_live")
    return appointment


def warn_no_slot(
    session: Session, referral: Referral, conversation_id: str | None = None, channel: str | None = None
) -> int:
    """No slot fits before her deadline: the keyworker must sort it (one open alert)."""
    return raise_and_notify(
        session,
        AlertReason.NO_SLOT,
        conversation_id=conversation_id or referral.conversation_id,
        channel=channel,
        woman_id=referral.woman_id,
        referral_id=referral.id,
    ).id
