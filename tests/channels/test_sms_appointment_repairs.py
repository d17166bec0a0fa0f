"""Issue #19, points 2 and 8 by SMS (signed webhook, real Rasa and action
servers, fake Twilio): a time after a day narrows to that day; a move names the
meeting before any times.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.appointments import booking, formatting
from bot.appointments.preferences import parse_preference
from bot.dates import today_london
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentStatus
from bot.db.session import session_scope
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot

M1, M2 = AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2


def _her(stack, number, *starts, caution=False, deadline=None):
    with session_scope(stack.database_url) as s:
        clear_slots(s)
        referral = make_referral(s, phone=number, caution=caution, deadline=deadline)
        return referral.id, [make_slot(s, start).id for start in starts]


def test_tuesday_then_10am_by_text(sms_stack, phone):
    [tuesday] = parse_preference("next tuesday", today_london()).days
    tuesday_10 = local(tuesday, 10)
    referral_id, ids = _her(
        sms_stack,
        phone.number,
        tuesday_10 - timedelta(days=1),
        tuesday_10,
        tuesday_10 + timedelta(hours=4),
        tuesday_10 + timedelta(days=1),
    )
    phone.text("book an appointment")
    listed = phone.text("next tuesday pls")
    assert "Reply 1 for" in listed and formatting.when(tuesday_10 + timedelta(hours=4)) in listed
    asked = phone.text("10am")
    assert "Shall I book it?" in asked and formatting.when(tuesday_10) in asked, asked
    assert formatting.when(tuesday_10 - timedelta(days=1)) not in asked
    phone.text("1")  # "Yes, book it"
    with session_scope(sms_stack.database_url) as s:
        [row] = s.execute(select(Appointment).where(Appointment.referral_id == referral_id)).scalars().all()
        assert row.slot_id == ids[1]


def test_a_move_by_text_names_the_meeting_first(sms_stack, phone):
    thursday = today_london() + timedelta(days=2)
    while thursday.isoweekday() != 4:
        thursday += timedelta(days=1)
    [next_tuesday] = parse_preference("next tuesday", today_london()).days
    referral_id, (first, second, option) = _her(
        sms_stack,
        phone.number,
        local(thursday, 10),
        local(thursday + timedelta(days=18), 14),
        local(next_tuesday, 10),
        caution=True,
        deadline=today_london() + timedelta(days=60),
    )
    with session_scope(sms_stack.database_url) as s:
        booking.book(s, referral_id, first, M1)
        booking.book(s, referral_id, second, M2)
    offer = phone.text("I can't make Thursday, can I do next week?")
    assert offer.startswith(f"Moving your meeting 1 of 2 on {formatting.when(local(thursday, 10))}."), offer
    assert formatting.when(local(next_tuesday, 10)) in offer
    phone.text("1")
    assert "now" in phone.text("1")  # "Yes, move it"
    with session_scope(sms_stack.database_url) as s:
        live = {
            a.kind: a.slot_id
            for a in s.execute(
                select(Appointment).where(
                    Appointment.referral_id == referral_id, Appointment.status == AppointmentStatus.BOOKED
                )
            ).scalars()
        }
    assert live == {M1: option, M2: second}
