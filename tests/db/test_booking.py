"""Booking, moving, calling off; deadlines and offers (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.appointments import booking, rules, slots
from bot.appointments.booking import BookingError
from bot.appointments.preferences import parse_preference
from bot.appointments.seed import seed_slots
from bot.dates import london, today_london
from bot.db.models import Alert, AlertReason, AuditLog, OutboxMessage, OutboxStatus
from bot.db.models.appointments import (
    Appointment,
    AppointmentKind,
    AppointmentMessage,
    AppointmentSlot,
    AppointmentStatus,
)
from bot.db.session import session_scope
from bot.db.types import utcnow
from tests.support.appointment_data import HACKNEY, clear_slots, local, make_referral, make_slot, working_day

ASSESSMENT = AppointmentKind.ASSESSMENT
M1, M2 = AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2


def count(session, model, *where) -> int:
    return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def outbox(session) -> dict[str, OutboxStatus]:
    return {m.dedupe_key: m.status for m in session.execute(select(OutboxMessage)).scalars()}


@pytest.fixture
def empty(db_url):
    with session_scope() as s:
        clear_slots(s)
    return db_url


def test_booking_takes_a_place_and_queues_both_reminders(empty):
    with session_scope() as s:
        referral = make_referral(s)
        slot = make_slot(s, local(working_day(5), 10))
        appointment = booking.book(s, referral.id, slot.id, ASSESSMENT, via="rest")
        appointment_id, slot_id = appointment.id, slot.id
    with session_scope() as s:
        assert s.get(AppointmentSlot, slot_id).booked_count == 1
        assert s.get(Appointment, appointment_id).status == AppointmentStatus.BOOKED
        assert outbox(s) == {
            f"appt:{appointment_id}:48h": OutboxStatus.PENDING,
            f"appt:{appointment_id}:2h": OutboxStatus.PENDING,
        }
        assert count(s, AppointmentMessage, AppointmentMessage.appointment_id == appointment_id) == 2
        assert count(s, AuditLog, AuditLog.action == "appointment.booked") == 1


def test_a_full_slot_cannot_be_booked_and_nothing_is_half_written(empty):
    with session_scope() as s:
        first, second = make_referral(s), make_referral(s, phone="+447700900124")
        slot_id = make_slot(s, local(working_day(5), 10)).id
        booking.book(s, first.id, slot_id, ASSESSMENT)
        second_id = second.id
    with pytest.raises(BookingError) as err, session_scope() as s:
        booking.book(s, second_id, slot_id, ASSESSMENT)
    assert err.value.reason == "slot_taken"
    with session_scope() as s:
        assert count(s, Appointment) == 1 and s.get(AppointmentSlot, slot_id).booked_count == 1
        assert count(s, OutboxMessage) == 2  # only the first booking's reminders


def test_a_group_slot_takes_as_many_as_its_capacity(empty):
    with session_scope() as s:
        slot_id = make_slot(s, local(working_day(5), 10), capacity=2).id
        ids = [make_referral(s, phone=f"+4477009001{i:02d}").id for i in range(3)]
        booking.book(s, ids[0], slot_id, ASSESSMENT)
        booking.book(s, ids[1], slot_id, ASSESSMENT)
        with pytest.raises(BookingError):
            booking.book(s, ids[2], slot_id, ASSESSMENT)


def test_one_live_appointment_of_each_kind(empty):
    with session_scope() as s:
        referral = make_referral(s)
        a, b = make_slot(s, local(working_day(5), 10)), make_slot(s, local(working_day(5), 14))
        booking.book(s, referral.id, a.id, ASSESSMENT)
        with pytest.raises(BookingError) as err:
            booking.book(s, referral.id, b.id, ASSESSMENT)
        assert err.value.reason == "already_booked"


def test_moving_frees_the_old_place_and_replaces_the_reminders(empty):
    with session_scope() as s:
        referral = make_referral(s)
        old_slot, new_slot = make_slot(s, local(working_day(5), 10)), make_slot(s, local(working_day(8), 14))
        old = booking.book(s, referral.id, old_slot.id, ASSESSMENT)
        new = booking.move(s, old.id, new_slot.id)
        ids = (old.id, new.id, old_slot.id, new_slot.id)
    old_id, new_id, old_slot_id, new_slot_id = ids
    with session_scope() as s:
        old, new = s.get(Appointment, old_id), s.get(Appointment, new_id)
        assert old.status == AppointmentStatus.MOVED and old.moved_to_id == new_id
        assert new.status == AppointmentStatus.BOOKED and new.moved_from_id == old_id and new.kind == ASSESSMENT
        assert s.get(AppointmentSlot, old_slot_id).booked_count == 0
        assert s.get(AppointmentSlot, new_slot_id).booked_count == 1
        assert outbox(s) == {
            f"appt:{old_id}:48h": OutboxStatus.CANCELLED,
            f"appt:{old_id}:2h": OutboxStatus.CANCELLED,
            f"appt:{new_id}:48h": OutboxStatus.PENDING,
            f"appt:{new_id}:2h": OutboxStatus.PENDING,
        }
        with pytest.raises(BookingError) as err:
            booking.move(s, old_id, new_slot_id)  # the old one is no longer live
        assert err.value.reason == "not_live"


def test_calling_off_frees_the_place_and_cancels_the_reminders(empty):
    with session_scope() as s:
        referral = make_referral(s)
        slot = make_slot(s, local(working_day(5), 10))
        appointment = booking.book(s, referral.id, slot.id, ASSESSMENT)
        booking.cancel(s, appointment.id)
        assert s.get(AppointmentSlot, slot.id).booked_count == 0
        assert set(outbox(s).values()) == {OutboxStatus.CANCELLED}
        assert appointment.status == AppointmentStatus.CANCELLED and appointment.cancelled_at is not None
        # Her place can go to someone else, and she can book again.
        other = make_referral(s, phone="+447700900200")
        booking.book(s, other.id, slot.id, ASSESSMENT)
        booking.book(s, referral.id, make_slot(s, local(working_day(5), 14)).id, ASSESSMENT)


def test_caution_deadline_orders_both_meetings_and_leaves_room_for_the_second(empty):
    today = today_london()
    with session_scope() as s:
        referral = make_referral(s, caution=True, deadline=today + timedelta(days=20))
        day3, day8, day12, day30 = (make_slot(s, local(today + timedelta(days=d), 10)) for d in (3, 8, 12, 30))
        now = utcnow()
        # The first must leave 7 days before the last free slot by the deadline (day 12).
        first_offer = slots.find_offer(s, referral, M1, None, now)
        assert [v.id for v in first_offer.slots] == [day3.id]
        assert first_offer.deadline == today + timedelta(days=20)
        with pytest.raises(BookingError) as err:
            booking.book(s, referral.id, day8.id, M1)
        assert err.value.reason == "outside_window"
        # The second can't come first.
        with pytest.raises(BookingError):
            booking.book(s, referral.id, day12.id, M2)
        booking.book(s, referral.id, day3.id, M1)
        assert rules.needed_kind(s, referral) == M2
        second_offer = slots.find_offer(s, referral, M2, None, now)
        assert [v.id for v in second_offer.slots] == [day12.id]  # day 8 too soon, day 30 too late
        booking.book(s, referral.id, day12.id, M2)
        assert rules.needed_kind(s, referral) is None
        assert day30.booked_count == 0


def test_no_slot_before_the_deadline_warns_the_keyworker_once(empty):
    today = today_london()
    with session_scope() as s:
        referral = make_referral(s, caution=True, deadline=today + timedelta(days=5), conversation_id="c-noslot")
        make_slot(s, local(today + timedelta(days=30), 10))
        offer = slots.find_offer(s, referral, M1, None, utcnow())
        assert offer.slots == [] and offer.problem == "none_before_deadline"
        booking.warn_no_slot(s, referral, "c-noslot")
        booking.warn_no_slot(s, referral, "c-noslot")
    with session_scope() as s:
        [alert] = s.execute(select(Alert)).scalars().all()
        assert alert.reason == AlertReason.NO_SLOT and alert.referral_id is not None
        assert "c-noslot" not in alert.summary


def test_default_deadline_counts_from_registration_when_the_caution_date_is_unknown(empty):
    with session_scope() as s:
        referral = make_referral(s, caution=True, deadline=None)
        s.refresh(referral)
        registered = referral.created_at.astimezone(london()).date()
        assert rules.deadline_for(referral) == registered + timedelta(weeks=16)
        assert rules.deadline_for(make_referral(s, caution=False)) is None


def test_offers_follow_what_she_asks_nearest_centre_first(empty):
    day = working_day(7)
    while day.isoweekday() != 5:  # a Friday
        day += timedelta(days=1)
    with session_scope() as s:
        referral = make_referral(s)  # SE15: Peckham
        far = make_slot(s, local(day, 14), centre=HACKNEY)
        near = make_slot(s, local(day, 14))
        morning = make_slot(s, local(day, 10))
        make_slot(s, local(working_day(3), 10))
        now = utcnow()

        def offer(text):
            return slots.find_offer(s, referral, ASSESSMENT, parse_preference(text, today_london()), now)

        friday = offer(f"{day.day} {day:%b} at 2")
        assert [v.id for v in friday.slots] == [near.id] and friday.exact
        assert morning.id not in [v.id for v in offer(f"{day.day} {day:%b}, not mornings").slots]
        sunday = offer("sunday")
        assert sunday.problem == "closed" and sunday.slots
        assert offer("yesterday").problem == "past"
        assert offer("31 February").problem == "impossible"
        assert far.id not in [v.id for v in offer(None).slots]


def test_a_slot_taken_between_offer_and_choice(empty):
    with session_scope() as s:
        mine, theirs = make_referral(s), make_referral(s, phone="+447700900300")
        slot = make_slot(s, local(working_day(5), 10))
        offered = slots.find_offer(s, mine, ASSESSMENT, None, utcnow()).slots
        assert [v.id for v in offered] == [slot.id]
        booking.book(s, theirs.id, slot.id, ASSESSMENT)
        with pytest.raises(BookingError) as err:
            booking.book(s, mine.id, slot.id, ASSESSMENT)
        assert err.value.reason == "slot_taken"
        assert slots.still_free(s, [slot.id]) == []


def test_sample_slots_are_seeded_once_inside_opening_hours(empty):
    added = seed_slots()
    assert added > 100
    assert seed_slots() == 0
    with session_scope() as s:
        for slot in s.execute(select(AppointmentSlot)).scalars():
            start = slot.starts_at.astimezone(london())
            assert start.isoweekday() <= 6 and 10 <= start.hour < 16 and slot.is_sample
            assert start.date() > today_london()
