"""Booking, moving, calling off and reminder replies over REST: real Rasa server,
real action server, real worker, both databases.

Each test makes its own slots (all others are removed) and her record, linked
to the REST conversation as the SMS channel would link her phone.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.appointments import booking
from bot.appointments.preferences import parse_preference
from bot.dates import today_london
from bot.db.models import OutboxMessage, OutboxStatus
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentSlot, AppointmentStatus
from bot.db.session import session_scope
from bot.db.types import utcnow
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot, working_day
from tests.support.rest_talk import Talk


@pytest.fixture
def talk(stack):
    return Talk(stack)


def db(stack):
    return session_scope(stack.database_url)


def her(stack, talk, **kw) -> int:
    """Her record, linked to this conversation; every other slot removed."""
    with db(stack) as s:
        clear_slots(s)
        return make_referral(
            s, conversation_id=talk.sender, phone=f"+4477009{int(talk.sender[-5:], 16) % 100000:05d}", **kw
        ).id


def slots(stack, *starts) -> list[int]:
    with db(stack) as s:
        return [make_slot(s, start).id for start in starts]


def appointments(stack, referral_id) -> list[Appointment]:
    with db(stack) as s:
        rows = (
            s.execute(select(Appointment).where(Appointment.referral_id == referral_id).order_by(Appointment.id))
            .scalars()
            .all()
        )
        for row in rows:
            _ = row.slot.starts_at
        return rows


def next_week(weekday: int, hour: int, minute: int = 0):
    """'next <weekday>' as the bot reads it, at a London time."""
    name = ["monday", "tuesday", "wednesday", "thursday", "friday"][weekday - 1]
    [day] = parse_preference(f"next {name}", today_london()).days
    return f"next {name}", local(day, hour, minute)


def test_she_asks_to_book_picks_a_number_and_confirms(stack, talk):
    referral_id = her(stack, talk)
    ids = slots(stack, local(working_day(3), 10), local(working_day(4), 14), local(working_day(5), 11, 30))
    offer = talk.say("i need to book an appointment")
    assert "next free times" in offer.text and offer.slot_ids() == ids
    question = talk.say("2")
    assert "Shall I book it?" in question.text and "2pm" in question.text
    assert [b["title"] for b in question.buttons] == ["Yes, book it", "Other times"]
    assert appointments(stack, referral_id) == []  # nothing written before her yes
    done = talk.say("yes")
    assert "Booked:" in done.text and "reminder" in done.text
    [appointment] = appointments(stack, referral_id)
    assert appointment.slot_id == ids[1] and appointment.status == AppointmentStatus.BOOKED
    with db(stack) as s:
        keys = set(
            s.execute(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like(f"appt:{appointment.id}:%"))
            ).scalars()
        )
    assert keys == {f"appt:{appointment.id}:48h", f"appt:{appointment.id}:2h"}


def test_natural_requests_find_the_time_she_means(stack, talk):
    referral_id = her(stack, talk)
    phrase, friday_2pm = next_week(5, 14)
    ids = slots(stack, local(working_day(2), 10), friday_2pm - timedelta(hours=4), friday_2pm)
    talk.say("book me in")
    question = talk.say(f"{phrase} at 2")
    assert "Shall I book it?" in question.text and "2pm" in question.text
    talk.say("yes")
    [appointment] = appointments(stack, referral_id)
    assert appointment.slot_id == ids[2]


def test_not_mornings_and_other_times(stack, talk):
    her(stack, talk)
    ids = slots(
        stack,
        local(working_day(2), 10),
        local(working_day(3), 10),
        local(working_day(3), 14),
        local(working_day(4), 15, 30),
    )
    talk.say("can i make an appointment")
    offer = talk.say("not mornings")
    assert set(offer.slot_ids()) == {ids[2], ids[3]}
    question = talk.say("the first one")
    assert "Shall I book it?" in question.text
    other = talk.say("other times")
    assert ids[2] not in other.slot_ids() and other.slot_ids()


def test_a_caution_books_both_meetings_in_order_before_the_deadline(stack, talk):
    deadline = today_london() + timedelta(days=40)
    referral_id = her(stack, talk, caution=True, deadline=deadline)
    first, soon_after, second, too_late = slots(
        stack,
        local(working_day(2), 10),
        local(working_day(4), 10),
        local(working_day(12), 14),
        local(deadline + timedelta(days=3), 10),
    )
    offer = talk.say("i need to book my appointments")
    assert "2 meetings" in offer.text and too_late not in offer.slot_ids()
    talk.say("1")
    after_first = talk.say("yes")
    assert "Booked:" in after_first.text and "second meeting" in after_first.text
    assert after_first.slot_ids() == [second]  # a week after the first, before the deadline
    talk.say("1")
    talk.say("yes")
    got = {a.kind: a.slot_id for a in appointments(stack, referral_id)}
    assert got == {AppointmentKind.MANDATORY_1: first, AppointmentKind.MANDATORY_2: second}
    assert "meeting 1 of 2" in talk.say("when is my appointment").text


def test_when_is_it_move_it_with_confirmation(stack, talk):
    referral_id = her(stack, talk)
    phrase, thursday = next_week(4, 10)
    old_slot, other = slots(stack, thursday, thursday + timedelta(days=1, hours=4))
    with db(stack) as s:
        booking.book(s, referral_id, old_slot, AppointmentKind.ASSESSMENT)
    status = talk.say("when is my appointment?")
    assert "10am" in status.text and "Thu" in status.text
    offer = talk.say("i can't make thursday")
    assert offer.slot_ids() == [other]
    question = talk.say("1")
    assert "Move your appointment from" in question.text
    assert appointments(stack, referral_id)[0].status == AppointmentStatus.BOOKED
    assert "now" in talk.say("yes").text
    old, new = appointments(stack, referral_id)
    assert old.status == AppointmentStatus.MOVED and new.slot_id == other and new.status == AppointmentStatus.BOOKED
    with db(stack) as s:
        states = dict(s.execute(select(OutboxMessage.dedupe_key, OutboxMessage.status)).all())
    assert states[f"appt:{old.id}:48h"] == OutboxStatus.CANCELLED
    assert states[f"appt:{new.id}:48h"] == OutboxStatus.PENDING


def test_cancel_asks_first_and_keeps_it_on_no(stack, talk):
    referral_id = her(stack, talk)
    [slot] = slots(stack, local(working_day(4), 11, 30))
    with db(stack) as s:
        booking.book(s, referral_id, slot, AppointmentKind.ASSESSMENT)
    question = talk.say("cancel my appointment")
    assert "Call off your appointment" in question.text
    assert [b["title"] for b in question.buttons] == ["Yes, call it off", "No, keep it"]
    assert "kept" in talk.say("no").text
    assert appointments(stack, referral_id)[0].status == AppointmentStatus.BOOKED
    talk.say("i want to cancel my appointment")
    assert "called off" in talk.say("yes").text
    [appointment] = appointments(stack, referral_id)
    assert appointment.status == AppointmentStatus.CANCELLED
    with db(stack) as s:
        assert s.get(AppointmentSlot, slot).booked_count == 0


def test_bad_dates_and_times_get_a_kind_answer_and_the_next_options(stack, talk):
    her(stack, talk)
    ids = slots(stack, local(working_day(2), 10), local(working_day(3), 14))
    talk.say("book an appointment")
    for text, says in (("31 February", "doesn't exist"), ("yesterday", "already gone"), ("sunday at 8pm", "not open")):
        reply = talk.say(text)
        assert says in reply.text and reply.slot_ids() == ids, (text, reply)
    assert "Pick a number" in talk.say("banana").text


def test_a_time_taken_between_offer_and_choice(stack, talk):
    her(stack, talk)
    ids = slots(stack, local(working_day(2), 10), local(working_day(3), 14))
    talk.say("book an appointment")
    with db(stack) as s:  # someone else takes the first time meanwhile
        other = make_referral(s, phone="+447700900777")
        booking.book(s, other.id, ids[0], AppointmentKind.ASSESSMENT)
    reply = talk.say("1")
    assert "just taken" in reply.text and reply.slot_ids() == [ids[1]]


def sent_reminder(stack, appointment_id: int, label: str = "48h") -> None:
    """Make one reminder due and wait for the stack's worker to send it."""
    key = f"appt:{appointment_id}:{label}"
    with db(stack) as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.dedupe_key == key)
            .values(send_after=utcnow() - timedelta(seconds=1))
            .execution_options(synchronize_session=False)
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with db(stack) as s:
            if (
                s.execute(select(OutboxMessage.status).where(OutboxMessage.dedupe_key == key)).scalar_one()
                == OutboxStatus.SENT
            ):
                return
        time.sleep(0.3)
    raise AssertionError("the worker did not send the reminder")


def test_yes_to_a_reminder_confirms_and_change_rebooks(stack, talk):
    referral_id = her(stack, talk)
    first, second = slots(stack, local(working_day(4), 10), local(working_day(6), 14))
    with db(stack) as s:
        appointment_id = booking.book(s, referral_id, first, AppointmentKind.ASSESSMENT).id
    assert "I can help you" in talk.say("YES").text  # no reminder sent yet: an ordinary yes
    assert appointments(stack, referral_id)[0].status == AppointmentStatus.BOOKED
    sent_reminder(stack, appointment_id)
    reply = talk.say("YES")
    assert "confirmed" in reply.text
    assert appointments(stack, referral_id)[0].status == AppointmentStatus.CONFIRMED
    sent_reminder(stack, appointment_id, "2h")
    offer = talk.say("CHANGE")
    assert offer.slot_ids() == [second]
    talk.say("1")
    assert "now" in talk.say("yes").text
    assert [a.status for a in appointments(stack, referral_id)] == [AppointmentStatus.MOVED, AppointmentStatus.BOOKED]


def test_a_reply_to_a_reminder_for_a_called_off_appointment(stack, talk):
    referral_id = her(stack, talk)
    first, second = slots(stack, local(working_day(4), 10), local(working_day(6), 14))
    with db(stack) as s:
        appointment_id = booking.book(s, referral_id, first, AppointmentKind.ASSESSMENT).id
    sent_reminder(stack, appointment_id)
    with db(stack) as s:
        booking.cancel(s, appointment_id, actor_type="staff")
    reply = talk.say("yes")
    assert "called off" in reply.text and second in reply.slot_ids()


def test_an_unknown_chat_is_told_how_to_get_help(stack, talk):
    reply = talk.say("when is my appointment")
    assert "can't find your details" in reply.text and "talk to someone" in reply.text


def test_a_new_referral_goes_straight_on_to_booking(stack, talk):
    with db(stack) as s:
        clear_slots(s)
    ids = slots(stack, local(working_day(2), 10), local(working_day(3), 14), local(working_day(4), 10))
    answers = ["I want to refer myself", "yes", "Jo", "SE15 4QF", "07700 900123", "texts only", "any time", "1 2"]
    for text in answers:
        talk.say(text)
    done = talk.say("yes")
    assert re.search(r"ELP-[A-Z0-9]{6}", done.text) and done.slot_ids() == ids
    talk.say("3")
    assert "Booked:" in talk.say("yes").text
    [appointment] = appointments(stack, rows_for(stack, talk.sender))
    assert appointment.slot_id == ids[2] and appointment.kind == AppointmentKind.ASSESSMENT


def rows_for(stack, sender: str) -> int:
    from bot.db.models import Referral

    with db(stack) as s:
        return s.execute(select(Referral.id).where(Referral.conversation_id == sender)).scalar_one()


def test_a_search_mid_booking_sets_the_booking_aside_and_searches(stack, talk):
    with db(stack) as s:
        clear_slots(s)
    slots(stack, local(working_day(2), 10), local(working_day(3), 14))
    for text in [
        "I want to refer myself",
        "yes",
        "Jo",
        "SE15 4QF",
        "07700 900123",
        "texts only",
        "any time",
        "1 2",
        "yes",
    ]:
        talk.say(text)
    reply = talk.say("is there a womens centre near SE15").text
    assert "left the booking for now" in reply and "Women's Centre" in reply and "more" in reply
    assert appointments(stack, rows_for(stack, talk.sender)) == []
    assert "Booked:" not in talk.say("when is my appointment").text
