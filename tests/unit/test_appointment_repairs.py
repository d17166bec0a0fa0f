"""Issue #19, points 2, 6 and 7 below the conversation: a choice narrows what she
asked before; a day ruled out by the caution's rules is explained and the times
that fit nearest to it are offered; after a call-off the counts are true.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from actions.appointments import texts
from bot.appointments import booking, slots
from bot.appointments.preferences import narrow, parse_narrowed, parse_preference
from bot.appointments.service import AppointmentView
from bot.dates import today_london
from bot.db.models import Referral
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentStatus
from bot.db.session import session_scope
from bot.db.types import utcnow
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot, working_day

M1, M2 = AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2
TODAY = date(2026, 12, 7)  # a Monday


def test_a_time_after_a_day_narrows_to_that_day():
    tuesday = parse_preference("tuesday pls", TODAY)
    both = narrow(tuesday, parse_preference("10am", TODAY))
    assert both.days == tuesday.days == {date(2026, 12, 8)} and both.at == time(10)


def test_a_new_day_replaces_the_day_and_keeps_the_time_and_exclusions():
    before = narrow(parse_preference("not mornings", TODAY), parse_preference("tuesday at 2", TODAY))
    after = narrow(before, parse_preference("wednesday", TODAY))
    assert after.days == {date(2026, 12, 9)} and after.at == time(14) and after.not_parts == {"morning"}


def test_naming_what_she_ruled_out_lifts_it_and_a_bad_date_starts_again():
    assert narrow(parse_preference("not thursday", TODAY), parse_preference("thursday", TODAY)).not_weekdays == set()
    assert narrow(parse_preference("tuesday", TODAY), parse_preference("31 february", TODAY)).problem == "impossible"
    assert parse_narrowed("tuesday pls\n10am", TODAY) == narrow(
        parse_preference("tuesday pls", TODAY), parse_preference("10am", TODAY)
    )


@pytest.fixture
def caution(db_url):
    """A caution with its deadline 20 days off, slots every working day at 10am and 2pm."""
    deadline = today_london() + timedelta(days=20)
    with session_scope() as s:
        clear_slots(s)
        referral = make_referral(s, caution=True, deadline=deadline)
        ids = {}
        for n in range(1, 25):
            for hour in (10, 14):
                ids[(working_day(n), hour)] = make_slot(s, local(working_day(n), hour)).id
        return referral.id, deadline, ids


def _offer(kind, text, moving_id=None):
    with session_scope() as s:
        referral = s.execute(select(Referral)).scalars().first()
        moving = s.get(Appointment, moving_id) if moving_id else None
        return slots.find_offer(s, referral, kind, parse_preference(text, today_london()), utcnow(), moving=moving)


def test_a_day_after_the_deadline_is_explained_and_the_last_times_before_it_offered(caution):
    referral_id, deadline, ids = caution
    with session_scope() as s:
        booking.book(s, referral_id, ids[(working_day(1), 10)], M1)
    late = deadline + timedelta(days=2)
    offer = _offer(M2, f"{late.day} {late:%B}")
    assert offer.problem == "after_deadline" and not offer.exact
    assert all(local_day(v) <= deadline for v in offer.slots)
    # Nearest to the day she asked: the last free times before the deadline.
    last_day = max(d for d, _ in ids if d <= deadline)
    assert local_day(offer.slots[-1]) == last_day
    assert "after your deadline" in texts.rule_problem(offer)


def test_a_second_meeting_too_soon_after_the_first_says_from_when(caution):
    referral_id, deadline, ids = caution
    with session_scope() as s:
        booking.book(s, referral_id, ids[(working_day(2), 10)], M1)
    asked = working_day(4)
    offer = _offer(M2, f"{asked.day} {asked:%B}")
    assert offer.problem == "too_soon_after_first"
    said = texts.rule_problem(offer)
    assert "too soon after your first meeting" in said and "7 days apart" in said
    # The earliest time that fits comes first: 7 days after the first ends.
    assert offer.slots[0].starts_at >= local(working_day(2), 11) + timedelta(days=7)


def test_a_first_meeting_too_close_to_the_booked_second(caution):
    referral_id, deadline, ids = caution
    with session_scope() as s:
        first_id = booking.book(s, referral_id, ids[(working_day(1), 10)], M1).id
        booking.book(s, referral_id, ids[(working_day(10), 10)], M2)
    asked = working_day(8)
    offer = _offer(M1, f"{asked.day} {asked:%B}", moving_id=first_id)
    assert offer.problem == "too_close_to_second"
    assert "too close to your second meeting" in texts.rule_problem(offer)
    assert all(v.starts_at <= local(working_day(10), 10) - timedelta(days=7) for v in offer.slots)


def test_a_first_meeting_too_late_to_leave_room_for_the_second(caution):
    _, deadline, ids = caution
    asked = max(d for d, _ in ids if d <= deadline - timedelta(days=2))
    offer = _offer(M1, f"{asked.day} {asked:%B}")
    assert offer.problem == "no_room_for_second"
    assert "too late for your first meeting" in texts.rule_problem(offer)


def local_day(view) -> date:
    from bot.appointments import formatting

    return formatting.local(view.starts_at).date()


def _view(kind, day_, status=AppointmentStatus.BOOKED):
    slot = slots.SlotView(1, local(day_, 10), local(day_, 11), "SAMPLE Centre", "Southwark", "1 Road", "SE15 4QF", None)
    return AppointmentView(1 if kind == M1 else 2, kind, status, slot)


def test_calling_off_the_first_while_the_second_is_booked_says_what_is_true():
    first, second = _view(M1, date(2027, 1, 4)), _view(M2, date(2027, 1, 14))
    said = texts.called_off(first.slot, M1, date(2027, 2, 1), live=(second,))
    assert "2 meetings" not in said
    assert "second meeting on Thu 14 Jan, 10am is still booked" in said and "new time for your first meeting" in said


def test_calling_off_both_or_the_second():
    first, second = _view(M1, date(2027, 1, 4)), _view(M2, date(2027, 1, 14))
    assert "2 meetings by Mon 1 Feb" in texts.called_off(first.slot, M1, date(2027, 2, 1))
    said = texts.called_off(second.slot, M2, date(2027, 2, 1), live=(first,))
    assert "first meeting on Mon 4 Jan, 10am is still booked" in said and "new time for your second meeting" in said


def test_booking_the_first_again_before_a_booked_second_is_not_two_meetings():
    said = texts.heading(M1, date(2027, 2, 1), second=local(date(2027, 1, 14), 10), gap_days=7)
    assert "2 meetings" not in said and "second meeting is still booked for Thu 14 Jan, 10am" in said


def test_a_move_says_which_meeting():
    assert texts.moving(M2, local(date(2027, 1, 14), 10)) == "Moving your meeting 2 of 2 on Thu 14 Jan, 10am."
