"""Reading her requests for a day and time (London), and picks from a list."""

from datetime import date, time

import pytest

from bot.appointments.preferences import parse_choice, parse_preference, parse_slot_payload

MONDAY = date(2026, 11, 23)  # a Monday


def p(text, today=MONDAY):
    return parse_preference(text, today)


def test_next_tuesday_afternoon_is_next_weeks_tuesday_after_noon():
    pref = p("next Tuesday afternoon")
    assert pref.days == {date(2026, 12, 1)} and pref.parts == {"afternoon"}


def test_friday_at_2_is_the_coming_friday_at_two_pm():
    pref = p("Friday at 2")
    assert pref.days == {date(2026, 11, 27)} and pref.at == time(14, 0)


@pytest.mark.parametrize(
    "text, at",
    [
        ("2pm", time(14)),
        ("at 10", time(10)),
        ("10:30", time(10, 30)),
        ("2.30pm", time(14, 30)),
        ("half 2", time(14, 30)),
        ("at 11am", time(11)),
        ("at 12", time(12)),
        ("14:00", time(14)),
    ],
)
def test_clock_times_are_read_in_opening_hours(text, at):
    assert p(text).at == at


def test_not_mornings_and_other_exclusions():
    assert p("not mornings").not_parts == {"morning"}
    assert p("no mornings please").not_parts == {"morning"}
    assert p("I can't make Thursday").not_weekdays == {4}
    assert p("not mondays or fridays").not_weekdays == {1, 5}
    assert p("i'm busy thursdays and fridays").not_weekdays == {4, 5}
    assert p("not before 11").after == time(11)
    assert p("nothing after 3").before == time(15)
    # An exclusion never reads as a wish for that day.
    assert p("not thursday").days == frozenset()


def test_weeks_and_relative_days():
    assert p("tomorrow").days == {date(2026, 11, 24)}
    assert (p("next week").start, p("next week").end) == (date(2026, 11, 30), date(2026, 12, 6))
    assert p("in 2 weeks").start == date(2026, 12, 7)
    assert p("any monday").weekdays == {1}
    assert p("this thursday").days == {date(2026, 11, 26)}


def test_written_dates_go_through_dateparser_and_roll_forward():
    assert p("14 Dec").days == {date(2026, 12, 14)}
    assert p("2nd of December at 10").days == {date(2026, 12, 2)}
    assert p("2nd of December at 10").at == time(10)
    assert p("the 14th").days == {date(2026, 12, 14)}  # the 14th of this month has gone
    assert p("14/12 at 10:30").days == {date(2026, 12, 14)}
    assert p("10.12").days == {date(2026, 12, 10)}  # a date, not 10:12
    assert p("march 3").days == {date(2027, 3, 3)}


@pytest.mark.parametrize("text", ["31 February", "30/02", "April 31st", "the 31st of june"])
def test_impossible_dates_are_flagged(text):
    assert p(text).problem == "impossible"


@pytest.mark.parametrize("text", ["yesterday", "last monday", "3 Nov", "a few days ago", "14/11/2026"])
def test_past_dates_are_flagged(text):
    assert p(text).problem == "past"


def test_nonsense_is_not_understood():
    for text in ("hi", "", None, "what?", "ok thanks"):
        assert not p(text).understood


def test_matches_uses_london_local_time():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    friday_2pm = datetime(2026, 11, 27, 14, 0, tzinfo=london)
    assert p("Friday at 2").matches(friday_2pm)
    assert not p("Friday at 2").matches(friday_2pm.replace(hour=10))
    assert p("Friday at 2").matches(friday_2pm.replace(minute=30), time_slack_min=90)
    assert not p("not afternoons").matches(friday_2pm)


@pytest.mark.parametrize(
    "text, index",
    [
        ("1", 0),
        ("2.", 1),
        ("option 3", 2),
        ("the second one", 1),
        ("first", 0),
        ("last", 2),
        ("number two please", 1),
        ("i'll take the 3rd one", 2),
    ],
)
def test_choice_from_a_numbered_list(text, index):
    assert parse_choice(text, 3) == index


@pytest.mark.parametrize("text", ["4", "0", "friday at 2", "the 14th", "yes"])
def test_not_a_choice(text):
    assert parse_choice(text, 3) is None


def test_slot_button_payload():
    assert parse_slot_payload("slot 42") == 42
    assert parse_slot_payload("slot forty") is None
