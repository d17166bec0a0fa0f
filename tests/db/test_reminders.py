"""Reminders in the outbox: who gets them, their wording, sending, replies, attendance."""

from __future__ import annotations

import threading
from datetime import timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from bot.appointments import attendance, booking, reminders, replies
from bot.appointments.attendance import AttendanceError
from bot.db.models import Alert, AlertReason, OutboxMessage, OutboxStatus, Referral, Woman
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentMessage, AppointmentStatus
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.wording.discreet import is_discreet
from bot.worker.loop import Worker
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot, working_day


class RecordingProvider:
    """Stands in for Twilio's remote API."""

    name = "recording"

    def __init__(self):
        self.sent: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def send(self, to, body, status_callback=None):
        with self.lock:
            self.sent.append((to, body))
            return f"SM{len(self.sent):032d}"

    def find_sent(self, to, body, since):
        return None


@pytest.fixture
def empty(db_url):
    with session_scope() as s:
        clear_slots(s)
    return db_url


def book_one(safe=True, caution=False, days=5, **kw) -> tuple[int, int]:
    with session_scope() as s:
        referral = make_referral(s, safe=safe, caution=caution, **kw)
        slot = make_slot(s, local(working_day(days), 10))
        if caution:  # room for the second meeting, or the first can't be booked
            make_slot(s, local(working_day(days + 14), 10))
        kind = AppointmentKind.MANDATORY_1 if caution else AppointmentKind.ASSESSMENT
        return booking.book(s, referral.id, slot.id, kind).id, referral.woman_id


def bodies() -> list[str]:
    with session_scope() as s:
        return [m.body for m in s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()]


def make_due(appointment_id: int | None = None) -> None:
    with session_scope() as s:
        query = (
            update(OutboxMessage)
            .values(send_after=utcnow() - timedelta(seconds=1))
            .execution_options(synchronize_session=False)
        )
        if appointment_id is not None:
            query = query.where(OutboxMessage.dedupe_key.like(f"appt:{appointment_id}:%"))
        s.execute(query)


def test_texts_not_marked_safe_get_discreet_reminders(empty):
    book_one(safe=None, caution=True)
    [first, second] = bodies()
    for body in (first, second):
        assert is_discreet(body) and "Women's Centre" not in body and "1 Example Road" in body


def test_texts_marked_safe_may_name_the_appointment(empty):
    _, woman_id = book_one(safe=True, caution=True)
    assert all(is_discreet(b) for b in bodies())  # safe to text alone is not enough (#19 point 19)
    with session_scope() as s:
        woman = s.get(Woman, woman_id)
        woman.texts_may_name_service = True
        reminders.refresh_for(s, woman)
    assert all("caution appointment" in b and "Women's Centre" in b for b in bodies())


def test_no_text_at_all_when_texts_are_not_safe_or_she_opted_out(empty):
    book_one(safe=False)
    with session_scope() as s:
        referral = make_referral(s, safe=True, phone="+447700900555")
        s.get(Woman, referral.woman_id).sms_opted_out = True
        booking.book(s, referral.id, make_slot(s, local(working_day(6), 14)).id, AppointmentKind.ASSESSMENT)
    with session_scope() as s:
        referral = make_referral(s, safe=True, phone=None)
        booking.book(s, referral.id, make_slot(s, local(working_day(7), 14)).id, AppointmentKind.ASSESSMENT)
    assert bodies() == []


def test_due_reminders_are_sent_once_by_the_worker(empty):
    appointment_id, _ = book_one()
    provider = RecordingProvider()
    assert Worker(providers={"sms": provider}).run(until_idle=True) == 0  # not due yet
    make_due(appointment_id)
    Worker(providers={"sms": provider}).run(until_idle=True)
    Worker(providers={"sms": provider}).run(until_idle=True)
    assert len(provider.sent) == 2 and provider.sent[0][0] == "+447700900123"
    with session_scope() as s:
        assert set(s.execute(select(OutboxMessage.status)).scalars()) == {OutboxStatus.SENT}


def test_a_moved_or_called_off_appointment_sends_no_old_reminder(empty):
    appointment_id, _ = book_one()
    with session_scope() as s:
        new = booking.move(s, appointment_id, make_slot(s, local(working_day(9), 14)).id)
        booking.cancel(s, new.id)
    make_due()
    provider = RecordingProvider()
    Worker(providers={"sms": provider}).run(until_idle=True)
    assert provider.sent == []


def test_her_reply_finds_the_reminder_she_got(empty):
    appointment_id, woman_id = book_one()
    now = utcnow()
    with session_scope() as s:
        assert replies.pending_reply(s, woman_id, now) is None  # nothing sent yet
    make_due(appointment_id)
    Worker(providers={"sms": RecordingProvider()}).run(until_idle=True)
    with session_scope() as s:
        context = replies.pending_reply(s, woman_id, utcnow())
        assert context.appointment_id == appointment_id and context.live
        # On SMS her reply is matched by the number the reminder went to.
        assert replies.pending_reply(s, None, utcnow(), to="+447700900123").appointment_id == appointment_id
        assert replies.pending_reply(s, None, utcnow(), to="+447700900999") is None
        booking.confirm(s, appointment_id)
        replies.mark_answered(s, context.message_id, utcnow())
    with session_scope() as s:
        assert replies.pending_reply(s, woman_id, utcnow()) is None
        assert s.get(Appointment, appointment_id).status == AppointmentStatus.CONFIRMED


def test_a_reply_after_the_appointment_was_called_off_or_moved(empty):
    appointment_id, woman_id = book_one()
    make_due(appointment_id)
    Worker(providers={"sms": RecordingProvider()}).run(until_idle=True)
    with session_scope() as s:
        new = booking.move(s, appointment_id, make_slot(s, local(working_day(9), 14)).id)
        context = replies.pending_reply(s, woman_id, utcnow())
        assert not context.live and context.current_id == new.id
        booking.cancel(s, new.id)
        context = replies.pending_reply(s, woman_id, utcnow())
        assert not context.live and context.current_id is None


def test_missed_appointment_alerts_the_keyworker_and_offers_a_new_time(empty):
    appointment_id, woman_id = book_one(safe=None, conversation_id="c-missed")
    later = utcnow() + timedelta(days=10)
    with session_scope() as s:
        with pytest.raises(AttendanceError):
            attendance.mark_attendance(s, appointment_id, False)  # not happened yet
    with session_scope() as s:
        attendance.mark_attendance(s, appointment_id, False, now=later)
        attendance.mark_attendance(s, appointment_id, False, now=later)  # twice: once
    with session_scope() as s:
        [alert] = s.execute(select(Alert)).scalars().all()
        assert alert.reason == AlertReason.MISSED_APPOINTMENT and alert.woman_id == woman_id
        [note] = (
            s.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"appt:{appointment_id}:missed"))
            .scalars()
            .all()
        )
        assert "CHANGE" in note.body and is_discreet(note.body)
        assert (
            s.execute(
                select(func.count()).select_from(AppointmentMessage).where(AppointmentMessage.purpose == "missed")
            ).scalar_one()
            == 1
        )
        assert s.get(Appointment, appointment_id).status == AppointmentStatus.MISSED


def test_both_mandatory_appointments_attended_completes_the_caution(empty):
    today_plus = working_day(3)
    with session_scope() as s:
        referral = make_referral(s, caution=True, deadline=today_plus + timedelta(days=60))
        slot_1, slot_2 = make_slot(s, local(today_plus, 10)), make_slot(s, local(today_plus + timedelta(days=14), 10))
        first = booking.book(s, referral.id, slot_1.id, AppointmentKind.MANDATORY_1)
        second = booking.book(s, referral.id, slot_2.id, AppointmentKind.MANDATORY_2)
        ids = referral.id, first.id, second.id
    referral_id, first_id, second_id = ids
    later = utcnow() + timedelta(days=30)
    with session_scope() as s:
        attendance.mark_attendance(s, first_id, True, now=later)
        assert s.get(Referral, referral_id).caution_completed_at is None
        attendance.mark_attendance(s, second_id, True, now=later)
        assert s.get(Referral, referral_id).caution_completed_at == later
    with session_scope() as s:
        # A correction: she did not come to the second after all.
        attendance.mark_attendance(s, second_id, False, now=later)
        assert s.get(Referral, referral_id).caution_completed_at is None


def test_quiet_hours_hold_a_missed_note_until_morning(empty):
    appointment_id, _ = book_one()
    late_evening = local(working_day(12), 22).astimezone(timezone.utc)
    with session_scope() as s:
        attendance.mark_attendance(s, appointment_id, False, now=late_evening)
        note = s.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("%:missed"))).scalar_one()
        assert note.send_after.astimezone(local(working_day(12), 8).tzinfo).hour == 8
        assert note.send_after > late_evening
