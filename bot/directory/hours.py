"""Opening hours: open now, opens next, and plain text for them (Europe/London).

Pure functions. Regular openings are per ISO weekday; a closing time at or
before the opening time means the next day (00:00-00:00 is 24 hours, 18:00-
08:00 is a night shelter). Exceptions (holiday schedules) replace the regular
hours on their dates; bank holidays close a service unless it says otherwise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.directory.bank_holidays import bank_holiday_name

LONDON = ZoneInfo("Europe/London")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LONG_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LOOKAHEAD_DAYS = 8


@dataclass(frozen=True)
class Opening:
    weekday: int  # ISO 1..7
    opens: time
    closes: time


@dataclass(frozen=True)
class HoursException:
    start: date
    end: date
    closed: bool = True
    opens: time | None = None
    closes: time | None = None
    description: str | None = None


@dataclass(frozen=True)
class Hours:
    openings: tuple[Opening, ...] = ()
    exceptions: tuple[HoursException, ...] = ()
    closed_on_bank_holidays: bool = True

    @property
    def known(self) -> bool:
        return bool(self.openings)


@dataclass(frozen=True)
class OpenStatus:
    state: str  # open | closed | always | unknown
    until: datetime | None = None
    next_open: datetime | None = None
    closed_reason: str | None = None  # why closed today, e.g. "bank holiday"
    next_closes: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state in ("open", "always")


@dataclass(frozen=True)
class _Interval:
    start: datetime
    end: datetime
    day: date = field(compare=False)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LONDON)


def day_intervals(hours: Hours, day: date) -> tuple[list[tuple[time, time]], str | None]:
    """Opening (opens, closes) pairs on a local date, and why it is closed if so."""
    for exc in reversed(hours.exceptions):
        if exc.start <= day <= exc.end:
            if exc.closed or exc.opens is None or exc.closes is None:
                return [], exc.description or "holiday"
            return [(exc.opens, exc.closes)], None
    holiday = bank_holiday_name(day)
    if holiday and hours.closed_on_bank_holidays:
        return [], "bank holiday"
    return [(o.opens, o.closes) for o in hours.openings if o.weekday == day.isoweekday()], None


def _intervals(hours: Hours, first: date, days: int) -> list[_Interval]:
    out: list[_Interval] = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        for opens, closes in day_intervals(hours, day)[0]:
            end_day = day if closes > opens else day + timedelta(days=1)
            out.append(_Interval(_at(day, opens), _at(end_day, closes), day))
    return sorted(out, key=lambda i: (i.start, i.end))


def opening_status(hours: Hours, at: datetime) -> OpenStatus:
    """Whether the listing is open at `at` (aware), until when, and when it opens next."""
    if at.tzinfo is None:
        raise ValueError("opening_status needs a timezone-aware datetime")
    if not hours.known and not hours.exceptions:
        return OpenStatus("unknown")
    local = at.astimezone(LONDON)
    today = local.date()
    intervals = _intervals(hours, today - timedelta(days=1), _LOOKAHEAD_DAYS + 2)
    current = [i for i in intervals if i.start <= at < i.end]
    if current:
        end = max(i.end for i in current)
        # Follow back-to-back openings (00:00-00:00 every day) to the real closing time.
        changed = True
        while changed:
            changed = False
            for i in intervals:
                if i.start <= end < i.end:
                    end, changed = i.end, True
        if end - at > timedelta(days=_LOOKAHEAD_DAYS - 1):
            return OpenStatus("always")
        return OpenStatus("open", until=end)
    upcoming = [i for i in intervals if i.start > at]
    _, reason = day_intervals(hours, today)
    if not upcoming:
        return OpenStatus("closed", closed_reason=reason)
    nxt = upcoming[0]
    return OpenStatus("closed", next_open=nxt.start, next_closes=nxt.end, closed_reason=reason)


def is_open_at(hours: Hours, at: datetime) -> bool:
    """Open at that moment (cheaper than opening_status: two days of intervals)."""
    if at.tzinfo is None:
        raise ValueError("is_open_at needs a timezone-aware datetime")
    today = at.astimezone(LONDON).date()
    return any(i.start <= at < i.end for i in _intervals(hours, today - timedelta(days=1), 2))


def is_open_during(hours: Hours, start: datetime, end: datetime) -> bool:
    """Open at any moment in [start, end) (e.g. "open today", "open tonight")."""
    local = start.astimezone(LONDON).date()
    for interval in _intervals(hours, local - timedelta(days=1), (end - start).days + 3):
        if interval.start < end and interval.end > start:
            return True
    return False


# --- Words -------------------------------------------------------------------------


def format_time(moment: time) -> str:
    """9:30am, 5pm, 12pm, midnight: how times are said in the UK."""
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def _day_word(moment: datetime, now: datetime) -> str:
    days = (moment.astimezone(LONDON).date() - now.astimezone(LONDON).date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return LONG_DAY_NAMES[moment.astimezone(LONDON).weekday()]


def status_text(status: OpenStatus, now: datetime) -> str:
    """'Open now, until 5pm', 'Closed now. Opens Tuesday at 9:30am', ..."""
    if status.state == "always":
        return "Open 24 hours"
    if status.state == "unknown":
        return "Call to check opening times"
    if status.state == "open" and status.until is not None:
        until = status.until.astimezone(LONDON)
        day = "" if _day_word(until, now) == "today" else f" {_day_word(until, now)}"
        return f"Open now, until {format_time(until.time())}{day}"
    why = " (bank holiday)" if status.closed_reason == "bank holiday" else ""
    if status.next_open is None:
        return f"Closed now{why}. Call to check when it opens"
    opens = status.next_open.astimezone(LONDON)
    return f"Closed now{why}. Opens {_day_word(opens, now)} at {format_time(opens.time())}"


def week_text(hours: Hours) -> str:
    """'Mon-Fri 9:30am-5pm, Sat 10am-1pm' (days with the same hours grouped)."""
    if not hours.known:
        return "Call to check opening times"
    by_day: dict[int, tuple[tuple[time, time], ...]] = {}
    for o in sorted(hours.openings, key=lambda o: (o.weekday, o.opens)):
        by_day[o.weekday] = by_day.get(o.weekday, ()) + ((o.opens, o.closes),)
    if len(by_day) == 7 and all(v == ((time(0), time(0)),) for v in by_day.values()):
        return "Open 24 hours, every day"
    parts: list[str] = []
    day = 1
    while day <= 7:
        if day not in by_day:
            day += 1
            continue
        last = day
        while last + 1 in by_day and by_day[last + 1] == by_day[day]:
            last += 1
        days = DAY_NAMES[day - 1] if last == day else f"{DAY_NAMES[day - 1]}-{DAY_NAMES[last - 1]}"
        times = " and ".join(
            "24 hours" if o == c == time(0) else f"{format_time(o)}-{format_time(c)}" for o, c in by_day[day]
        )
        parts.append(f"{days} {times}")
        day = last + 1
    text = ", ".join(parts)
    if hours.closed_on_bank_holidays:
        text += ". Closed on bank holidays"
    return text


# --- Machine text for CSV ("Mon-Fri 09:30-17:00; Sat 10:00-13:00") ------------------

_DAY_INDEX = {name.lower(): i + 1 for i, name in enumerate(DAY_NAMES)}
_DAY_INDEX.update({name.lower(): i + 1 for i, name in enumerate(LONG_DAY_NAMES)})
_RANGE_RE = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")


def _time(hour: str, minute: str) -> time:
    h, m = int(hour), int(minute)
    if h == 24 and m == 0:
        return time(0)
    return time(h, m)


def _days(spec: str) -> list[int]:
    days: list[int] = []
    for part in spec.split(","):
        part = part.strip().lower()
        if not part:
            continue
        if part in ("daily", "every day", "mon-sun"):
            days.extend(range(1, 8))
            continue
        if "-" in part:
            first, last = (p.strip() for p in part.split("-", 1))
            if first not in _DAY_INDEX or last not in _DAY_INDEX:
                raise ValueError(f"unknown days '{part}'")
            a, b = _DAY_INDEX[first], _DAY_INDEX[last]
            days.extend(range(a, b + 1) if a <= b else [*range(a, 8), *range(1, b + 1)])
        elif part in _DAY_INDEX:
            days.append(_DAY_INDEX[part])
        else:
            raise ValueError(f"unknown day '{part}'")
    return days


def parse_week(text: str | None) -> list[Opening]:
    """Openings from 'Mon-Fri 09:30-17:00; Sat 10:00-13:00 14:00-16:00; Sun closed'.

    Raises ValueError with a short reason for an admin to fix.
    """
    openings: list[Opening] = []
    for chunk in re.split(r"[;\n]", text or ""):
        chunk = chunk.strip()
        if not chunk:
            continue
        match = re.match(r"^([A-Za-z ,\-]+?)\s+(closed|\d.*)$", chunk, re.I)
        if match is None:
            raise ValueError(f"can't read hours '{chunk}'")
        days = _days(match.group(1))
        rest = match.group(2)
        if rest.lower() == "closed":
            continue
        ranges = _RANGE_RE.findall(rest)
        if not ranges or _RANGE_RE.sub("", rest).strip(" ,&and"):
            raise ValueError(f"can't read times '{rest}' (use 09:30-17:00)")
        for day in days:
            for h1, m1, h2, m2 in ranges:
                openings.append(Opening(day, _time(h1, m1), _time(h2, m2)))
    return openings


def format_week(openings: list[Opening] | tuple[Opening, ...]) -> str:
    """The CSV form of the openings, one weekday group per part."""
    hours = Hours(tuple(openings), closed_on_bank_holidays=False)
    by_day: dict[int, str] = {}
    for o in sorted(hours.openings, key=lambda o: (o.weekday, o.opens)):
        rng = f"{o.opens:%H:%M}-{o.closes:%H:%M}"
        by_day[o.weekday] = f"{by_day[o.weekday]} {rng}" if o.weekday in by_day else rng
    parts: list[str] = []
    day = 1
    while day <= 7:
        if day not in by_day:
            day += 1
            continue
        last = day
        while last + 1 in by_day and by_day[last + 1] == by_day[day]:
            last += 1
        days = DAY_NAMES[day - 1] if last == day else f"{DAY_NAMES[day - 1]}-{DAY_NAMES[last - 1]}"
        parts.append(f"{days} {by_day[day]}")
        day = last + 1
    return "; ".join(parts)
