"""Her reply to a reminder ("YES", "CHANGE"), matched to the appointment.

A reminder is sent by the worker, outside any Rasa conversation, so the
conversation knows nothing of it. When she then texts "yes", "no" or
"change", the action server looks in the database (this module) for the
latest reminder (or missed-appointment note) actually sent to the woman
linked to this conversation, within REPLY_WINDOW and not yet answered.

How it reaches the dialogue: the featurized slot `appt_reply_context` has a
custom slot mapping run by Rasa's `action_extract_slots` for the intents
affirm / deny / change_field only (domain/appointments.yml); the action
(`action_appointment_reply_context`) sets it to True when such a reminder
exists. Rules conditioned on that slot (data/rules/appointments.yml) are
more specific than the general "a stray yes gets the menu" rule, so they win:
the reply confirms the appointment, or starts moving it. Without a pending
reminder the slot is cleared and "yes" means what it always means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import OutboxMessage, OutboxStatus
from bot.db.models.appointments import LIVE_STATUSES, Appointment, AppointmentMessage, AppointmentStatus

REPLY_WINDOW = timedelta(days=4)
SENT = (OutboxStatus.SENT, OutboxStatus.DELIVERED)


@dataclass(frozen=True)
class ReplyContext:
    message_id: int  # AppointmentMessage id
    appointment_id: int
    purpose: str  # reminder_48h | reminder_2h | missed
    status: AppointmentStatus
    live: bool  # still booked or confirmed, and not started
    # Where a moved appointment went (the live one), if anywhere.
    current_id: int | None = None
    sent_at: datetime | None = None  # when the text she answers went (a later invitation wins)


def pending_reply(
    session: Session, woman_id: int | None, now: datetime, *, to: str | None = None
) -> ReplyContext | None:
    """The reminder she is answering: sent to her record, or (on SMS) to this number.

    By number on SMS, because that is where the text went: it still matches
    when the same phone has two records (she referred herself twice).
    """
    if woman_id is None and to is None:
        return None
    who = OutboxMessage.to_address == to if to else AppointmentMessage.woman_id == woman_id
    row = session.execute(
        select(AppointmentMessage, OutboxMessage.sent_at)
        .join(OutboxMessage, AppointmentMessage.outbox_message_id == OutboxMessage.id)
        .where(
            who,
            AppointmentMessage.answered_at.is_(None),
            OutboxMessage.status.in_(SENT),
            OutboxMessage.sent_at >= now - REPLY_WINDOW,
        )
        .order_by(OutboxMessage.sent_at.desc(), AppointmentMessage.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    link = row[0]
    appointment = session.get(Appointment, link.appointment_id)
    current = appointment
    seen = set()
    while current.status == AppointmentStatus.MOVED and current.moved_to_id and current.id not in seen:
        seen.add(current.id)
        current = session.get(Appointment, current.moved_to_id)
    live = appointment.status in LIVE_STATUSES and appointment.slot.starts_at > now
    current_live = current.status in LIVE_STATUSES and current.slot.starts_at > now
    return ReplyContext(
        link.id,
        appointment.id,
        link.purpose,
        appointment.status,
        live,
        current.id if current is not appointment and current_live else None,
        row[1],
    )


def mark_answered(session: Session, message_id: int, now: datetime) -> None:
    """Her answer covers every text already sent about that appointment (not later ones)."""
    link = session.get(AppointmentMessage, message_id)
    if link is None:
        return
    sent = (
        session.execute(
            select(AppointmentMessage)
            .join(OutboxMessage, AppointmentMessage.outbox_message_id == OutboxMessage.id)
            .where(
                AppointmentMessage.appointment_id == link.appointment_id,
                AppointmentMessage.answered_at.is_(None),
                OutboxMessage.status.in_(SENT),
            )
        )
        .scalars()
        .all()
    )
    for row in {*sent, link}:
        row.answered_at = row.answered_at or now
