"""Her appointments and the messages about them, for bot/privacy (erase, summary, retention)."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.db.models.appointments import (
    LIVE_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentMessage,
    AppointmentSlot,
)
from bot.privacy.hooks import DataHooks, Her
from bot.wording import say


def caution_meetings_booked(session: Session, referral_ids: list[int]) -> int:
    """How many caution meetings are booked on these cases (erasure cancels them)."""
    return len(
        session.execute(
            select(Appointment.id).where(
                Appointment.referral_id.in_(referral_ids),
                Appointment.status.in_(LIVE_STATUSES),
                Appointment.kind.in_((AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2)),
            )
        )
        .scalars()
        .all()
    )


def _erase(session: Session, her: Her) -> dict[str, int]:
    session.execute(delete(AppointmentMessage).where(AppointmentMessage.woman_id == her.woman_id))
    if her.outbox_ids:
        # Also another record's notes of messages to her number: the messages go (messaging's hook).
        session.execute(delete(AppointmentMessage).where(AppointmentMessage.outbox_message_id.in_(her.outbox_ids)))
    if not her.referral_ids:
        return {"appointments": 0}
    # Her booked places go back to the slots, so others can have them.
    live = (
        session.execute(
            select(Appointment.slot_id).where(
                Appointment.referral_id.in_(her.referral_ids), Appointment.status.in_(LIVE_STATUSES)
            )
        )
        .scalars()
        .all()
    )
    for slot_id in live:
        session.execute(
            update(AppointmentSlot)
            .where(AppointmentSlot.id == slot_id, AppointmentSlot.booked_count > 0)
            .values(booked_count=AppointmentSlot.booked_count - 1)
        )
    # Links between her own appointments (moved from/to) go first.
    session.execute(
        update(Appointment)
        .where(Appointment.referral_id.in_(her.referral_ids))
        .values(moved_from_id=None, moved_to_id=None)
    )
    return {
        "appointments": session.execute(
            delete(Appointment).where(Appointment.referral_id.in_(her.referral_ids))
        ).rowcount
    }


def _summarise(session: Session, her: Her) -> list[str]:
    if not her.referral_ids:
        return []
    count = session.execute(
        select(func.count()).select_from(Appointment).where(Appointment.referral_id.in_(her.referral_ids))
    ).scalar_one()
    return [say("appointments.data_summary", count=count)] if count else []


def _drop_case(session: Session, referral_id: int) -> None:
    appt_ids = select(Appointment.id).where(Appointment.referral_id == referral_id)
    session.execute(
        delete(AppointmentMessage).where(AppointmentMessage.appointment_id.in_(appt_ids)),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Appointment).where(Appointment.referral_id == referral_id).values(moved_from_id=None, moved_to_id=None)
    )
    session.execute(delete(Appointment).where(Appointment.referral_id == referral_id))


HOOKS = DataHooks(
    feature="appointments",
    tables=("appointments", "appointment_messages"),
    erase=_erase,
    summarise=_summarise,
    drop_case=_drop_case,
)
