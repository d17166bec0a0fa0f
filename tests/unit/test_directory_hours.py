"""Open now / opens next across weekdays, bank holidays and clock changes (Europe/London)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.directory.bank_holidays import bank_holidays, covered_years, is_bank_holiday
from bot.directory.hours import Hours, HoursException, is_open_during, opening_status, status_text, week_text
from bot.hours import Opening, format_time, format_week, parse_week

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = Hours(tuple(Opening(d, time(9, 30), time(17)) for d in range(1, 6)))


def at(y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


@pytest.mark.parametrize(
    "moment, is_open",
    [
        (at(2026, 11, 23, 9, 29), False),  # Monday, before opening
        (at(2026, 11, 23, 9, 30), True),
        (at(2026, 11, 25, 16, 59), True),  # Wednesday
        (at(2026, 11, 27, 17, 0), False),  # Friday, closing time
        (at(2026, 11, 28, 12, 0), False),  # Saturday
        (at(2026, 11, 29, 12, 0), False),  # Sunday
    ],
)
def test_open_now_across_weekdays(moment, is_open):
    assert opening_status(WEEKDAYS, moment).is_open is is_open


def test_opens_next_skips_the_weekend():
    status = opening_status(WEEKDAYS, at(2026, 11, 27, 18, 0))  # Friday evening
    assert status.state == "closed"
    assert status.next_open == at(2026, 11, 30, 9, 30)  # Monday
    assert status_text(status, at(2026, 11, 27, 18, 0)) == "Closed now. Opens Monday at 9:30am"
    assert status_text(opening_status(WEEKDAYS, at(2026, 11, 23, 11)), at(2026, 11, 23, 11)) == "Open now, until 5pm"


def test_bank_holiday_closes_unless_the_listing_opens_on_them():
    easter_monday = at(2026, 4, 6, 11, 0)
    status = opening_status(WEEKDAYS, easter_monday)
    assert status.state == "closed" and status.closed_reason == "bank holiday"
    assert status.next_open == at(2026, 4, 7, 9, 30)
    assert "(bank holiday)" in status_text(status, easter_monday)
    open_anyway = Hours(WEEKDAYS.openings, closed_on_bank_holidays=False)
    assert opening_status(open_anyway, easter_monday).is_open


def test_boxing_day_substitute_2026_and_christmas_2027():
    # 26 Dec 2026 is a Saturday, so Monday 28 Dec is the bank holiday.
    assert is_bank_holiday(date(2026, 12, 28)) and not is_bank_holiday(date(2026, 12, 26))
    assert opening_status(WEEKDAYS, at(2026, 12, 28, 11)).state == "closed"
    assert opening_status(WEEKDAYS, at(2026, 12, 29, 11)).is_open
    assert is_bank_holiday(date(2027, 12, 27)) and is_bank_holiday(date(2027, 12, 28))
    assert is_bank_holiday(date(2028, 1, 3))  # New Year's Day 2028 is a Saturday


def test_bank_holiday_table_is_sane():
    days = bank_holidays()
    assert list(covered_years()) == list(range(2024, 2031))
    for year in covered_years():
        in_year = [d for d in days if d.year == year]
        assert len(in_year) == 8, year
        assert all(d.weekday() < 5 for d in in_year)


def test_clock_change_keeps_wall_clock_hours():
    # Clocks go back on Sunday 25 Oct 2026; Monday 9:30 is 09:30 GMT, not BST.
    monday = opening_status(WEEKDAYS, datetime(2026, 10, 26, 9, 31, tzinfo=timezone.utc))
    assert monday.is_open
    assert opening_status(WEEKDAYS, datetime(2026, 10, 23, 8, 31, tzinfo=timezone.utc)).is_open  # Fri 09:31 BST


def test_overnight_and_24_hour_listings():
    shelter = Hours(tuple(Opening(d, time(19), time(8)) for d in range(1, 8)), closed_on_bank_holidays=False)
    status = opening_status(shelter, at(2026, 11, 24, 2, 0))
    assert status.is_open and status.until == at(2026, 11, 24, 8, 0)
    assert not opening_status(shelter, at(2026, 11, 24, 12, 0)).is_open
    always = Hours(tuple(Opening(d, time(0), time(0)) for d in range(1, 8)), closed_on_bank_holidays=False)
    assert opening_status(always, at(2026, 12, 25, 3, 0)).state == "always"
    assert status_text(opening_status(always, at(2026, 12, 25, 3)), at(2026, 12, 25, 3)) == "Open 24 hours"
    assert week_text(always) == "Open 24 hours, every day"


def test_exceptions_replace_regular_hours():
    hours = Hours(
        WEEKDAYS.openings,
        exceptions=(
            HoursException(date(2026, 12, 24), date(2027, 1, 1), closed=True, description="Christmas break"),
            HoursException(date(2026, 11, 28), date(2026, 11, 28), closed=False, opens=time(10), closes=time(13)),
        ),
    )
    assert not opening_status(hours, at(2026, 12, 24, 11)).is_open
    assert opening_status(hours, at(2026, 12, 30, 11)).next_open == at(2027, 1, 4, 9, 30)
    assert opening_status(hours, at(2026, 11, 28, 11)).is_open  # a special Saturday


def test_unknown_hours_are_said_plainly():
    status = opening_status(Hours(), at(2026, 11, 23, 11))
    assert status.state == "unknown"
    assert status_text(status, at(2026, 11, 23, 11)) == "Call to check opening times"
    assert week_text(Hours()) == "Call to check opening times"


def test_open_during_a_window():
    assert is_open_during(WEEKDAYS, at(2026, 11, 23, 18), at(2026, 11, 24, 0)) is False
    assert is_open_during(WEEKDAYS, at(2026, 11, 23, 6), at(2026, 11, 24, 0)) is True


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        opening_status(WEEKDAYS, datetime(2026, 11, 23, 11))


def test_week_text_and_csv_round_trip():
    openings = parse_week("Mon-Fri 09:30-17:00; Sat 10:00-13:00 14:00-16:00; Sun closed")
    assert len(openings) == 7
    assert format_week(openings) == "Mon-Fri 09:30-17:00; Sat 10:00-13:00 14:00-16:00"
    assert parse_week(format_week(openings)) == openings
    hours = Hours(tuple(openings))
    assert week_text(hours) == "Mon-Fri 9:30am-5pm, Sat 10am-1pm and 2pm-4pm. Closed on bank holidays"
    assert format_time(time(12)) == "12pm" and format_time(time(0)) == "midnight"
    with pytest.raises(ValueError):
        parse_week("Mondays from nine")
    with pytest.raises(ValueError):
        parse_week("Funday 09:00-17:00")


def test_every_day_of_a_week_has_a_status():
    start = at(2026, 11, 23, 0, 0)
    for hour in range(0, 24 * 7, 5):
        status = opening_status(WEEKDAYS, start + timedelta(hours=hour))
        assert status.state in ("open", "closed")
        assert status.is_open or status.next_open is not None
