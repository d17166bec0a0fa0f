"""Week hours and clock times, in one place: reading "Mon-Fri 09:30-17:00", saying "2pm".

Used by the directory (a service's opening hours), appointments (a centre's
hours) and the staff team's hours (ELPIS_TEAM_HOURS); each keeps only what is
its own (open now, the widest hours, when someone will be in touch).

Week text: parts separated by ";" or new lines, each days then times or
"closed": "Mon-Fri 09:30-17:00; Sat 10:00-13:00 14:00-16:00; Sun closed".
Days are names (Mon, Monday, Tues, Thurs), ranges (Mon-Fri, Fri-Mon wraps),
lists (Mon, Wed) or "daily". Times are H:MM or HH:MM, 24-hour; 24:00 is
midnight, and a closing time at or before the opening time is the next day
(a night shelter's 18:00-08:00). A part that can't be read raises HoursError
saying which part and why: hours are never guessed or quietly dropped.

Weekdays are ISO numbers throughout: 1 is Monday, 7 is Sunday.
Times are in the service's zone, settings.timezone (Europe/London by default).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.dates import london
from bot.wording import say
from bot.wording.languages import language

# The names in week text (read and written back by parse_week and format_week), not her words:
# those are bot.dates.weekday_name.
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LONG_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def zone() -> ZoneInfo:
    """The service's time zone (settings.timezone)."""
    return london()


@dataclass(frozen=True)
class Opening:
    weekday: int  # ISO 1..7
    opens: time
    closes: time


class HoursError(ValueError):
    """Week hours that can't be read; the message says which part and how to write it."""

    def __init__(self, message: str, part: str) -> None:
        super().__init__(message)
        self.part = part


# --- Reading ---------------------------------------------------------------------------

_DAY_WORDS: dict[str, int] = {}
for _i, _name in enumerate(LONG_DAY_NAMES):
    # Mon, Mond.., Monday, Mondays: any start of the name from three letters on.
    for _end in range(3, len(_name) + 1):
        _DAY_WORDS[_name[:_end].lower()] = _i + 1
    _DAY_WORDS[_name.lower() + "s"] = _i + 1
_DAY_WORDS["weds"] = 3
_EVERY_DAY = ("daily", "every day", "mon-sun")
_RANGE_RE = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_GROUP_RE = re.compile(r"^([A-Za-z ,\-]+?)\s+(closed|\d.*)$", re.I)
# Between parts: ";", a new line, or a comma after a time or "closed" that
# starts the next days ("Mon-Fri 09:30-17:00, Sat 10:00-13:00").
_PART_SPLIT = re.compile(r"[;\n]|(?:(?<=\d)|(?<=closed))\s*,\s*(?=[A-Za-z])(?!and\b)", re.I)
_EXAMPLE = "like 'Mon-Fri 09:30-17:00; Sat 10:00-13:00'"


def _clock_time(hour: str, minute: str, part: str) -> time:
    h, m = int(hour), int(minute)
    if h == 24 and m == 0:
        return time(0)
    if h > 23 or m > 59:
        raise HoursError(f"no such time {hour}:{minute} in '{part}'", part)
    return time(h, m)


def _day(word: str, part: str) -> int:
    if word not in _DAY_WORDS:
        raise HoursError(f"unknown day '{word}' in '{part}'", part)
    return _DAY_WORDS[word]


def _days(spec: str, part: str) -> list[int]:
    days: list[int] = []
    for item in spec.split(","):
        item = item.strip().lower()
        if not item:
            continue
        if item in _EVERY_DAY:
            days.extend(range(1, 8))
        elif "-" in item:
            a, b = (_day(p.strip(), part) for p in item.split("-", 1))
            days.extend(range(a, b + 1) if a <= b else [*range(a, 8), *range(1, b + 1)])
        else:
            days.append(_day(item, part))
    return days


def _read_part(part: str) -> list[Opening]:
    match = _GROUP_RE.match(part)
    if match is None:
        raise HoursError(f"can't read hours '{part}' ({_EXAMPLE})", part)
    days = _days(match.group(1), part)
    rest = match.group(2)
    if rest.lower() == "closed":
        return []
    ranges = _RANGE_RE.findall(rest)
    if not ranges or _RANGE_RE.sub("", rest).strip(" ,&and"):
        raise HoursError(f"can't read times '{rest}' (use 09:30-17:00)", part)
    times = [(_clock_time(h1, m1, part), _clock_time(h2, m2, part)) for h1, m1, h2, m2 in ranges]
    return [Opening(day, opens, closes) for day in days for opens, closes in times]


def read_week(text: str | None) -> tuple[list[Opening], list[HoursError]]:
    """The openings of every part that can be read, and an error for each one that can't.

    For hours typed where one slip must not stop the rest working (a centre's
    hours); the caller reports the errors. Everywhere else use parse_week.
    """
    openings: list[Opening] = []
    errors: list[HoursError] = []
    for part in _PART_SPLIT.split(text or ""):
        part = part.strip()
        if not part:
            continue
        try:
            openings.extend(_read_part(part))
        except HoursError as exc:
            errors.append(exc)
    return openings, errors


def parse_week(text: str | None) -> list[Opening]:
    """Openings from week text; raises HoursError (a ValueError) for the first part it can't read."""
    openings, errors = read_week(text)
    if errors:
        raise errors[0]
    return openings


# --- Writing ---------------------------------------------------------------------------

T = TypeVar("T")


def day_groups(by_day: dict[int, T]) -> list[tuple[str, T]]:
    """Runs of weekdays with equal values, named: {1: x, .., 5: x, 6: y} -> [("Mon-Fri", x), ("Sat", y)]."""
    groups: list[tuple[str, T]] = []
    day = 1
    while day <= 7:
        if day not in by_day:
            day += 1
            continue
        last = day
        while last + 1 in by_day and by_day[last + 1] == by_day[day]:
            last += 1
        name = DAY_NAMES[day - 1] if last == day else f"{DAY_NAMES[day - 1]}-{DAY_NAMES[last - 1]}"
        groups.append((name, by_day[day]))
        day = last + 1
    return groups


def format_week(openings: Iterable[Opening]) -> str:
    """Week text for the openings (parse_week reads it back): 'Mon-Fri 09:30-17:00; Sat 10:00-13:00'."""
    by_day: dict[int, str] = {}
    for o in sorted(openings, key=lambda o: (o.weekday, o.opens)):
        rng = f"{o.opens:%H:%M}-{o.closes:%H:%M}"
        by_day[o.weekday] = f"{by_day[o.weekday]} {rng}" if o.weekday in by_day else rng
    return "; ".join(f"{days} {times}" for days, times in day_groups(by_day))


def format_time(moment: time | datetime, *, noon: str | None = None) -> str:
    """9:30am, 5pm, 12pm, midnight: how times are said in the UK (the words: dates.clock_*).

    A datetime is said in the service's zone. `noon` is how 12:00 is said
    (dates.noon, "12pm"; appointment texts say dates.noon_appointment, "12 noon").
    """
    if isinstance(moment, datetime):
        moment = moment.astimezone(zone()).time() if moment.tzinfo else moment.time()
    if language().clock == "24h":  # her language writes "14:00"
        return say("dates.clock_24", hour=moment.hour, minutes=f"{moment.minute:02d}")
    if moment.hour == 0 and moment.minute == 0:
        return say("dates.midnight")
    if moment.hour == 12 and moment.minute == 0:
        return say("dates.noon") if noon is None else noon
    hour = moment.hour % 12 or 12
    if moment.minute == 0:
        return say("dates.clock_am" if moment.hour < 12 else "dates.clock_pm", hour=hour)
    key = "dates.clock_minutes_am" if moment.hour < 12 else "dates.clock_minutes_pm"
    return say(key, hour=hour, minutes=f"{moment.minute:02d}")
