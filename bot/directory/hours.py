"""Opening hours: open now, opens next, and plain text for them (the service's zone).

Pure functions. Regular openings are per ISO weekday; a closing time at or
before the opening time means the next day (00:00-00:00 is 24 hours, 18:00-
08:00 is a night shelter). Exceptions (holiday schedules) replace the regular
hours on their dates; bank holidays close a service unless it says otherwise.
Reading and writing week text ("Mon-Fri 09:30-17:00"), saying times and the
zone (settings.timezone) are bot/hours.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from bot.dates import weekday_name
from bot.directory.bank_holidays import bank_holiday_name
from bot.hours import Opening, day_groups, format_time, zone
from bot.wording import say

_LOOKAHEAD_DAYS = 8


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


def _at(day: date, moment: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz)


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


def _intervals(hours: Hours, first: date, days: int, tz: tzinfo) -> list[_Interval]:
    out: list[_Interval] = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        for opens, closes in day_intervals(hours, day)[0]:
            end_day = day if closes > opens else day + timedelta(days=1)
            out.append(_Interval(_at(day, opens, tz), _at(end_day, closes, tz), day))
    return sorted(out, key=lambda i: (i.start, i.end))


def opening_status(hours: Hours, at: datetime) -> OpenStatus:
    """Whether the listing is open at `at` (aware), until when, and when it opens next."""
    if at.tzinfo is None:
        raise ValueError("opening_status needs a timezone-aware datetime")
    if not hours.known and not hours.exceptions:
        return OpenStatus("unknown")
    tz = zone()
    today = at.astimezone(tz).date()
    intervals = _intervals(hours, today - timedelta(days=1), _LOOKAHEAD_DAYS + 2, tz)
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
    tz = zone()
    today = at.astimezone(tz).date()
    return any(i.start <= at < i.end for i in _intervals(hours, today - timedelta(days=1), 2, tz))


def is_open_during(hours: Hours, start: datetime, end: datetime) -> bool:
    """Open at any moment in [start, end) (e.g. "open today", "open tonight")."""
    tz = zone()
    local = start.astimezone(tz).date()
    for interval in _intervals(hours, local - timedelta(days=1), (end - start).days + 3, tz):
        if interval.start < end and interval.end > start:
            return True
    return False


# --- Words -------------------------------------------------------------------------


def _days_ahead(moment: datetime, now: datetime) -> int:
    tz = zone()
    return (moment.astimezone(tz).date() - now.astimezone(tz).date()).days


def _day_word(moment: datetime, now: datetime) -> str:
    days = _days_ahead(moment, now)
    if days == 0:
        return say("dates.today")
    if days == 1:
        return say("dates.tomorrow")
    return weekday_name(moment.astimezone(zone()).isoweekday())


def status_text(status: OpenStatus, now: datetime) -> str:
    """'Open now, until 5pm', 'Closed now. Opens Tuesday at 9:30am', ..."""
    if status.state == "always":
        return say("services.hours_always")
    if status.state == "unknown":
        return say("services.hours_unknown")
    if status.state == "open" and status.until is not None:
        if _days_ahead(status.until, now) == 0:
            return say("services.hours_open_until", time=format_time(status.until))
        return say("services.hours_open_until_day", time=format_time(status.until), day=_day_word(status.until, now))
    holiday = status.closed_reason == "bank holiday"
    if status.next_open is None:
        return say("services.hours_closed_holiday_ask" if holiday else "services.hours_closed_ask")
    key = "services.hours_closed_holiday_opens" if holiday else "services.hours_closed_opens"
    return say(key, day=_day_word(status.next_open, now), time=format_time(status.next_open))


def short_status_text(status: OpenStatus, now: datetime) -> str:
    """status_text in a few words, for one line of an SMS list: 'open now till 5pm', 'opens Tuesday 9:30am'."""
    if status.state == "always":
        return say("services.short_always")
    if status.state == "unknown":
        return say("services.short_unknown")
    if status.state == "open" and status.until is not None:
        return say("services.short_open_until", time=format_time(status.until))
    holiday = status.closed_reason == "bank holiday"
    if status.next_open is None:
        return say("services.short_closed_holiday_ask" if holiday else "services.short_closed_ask")
    key = "services.short_closed_holiday_opens" if holiday else "services.short_closed_opens"
    return say(key, day=_day_word(status.next_open, now), time=format_time(status.next_open))


def _joined(key: str, items: list[str]) -> str:
    """'a and b and c' with the catalogue's word for 'and'."""
    text = items[0]
    for item in items[1:]:
        text = say(key, first=text, then=item)
    return text


def week_text(hours: Hours, bank_holidays: bool = True) -> str:
    """'Mon-Fri 9:30am-5pm, Sat 10am-1pm' (days with the same hours grouped).

    With `bank_holidays`, '. Closed on bank holidays' follows when it applies.
    """
    if not hours.known:
        return say("services.hours_unknown")
    by_day: dict[int, tuple[tuple[time, time], ...]] = {}
    for o in sorted(hours.openings, key=lambda o: (o.weekday, o.opens)):
        by_day[o.weekday] = by_day.get(o.weekday, ()) + ((o.opens, o.closes),)
    if len(by_day) == 7 and all(v == ((time(0), time(0)),) for v in by_day.values()):
        return say("services.week_always")
    parts = [
        say(
            "services.week_days_hours",
            days=days,
            hours=_joined(
                "services.week_and",
                [
                    say("services.week_24_hours")
                    if o == c == time(0)
                    else say("services.week_range", opens=format_time(o), closes=format_time(c))
                    for o, c in ranges
                ],
            ),
        )
        for days, ranges in day_groups(by_day)
    ]
    text = ", ".join(parts)
    if bank_holidays and hours.closed_on_bank_holidays:
        text = say("services.week_closed_bank_holidays", week=text)
    return text
