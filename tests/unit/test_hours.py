"""Week hours and clock times (bot/hours.py), and the three places that use them."""

from __future__ import annotations

import logging
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.appointments import hours as centre_hours
from bot.directory.hours import Hours, opening_status, status_text, week_text
from bot.hours import HoursError, Opening, format_time, format_week, parse_week, read_week, zone
from bot.settings import get_settings
from bot.staff import team_hours

LONDON = ZoneInfo("Europe/London")


def week(text: str) -> list[tuple[int, time, time]]:
    return [(o.weekday, o.opens, o.closes) for o in parse_week(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mon-Fri 09:30-17:00", [(d, time(9, 30), time(17)) for d in range(1, 6)]),
        ("Mon-Fri 9:30-17:00", [(d, time(9, 30), time(17)) for d in range(1, 6)]),
        (
            "Mon-Thu 10:00-16:00; Sat 10:00-13:00",
            [(d, time(10), time(16)) for d in range(1, 5)] + [(6, time(10), time(13))],
        ),
        ("Sat 10:00-13:00 14:00-16:00; Sun closed", [(6, time(10), time(13)), (6, time(14), time(16))]),
        ("Sat 10:00-13:00 and 14:00-16:00", [(6, time(10), time(13)), (6, time(14), time(16))]),
        (
            "Monday 09:00-17:00\nTues, Thurs 10:00-12:00",
            [(1, time(9), time(17)), (2, time(10), time(12)), (4, time(10), time(12))],
        ),
        (
            "Fri-Mon 18:00-08:00",
            [(5, time(18), time(8)), (6, time(18), time(8)), (7, time(18), time(8)), (1, time(18), time(8))],
        ),
        ("daily 00:00-24:00", [(d, time(0), time(0)) for d in range(1, 8)]),  # 24:00 is midnight
        (
            "Mon-Fri 09:30-17:00, Sat 10:00-13:00",
            [(d, time(9, 30), time(17)) for d in range(1, 6)] + [(6, time(10), time(13))],
        ),
        ("", []),
    ],
)
def test_week_text_is_read(text, expected):
    assert week(text) == expected


@pytest.mark.parametrize(
    "text, says",
    [
        ("Mondays from nine", "can't read hours 'Mondays from nine'"),
        ("Funday 09:00-17:00", "unknown day 'funday'"),
        ("Mon-Fri 9-17", "can't read times '9-17' (use 09:30-17:00)"),  # hours only: "9-5" would be overnight
        ("Mon-Fri 09:30-25:00", "no such time 25:00"),
        ("Mon-Fri 09:30-17:00; Sat", "can't read hours 'Sat'"),
        ("Open Mon-Fri 9:30-17:00", "unknown day 'open mon'"),
    ],
)
def test_a_bad_part_is_an_error_naming_it(text, says):
    with pytest.raises(HoursError) as caught:
        parse_week(text)
    assert says in str(caught.value) and caught.value.part in text
    assert isinstance(caught.value, ValueError)


def test_read_week_keeps_the_good_parts_and_reports_the_bad_ones():
    openings, errors = read_week("Mon-Fri 09:30-17:00; Sat 9-1; Sun closed")
    assert openings == parse_week("Mon-Fri 09:30-17:00")
    assert [e.part for e in errors] == ["Sat 9-1"]


def test_format_week_reads_back():
    text = "Mon-Fri 09:30-17:00; Sat 10:00-13:00 14:00-16:00"
    assert format_week(parse_week(text)) == text
    assert (
        format_week([Opening(3, time(9), time(12)), Opening(1, time(9), time(12))])
        == "Mon 09:00-12:00; Wed 09:00-12:00"
    )


@pytest.mark.parametrize(
    "moment, said",
    [
        (time(14), "2pm"),
        (time(9, 30), "9:30am"),
        (time(12), "12pm"),
        (time(0), "midnight"),
        (time(0, 30), "12:30am"),
        (time(12, 5), "12:05pm"),
        (time(23, 59), "11:59pm"),
        (datetime(2026, 7, 1, 13, 0, tzinfo=timezone.utc), "2pm"),  # said in the service's zone (BST)
        (datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc), "2pm"),  # GMT
    ],
)
def test_format_time(moment, said):
    assert format_time(moment) == said


def test_noon_may_be_said_differently():
    assert format_time(time(12), noon="12 noon") == "12 noon" and format_time(time(14), noon="12 noon") == "2pm"


def test_every_place_says_a_time_the_same_way():
    at = datetime(2026, 11, 23, 11, 0, tzinfo=LONDON)  # a Monday
    text = "Mon-Fri 09:30-14:00"
    hours = Hours(tuple(parse_week(text)))
    assert status_text(opening_status(hours, at), at) == "Open now, until 2pm"
    assert week_text(hours).startswith("Mon-Fri 9:30am-2pm")
    assert centre_hours.describe(centre_hours.parse_hours(text)) == "Mon-Fri, 9:30am to 2pm"
    friday_night = datetime(2026, 11, 27, 20, 0, tzinfo=LONDON)
    assert team_hours.when_in_touch(friday_night, text) == "on Monday after 9:30am"


def test_centre_hours_report_a_bad_part_and_keep_the_rest(caplog):
    with caplog.at_level(logging.WARNING, logger="bot.appointments.hours"):
        got = centre_hours.parse_hours("Mon-Fri 9:30-17:00; Sat 10-1")
    assert sorted(got) == [1, 2, 3, 4, 5]
    assert "Sat 10-1" in caplog.text and "left out" in caplog.text


def test_centre_hours_are_a_day_from_first_opening_to_last_closing():
    assert centre_hours.parse_hours("Sat 10:00-13:00 14:00-16:00") == {6: (time(10), time(16))}
    assert centre_hours.parse_hours(None) == {}


def test_team_hours_raise_saying_which_setting():
    with pytest.raises(ValueError, match="ELPIS_TEAM_HOURS not understood: can't read times '9-5'"):
        team_hours.parse_hours("Mon-Fri 9-5")


def test_team_hours_use_every_window_of_a_day():
    text = "Mon-Fri 09:00-12:00 13:00-17:00"
    monday = datetime(2026, 11, 23, tzinfo=LONDON)
    assert team_hours.is_open(monday.replace(hour=11), text)
    assert not team_hours.is_open(monday.replace(hour=12, minute=30), text)
    assert team_hours.when_in_touch(monday.replace(hour=12, minute=30), text) == "today after 1pm"


@pytest.fixture
def new_york(monkeypatch):
    monkeypatch.setenv("ELPIS_TIMEZONE", "America/New_York")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_the_zone_is_the_settings_zone(new_york):
    assert zone() == ZoneInfo("America/New_York")
    assert format_time(datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc)) == "9am"
    hours = Hours(tuple(parse_week("Mon-Fri 09:00-17:00")), closed_on_bank_holidays=False)
    assert opening_status(hours, datetime(2026, 12, 1, 14, 30, tzinfo=timezone.utc)).is_open  # 9:30am there
    assert not opening_status(hours, datetime(2026, 12, 1, 13, 30, tzinfo=timezone.utc)).is_open
    assert team_hours.is_open(datetime(2026, 12, 1, 14, 30, tzinfo=timezone.utc), "Tue 09:00-17:00")
