"""The team's hours: when a person can answer, and what to promise out of hours.

ELPIS_TEAM_HOURS is like "Mon-Fri 09:30-17:00" or "Mon-Thu 09:00-17:00; Fri 09:00-16:00"
(England and Wales bank holidays are days off).
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from bot.dates import london
from bot.directory.bank_holidays import is_bank_holiday

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_PART = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", re.I)


@lru_cache(maxsize=8)
def parse_hours(text: str) -> dict[int, tuple[time, time]]:
    """weekday (0 = Monday) -> (opens, closes)."""
    hours: dict[int, tuple[time, time]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _PART.match(part)
        if not match or match.group(1).lower() not in DAYS or (match.group(2) and match.group(2).lower() not in DAYS):
            raise ValueError(f"team hours not understood: {part!r} (expected e.g. 'Mon-Fri 09:30-17:00')")
        first = DAYS.index(match.group(1).lower())
        last = DAYS.index(match.group(2).lower()) if match.group(2) else first
        opens = time(int(match.group(3)), int(match.group(4)))
        closes = time(int(match.group(5)), int(match.group(6)))
        for day in range(first, last + 1):
            hours[day] = (opens, closes)
    return hours


def _day_hours(day: date, hours: dict[int, tuple[time, time]]) -> tuple[time, time] | None:
    if is_bank_holiday(day):
        return None
    return hours.get(day.weekday())


def is_open(at: datetime, hours_text: str) -> bool:
    local = at.astimezone(london())
    window = _day_hours(local.date(), parse_hours(hours_text))
    return window is not None and window[0] <= local.time() < window[1]


def next_opening(at: datetime, hours_text: str) -> datetime | None:
    """The next time the team is in (London time), within two weeks."""
    local = at.astimezone(london())
    hours = parse_hours(hours_text)
    for offset in range(15):
        day = local.date() + timedelta(days=offset)
        window = _day_hours(day, hours)
        if window is None:
            continue
        start = datetime.combine(day, window[0], tzinfo=london())
        if start > local:
            return start
    return None


def when_in_touch(at: datetime, hours_text: str) -> str:
    """Plain words for when someone will be in touch: "tomorrow after 9:30am", "on Monday after 9:30am"."""
    opening = next_opening(at, hours_text)
    if opening is None:
        return "as soon as we can"
    local_day = at.astimezone(london()).date()
    clock = opening.strftime("%I:%M%p").lstrip("0").lower().replace(":00", "")
    if opening.date() == local_day:
        day = "today"
    elif opening.date() == local_day + timedelta(days=1):
        day = "tomorrow"
    else:
        day = "on " + opening.strftime("%A")
    return f"{day} after {clock}"
