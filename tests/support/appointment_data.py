"""Small builders for appointment tests: a woman with a referral, known slots."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select

from bot.appointments.reminders import wall_clock
from bot.dates import today_london
from bot.db.models import Centre, Conversation, OutboxMessage, Pathway, Referral, Staff, Woman
from bot.db.models.appointments import Appointment, AppointmentMessage, AppointmentSlot

SOUTHWARK = "SAMPLE Southwark Women's Centre"
LAMBETH = "SAMPLE Lambeth Women's Centre"
HACKNEY = "SAMPLE Hackney Women's Centre"


def make_referral(
    session,
    *,
    caution: bool = False,
    safe: bool | None = True,
    phone: str | None = "+447700900123",
    name: str | None = "Jo",
    deadline: date | None = None,
    postcode: str = "SE15 4QF",
    conversation_id: str | None = None,
    safe_times: str | None = None,
    reference: str | None = None,
) -> Referral:
    woman = Woman(preferred_name=name, phone_e164=phone, safe_to_text=safe, safe_times=safe_times)
    session.add(woman)
    session.flush()
    referral = Referral(
        reference=reference or f"ELP-T{woman.id:05d}",
        woman_id=woman.id,
        pathway=Pathway.POLICE_CAUTION if caution else Pathway.SELF,
        caution_date=(today_london() - timedelta(weeks=2)) if caution else None,
        caution_deadline=deadline if caution else None,
        postcode=postcode,
        outcode=postcode.split()[0],
        borough="Southwark",
        in_coverage=True,
        channel="rest",
        conversation_id=conversation_id,
    )
    session.add(referral)
    session.flush()
    if conversation_id:
        session.add(Conversation(sender_id=conversation_id, channel="rest", woman_id=woman.id))
        session.flush()
    return referral


def clear_slots(session) -> None:
    """Remove every slot (and appointment) so a test sees only its own."""
    session.execute(delete(AppointmentMessage))
    session.execute(delete(Appointment))
    session.execute(delete(AppointmentSlot))
    session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.dedupe_key.like("appt:%"))
        .execution_options(synchronize_session=False)
    )


def centre_id(session, name: str = SOUTHWARK) -> int:
    return session.execute(select(Centre.id).where(Centre.name == name)).scalar_one()


def keyworker_id(session) -> int | None:
    return session.execute(select(Staff.id).order_by(Staff.id)).scalars().first()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return wall_clock(datetime.combine(day, time(hour, minute)))


def working_day(n: int) -> date:
    """The n-th Monday-Friday after today (distinct n, distinct days)."""
    day, seen = today_london(), 0
    while seen < n:
        day += timedelta(days=1)
        seen += day.isoweekday() <= 5
    return day


def make_slot(
    session, starts_at: datetime, *, centre: str = SOUTHWARK, capacity: int = 1, minutes: int = 60
) -> AppointmentSlot:
    slot = AppointmentSlot(
        centre_id=centre_id(session, centre),
        keyworker_id=keyworker_id(session),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        capacity=capacity,
    )
    session.add(slot)
    session.flush()
    return slot
