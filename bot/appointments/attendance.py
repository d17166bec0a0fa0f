"""Recording attendance (staff app): attended or missed, and what follows.

Missed: an urgent alert for her keyworker and a kind text offering a new
time (her "CHANGE" reply starts a rebooking). Attended: when both mandatory
appointments of a caution are attended, the referral records the caution
condition as complete. A mark can be corrected (missed <-> attended); the
alert and the text are written once however often it is marked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.appointments import reminders, rules
from bot.db.models import AlertReason, AuditLog, Pathway
from bot.db.models.appointments import LIVE_STATUSES, Appointment, AppointmentKind, AppointmentStatus
from bot.db.types import utcnow
from bot.staff.alert_notify import raise_and_notify

MARKABLE = (*LIVE_STATUSES, AppointmentStatus.ATTENDED, AppointmentStatus.MISSED)


class AttendanceError(Exception):
    """reason: not_found | not_markable | not_started"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def mark_attendance(
    session: Session, appointment_id: int, attended: bool, *, staff_id: int | None = None, now: datetime | None = None
) -> Appointment:
    now = now or utcnow()
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise AttendanceError("not_found")
    if appointment.status not in MARKABLE:
        raise AttendanceError("not_markable")
    if appointment.slot.starts_at > now:
        raise AttendanceError("not_started")
    new_status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.MISSED
    if appointment.status == new_status:
        return appointment
    appointment.status = new_status
    appointment.marked_at, appointment.marked_by_id = now, staff_id
    reminders.cancel_for(session, appointment.id)  # e.g. a 2 h reminder for a late start
    session.add(
        AuditLog(
            actor_type="staff" if staff_id else "system",
            actor_id=staff_id,
            action=f"appointment.{new_status.value}",
            subject_type="appointment",
            subject_id=appointment.id,
        )
    )
    session.flush()
    referral = appointment.referral
    if attended:
        _complete_caution_if_done(session, appointment, now)
    else:
        if referral.caution_completed_at and appointment.kind in reminders.MANDATORY:
            referral.caution_completed_at = None  # a correction: not complete after all
        raise_and_notify(
            session,
            AlertReason.MISSED_APPOINTMENT,
            conversation_id=referral.conversation_id,
            woman_id=referral.woman_id,
            referral_id=referral.id,
        )
        reminders.send_missed_note(session, appointment, now=now)
    return appointment


def _complete_caution_if_done(session: Session, appointment: Appointment, now: datetime) -> None:
    referral = appointment.referral
    if referral.pathway != Pathway.POLICE_CAUTION or referral.caution_completed_at:
        return
    attended = {a.kind for a in rules.appointments(session, referral.id, (AppointmentStatus.ATTENDED,))}
    if {AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2} <= attended:
        referral.caution_completed_at = now
        session.add(
            AuditLog(
                actor_type="system",
                action="referral.caution_completed",
                subject_type="referral",
                subject_id=referral.id,
            )
        )
