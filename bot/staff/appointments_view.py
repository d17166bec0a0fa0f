"""Appointments as the staff app needs them: a case's appointments, attendance,
engagement figures, and slots (single and weekly).

Built on the appointments area's models (bot/db/models/appointments.py).
Attendance drives two things: a missed appointment raises the urgent
missed-appointment alert; both mandatory appointments attended completes a
police caution.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.dates import london
from bot.db.models import AlertReason, Centre, Pathway, Referral, Staff
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentSlot, AppointmentStatus
from bot.db.types import utcnow
from bot.staff import audit
from bot.staff.alert_notify import raise_and_notify

MANDATORY = (AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2)
MAX_WEEKS = 26


class SlotError(ValueError):
    pass


def for_referral(session: Session, referral_id: int) -> list[Appointment]:
    return list(
        session.execute(
            select(Appointment)
            .where(Appointment.referral_id == referral_id)
            .order_by(Appointment.created_at, Appointment.id)
        ).scalars()
    )


def mark_attendance(
    session: Session, referral_id: int, appointment_id: int, outcome: str, staff_id: int
) -> Appointment:
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or appointment.referral_id != referral_id:
        raise LookupError("no such appointment")
    if appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.MOVED):
        raise ValueError("This appointment was cancelled or moved, so attendance can't be marked.")
    if appointment.slot.starts_at > utcnow():
        raise ValueError("This appointment has not happened yet.")
    appointment.status = AppointmentStatus.ATTENDED if outcome == "attended" else AppointmentStatus.MISSED
    appointment.marked_at, appointment.marked_by_id = utcnow(), staff_id
    referral = session.get(Referral, referral_id)
    audit.record(session, staff_id, f"mark_{outcome}", "appointment", appointment.id)
    if appointment.status == AppointmentStatus.MISSED:
        raise_and_notify(
            session,
            AlertReason.MISSED_APPOINTMENT,
            conversation_id=referral.conversation_id,
            channel=referral.channel,
            woman_id=referral.woman_id,
            referral_id=referral.id,
        )
    elif referral.pathway == Pathway.POLICE_CAUTION and referral.caution_completed_at is None:
        attended = set(
            session.execute(
                select(Appointment.kind).where(
                    Appointment.referral_id == referral_id, Appointment.status == AppointmentStatus.ATTENDED
                )
            ).scalars()
        )
        if all(kind in attended for kind in MANDATORY):
            referral.caution_completed_at = utcnow()
            audit.record(session, staff_id, "caution_completed", "referral", referral.id)
    return appointment


def engagement(session: Session) -> list[tuple[str, int, int]]:
    """(label, engaged, of) for cautioned women: one and both mandatory appointments attended."""
    rows = session.execute(
        select(Appointment.referral_id, func.count(func.distinct(Appointment.kind)))
        .join(Referral, Referral.id == Appointment.referral_id)
        .where(
            Referral.pathway == Pathway.POLICE_CAUTION,
            Appointment.status == AppointmentStatus.ATTENDED,
            Appointment.kind.in_(MANDATORY),
        )
        .group_by(Appointment.referral_id)
    ).all()
    cautioned = session.execute(
        select(func.count()).select_from(Referral).where(Referral.pathway == Pathway.POLICE_CAUTION)
    ).scalar_one()
    any_attended = session.execute(
        select(func.count(func.distinct(Appointment.referral_id))).where(
            Appointment.status == AppointmentStatus.ATTENDED
        )
    ).scalar_one()
    everyone = session.execute(select(func.count()).select_from(Referral)).scalar_one()
    return [
        ("Cautioned: at least one mandatory attended", sum(1 for _, n in rows if n >= 1), cautioned),
        ("Cautioned: both mandatory attended", sum(1 for _, n in rows if n >= 2), cautioned),
        ("All referrals: any appointment attended", any_attended, everyone),
    ]


# --- Slots ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotRequest:
    centre_id: int
    keyworker_id: int | None
    first_day: date
    start: time
    minutes: int
    capacity: int
    weeks: int = 1  # 1: a single slot; more: the same weekday and time each week


def upcoming_slots(session: Session, limit: int = 300) -> list[AppointmentSlot]:
    return list(
        session.execute(
            select(AppointmentSlot)
            .where(AppointmentSlot.starts_at >= utcnow() - timedelta(days=1))
            .order_by(AppointmentSlot.starts_at, AppointmentSlot.id)
            .limit(limit)
        ).scalars()
    )


def add_slots(session: Session, req: SlotRequest, staff_id: int) -> tuple[int, int]:
    """Create the slot(s) in London time; returns (created, already there)."""
    if session.get(Centre, req.centre_id) is None:
        raise SlotError("Choose a centre.")
    if req.keyworker_id is not None and session.get(Staff, req.keyworker_id) is None:
        raise SlotError("Choose a keyworker.")
    if not 10 <= req.minutes <= 480:
        raise SlotError("A slot is 10 minutes to 8 hours long.")
    if not 1 <= req.capacity <= 50:
        raise SlotError("Capacity is 1 to 50.")
    if not 1 <= req.weeks <= MAX_WEEKS:
        raise SlotError(f"Repeat for 1 to {MAX_WEEKS} weeks.")
    created = existing = 0
    for week in range(req.weeks):
        day = req.first_day + timedelta(weeks=week)
        starts = datetime.combine(day, req.start, tzinfo=london())  # the clock time holds across clock changes
        if starts < utcnow():
            raise SlotError("That time is in the past.")
        clash = session.execute(
            select(AppointmentSlot.id).where(
                AppointmentSlot.centre_id == req.centre_id,
                AppointmentSlot.keyworker_id == req.keyworker_id,
                AppointmentSlot.starts_at == starts,
            )
        ).first()
        if clash:
            existing += 1
            continue
        session.add(
            AppointmentSlot(
                centre_id=req.centre_id,
                keyworker_id=req.keyworker_id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=req.minutes),
                capacity=req.capacity,
            )
        )
        created += 1
    session.flush()
    if created:
        audit.record(session, staff_id, "add_slots", "slot", None)
    return created, existing


def set_slot_active(session: Session, slot_id: int, active: bool, staff_id: int) -> None:
    slot = session.get(AppointmentSlot, slot_id)
    if slot is None:
        raise LookupError("no such slot")
    slot.active = active
    audit.record(session, staff_id, "open_slot" if active else "close_slot", "slot", slot.id)
