"""Issue #19, points 2, 6, 7 and 8 over REST (real Rasa, action server and
worker, both databases): a choice narrows; a caution rule is said in plain
words with the nearest times that fit; after a call-off the counts and the
next step are true; a move says which meeting it is moving.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.appointments import booking, formatting
from bot.dates import today_london
from bot.db.models.appointments import AppointmentKind, AppointmentStatus
from tests.integration.test_appointments_conversation import Talk, appointments, db, her, next_week, slots
from tests.support.appointment_data import local, working_day

M1, M2 = AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2


@pytest.fixture
def talk(stack):
    return Talk(stack)


def said(d: date) -> str:
    return f"{d.day} {d:%B}"


def test_a_time_after_a_day_narrows_to_that_day(stack, talk):
    referral_id = her(stack, talk)
    phrase, tuesday_10 = next_week(2, 10)
    ids = slots(
        stack,
        tuesday_10 - timedelta(days=1),
        tuesday_10,
        tuesday_10 + timedelta(hours=4),
        tuesday_10 + timedelta(days=1),
    )
    talk.say("book an appointment")
    tuesday = talk.say(f"{phrase} pls")
    assert tuesday.slot_ids() == [ids[1], ids[2]]
    question = talk.say("10am")
    # Tuesday at 10, not Monday, Tuesday and Wednesday at 10 again.
    assert "Shall I book it?" in question.text and formatting.when(tuesday_10) in question.text, question
    talk.say("yes")
    [appointment] = appointments(stack, referral_id)
    assert appointment.slot_id == ids[1]


def test_a_second_meeting_after_the_deadline_is_explained(stack, talk):
    deadline = working_day(20)
    asked = working_day(22)  # a weekday, when centres are open
    referral_id = her(stack, talk, caution=True, deadline=deadline)
    first, second, last_before, after = slots(
        stack, local(working_day(1), 10), local(working_day(10), 14), local(deadline, 11), local(asked, 10)
    )
    with db(stack) as s:
        booking.book(s, referral_id, first, M1)
    talk.say("i need to book my appointments")
    reply = talk.say(f"can i do {said(asked)}")
    assert "after your deadline" in reply.text and formatting.day(deadline) in reply.text, reply
    assert "nothing is free" not in reply.text
    # The times that fit nearest to the day she asked: the last before the deadline.
    assert reply.slot_ids() == [second, last_before]


def test_a_too_late_first_meeting_says_why(stack, talk):
    late = working_day(17)  # a weekday, when centres are open
    deadline = late + timedelta(days=2)
    her(stack, talk, caution=True, deadline=deadline)
    early, middle, too_late, last = slots(
        stack, local(working_day(2), 10), local(working_day(6), 10), local(late, 10), local(deadline, 10)
    )
    talk.say("i need to book my appointments")
    reply = talk.say(f"{said(late)} please")
    assert "too late for your first meeting" in reply.text and "7 days" in reply.text, reply
    assert "nothing is free" not in reply.text
    assert too_late not in reply.slot_ids() and middle in reply.slot_ids()


def test_calling_off_the_first_while_the_second_is_booked_then_rebooking(stack, talk):
    deadline = today_london() + timedelta(days=40)
    referral_id = her(stack, talk, caution=True, deadline=deadline)
    first, second, new_first = slots(
        stack, local(working_day(3), 10), local(working_day(15), 14), local(working_day(5), 11)
    )
    with db(stack) as s:
        booking.book(s, referral_id, first, M1)
        booking.book(s, referral_id, second, M2)
    talk.say("cancel my appointment")
    talk.say("1")  # the soonest: meeting 1
    done = talk.say("yes")
    assert "called off" in done.text and "2 meetings" not in done.text, done
    assert "second meeting" in done.text and "still booked" in done.text
    offer = talk.say("book an appointment")
    assert "Now your second meeting" not in offer.text and "2 meetings" not in offer.text, offer
    assert "still booked" in offer.text and new_first in offer.slot_ids()
    talk.say(str(offer.slot_ids().index(new_first) + 1))
    booked = talk.say("yes")
    assert "Booked:" in booked.text and "both meetings booked" in booked.text, booked
    assert "Now your second meeting" not in booked.text and "already have" not in booked.text
    live = {a.kind: a.slot_id for a in appointments(stack, referral_id) if a.status == AppointmentStatus.BOOKED}
    assert live == {M1: new_first, M2: second}


def test_a_move_says_which_meeting_before_the_times(stack, talk):
    deadline = today_london() + timedelta(days=60)
    referral_id = her(stack, talk, caution=True, deadline=deadline)
    thursday = today_london() + timedelta(days=2)
    while thursday.isoweekday() != 4:
        thursday += timedelta(days=1)
    _, next_tuesday_10 = next_week(2, 10)
    first, second, option = slots(stack, local(thursday, 10), local(thursday + timedelta(days=18), 14), next_tuesday_10)
    with db(stack) as s:
        booking.book(s, referral_id, first, M1)
        booking.book(s, referral_id, second, M2)
    offer = talk.say("I can't make Thursday, can I do next week?")
    line = f"Moving your meeting 1 of 2 on {formatting.when(local(thursday, 10))}."
    assert line in offer.text and offer.text.index(line) == 0, offer
    assert offer.slot_ids() == [option]
