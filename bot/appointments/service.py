"""The appointment calls the conversation makes: one transaction each, plain values out.

The action server calls these through `run_db` (blocking work off the event
loop). Each opens its own `session_scope()`, so a failure leaves nothing
half-written, and returns frozen dataclasses rather than ORM rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.appointments import booking, replies, rules, slots
from bot.appointments.preferences import parse_narrowed
from bot.appointments.reminders import discreet_for
from bot.appointments.wanted_times import Preference
from bot.dates import today_london
from bot.db.models import Pathway, Referral
from bot.db.models.appointments import LIVE_STATUSES, Appointment, AppointmentKind, AppointmentStatus
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.referrals import identity


@dataclass(frozen=True)
class AppointmentView:
    id: int
    kind: AppointmentKind
    status: AppointmentStatus
    slot: slots.SlotView

    @classmethod
    def of(cls, appointment: Appointment) -> AppointmentView:
        return cls(appointment.id, appointment.kind, appointment.status, slots.SlotView.of(appointment.slot))


@dataclass(frozen=True)
class Who:
    """The woman behind a conversation and where her appointments stand."""

    referral_id: int
    woman_id: int
    name: str | None
    caution: bool
    in_coverage: bool
    deadline: date | None
    discreet: bool
    live: tuple[AppointmentView, ...]  # booked or confirmed, not started, soonest first
    attended: tuple[AppointmentView, ...]
    needed: AppointmentKind | None  # the next kind still to book
    completed: bool
    follow_up_open: bool = False  # her first meetings are behind her: a follow-up may be booked
    keyworker: str | None = None  # her keyworker's name, when staff have named one


def _who(session, referral) -> Who:
    now = utcnow()
    live = [a for a in rules.appointments(session, referral.id, LIVE_STATUSES) if a.slot.starts_at > now]
    attended = rules.appointments(session, referral.id, (AppointmentStatus.ATTENDED,))
    woman = referral.woman
    return Who(
        referral.id,
        woman.id,
        woman.preferred_name,
        referral.pathway == Pathway.POLICE_CAUTION,
        referral.in_coverage,
        rules.deadline_for(referral),
        discreet_for(woman),
        tuple(AppointmentView.of(a) for a in live),
        tuple(AppointmentView.of(a) for a in attended),
        rules.needed_kind(session, referral),
        referral.caution_completed_at is not None,
        rules.follow_up_open(session, referral),
        referral.keyworker.name if referral.keyworker is not None and referral.keyworker.active else None,
    )


def who(sender_id: str, channel: str | None) -> Who | None:
    with session_scope() as session:
        referral = identity.referral_for(session, sender_id, channel)
        return _who(session, referral) if referral else None


def who_by_referral(referral_id: int) -> Who:
    with session_scope() as session:
        return _who(session, session.get(Referral, referral_id))


def offer(
    referral_id: int,
    kind: AppointmentKind,
    wish: str | Preference | None = None,
    *,
    moving_id: int | None = None,
    exclude: set[int] | None = None,
    today: date | None = None,
) -> slots.Offer:
    # A string is `appt_pref`: her words so far, each line narrowing the last.
    pref = parse_narrowed(wish, today or today_london()) if isinstance(wish, str) else wish
    with session_scope() as session:
        referral = session.get(Referral, referral_id)
        moving = session.get(Appointment, moving_id) if moving_id else None
        return slots.find_offer(session, referral, kind, pref, utcnow(), moving=moving, exclude=exclude)


def slot_views(slot_ids: list[int], only_free: bool = True) -> list[slots.SlotView]:
    with session_scope() as session:
        ids = slots.still_free(session, slot_ids) if only_free else slot_ids
        found = [slots.slot_view(session, i) for i in ids]
        now = utcnow()
        return [v for v in found if v is not None and v.starts_at > now]


def appointment_view(appointment_id: int) -> AppointmentView | None:
    with session_scope() as session:
        appointment = session.get(Appointment, appointment_id)
        return AppointmentView.of(appointment) if appointment else None


@dataclass(frozen=True)
class Outcome:
    ok: bool
    appointment: AppointmentView | None = None
    reason: str | None = None  # BookingError reason
    reminders: int = 0


def book(referral_id: int, slot_id: int, kind: AppointmentKind, via: str | None) -> Outcome:
    try:
        with session_scope() as session:
            appointment = booking.book(session, referral_id, slot_id, kind, via=via)
            count = _reminder_count(session, appointment.id)
            return Outcome(True, AppointmentView.of(appointment), reminders=count)
    except booking.BookingError as exc:
        return Outcome(False, reason=exc.reason)


def move(appointment_id: int, slot_id: int, via: str | None) -> Outcome:
    try:
        with session_scope() as session:
            appointment = booking.move(session, appointment_id, slot_id, via=via)
            count = _reminder_count(session, appointment.id)
            return Outcome(True, AppointmentView.of(appointment), reminders=count)
    except booking.BookingError as exc:
        return Outcome(False, reason=exc.reason)


def cancel(appointment_id: int) -> Outcome:
    try:
        with session_scope() as session:
            return Outcome(True, AppointmentView.of(booking.cancel(session, appointment_id)))
    except booking.BookingError as exc:
        return Outcome(False, reason=exc.reason)


def confirm(appointment_id: int) -> Outcome:
    try:
        with session_scope() as session:
            return Outcome(True, AppointmentView.of(booking.confirm(session, appointment_id)))
    except booking.BookingError as exc:
        return Outcome(False, reason=exc.reason)


def no_slot_alert(referral_id: int, conversation_id: str | None, channel: str | None) -> int:
    with session_scope() as session:
        return booking.warn_no_slot(session, session.get(Referral, referral_id), conversation_id, channel)


def _reminder_count(session, appointment_id: int) -> int:
    from sqlalchemy import func, select

    from bot.db.models.appointments import AppointmentMessage

    return session.execute(
        select(func.count()).select_from(AppointmentMessage).where(AppointmentMessage.appointment_id == appointment_id)
    ).scalar_one()


def pending_reply(sender_id: str, channel: str | None) -> replies.ReplyContext | None:
    with session_scope() as session:
        if channel == "sms" and identity.is_phone(sender_id):
            return replies.pending_reply(session, None, utcnow(), to=sender_id)
        woman = identity.woman_for(session, sender_id, channel)
        return replies.pending_reply(session, woman.id, utcnow()) if woman else None


def mark_answered(message_id: int) -> None:
    with session_scope() as session:
        replies.mark_answered(session, message_id, utcnow())


def referral_of(appointment_id: int) -> int | None:
    with session_scope() as session:
        appointment = session.get(Appointment, appointment_id)
        return appointment.referral_id if appointment else None


def now() -> datetime:
    return utcnow()
