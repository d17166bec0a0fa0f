"""The team's hours: when a person can answer, and what to promise out of hours.

ELPIS_TEAM_HOURS is like "Mon-Fri 09:30-17:00" or "Mon-Thu 09:00-17:00; Fri 09:00-16:00"
(read by bot/hours.py; England and Wales bank holidays are days off). Times are
in the service's zone (settings.timezone).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from bot.dates import weekday_name
from bot.directory.bank_holidays import is_bank_holiday
from bot.hours import HoursError, format_time, parse_week, zone
from bot.wording import say


@lru_cache(maxsize=8)
def parse_hours(text: str) -> dict[int, tuple[tuple[time, time], ...]]:
    """ISO weekday (1 = Monday) -> its (opens, closes) windows; a bad part raises ValueError."""
    try:
        openings = parse_week(text)
    except HoursError as exc:  # say which setting, so whoever set it can find it
        raise ValueError(f"ELPIS_TEAM_HOURS not understood: {exc}") from exc
    hours: dict[int, tuple[tuple[time, time], ...]] = {}
    for o in openings:
        hours[o.weekday] = hours.get(o.weekday, ()) + ((o.opens, o.closes),)
    return hours


def _day_hours(day: date, hours: dict[int, tuple[tuple[time, time], ...]]) -> tuple[tuple[time, time], ...]:
    if is_bank_holiday(day):
        return ()
    return hours.get(day.isoweekday(), ())


def is_open(at: datetime, hours_text: str) -> bool:
    local = at.astimezone(zone())
    return any(opens <= local.time() < closes for opens, closes in _day_hours(local.date(), parse_hours(hours_text)))


def next_opening(at: datetime, hours_text: str) -> datetime | None:
    """The next time the team is in (the service's zone), within two weeks."""
    tz = zone()
    local = at.astimezone(tz)
    hours = parse_hours(hours_text)
    for offset in range(15):
        day = local.date() + timedelta(days=offset)
        for opens, _ in sorted(_day_hours(day, hours)):
            start = datetime.combine(day, opens, tzinfo=tz)
            if start > local:
                return start
    return None


def when_in_touch(at: datetime, hours_text: str) -> str:
    """Plain words for when someone will be in touch: "tomorrow after 9:30am", "on Monday after 9:30am"."""
    opening = next_opening(at, hours_text)
    if opening is None:
        return say("dates.as_soon_as_we_can")
    local_day = at.astimezone(zone()).date()
    if opening.date() == local_day:
        day = say("dates.today")
    elif opening.date() == local_day + timedelta(days=1):
        day = say("dates.tomorrow")
    else:
        day = say("dates.on_day", day=weekday_name(opening.isoweekday()))
    return say("dates.after", day=day, clock=format_time(opening))
