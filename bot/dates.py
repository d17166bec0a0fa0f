"""Dates and times in the service's zone (Europe/London, across clock changes)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from bot.settings import get_settings
from bot.wording import say

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\b", re.I)
_MONTH_DAY = re.compile(r"\b([a-z]{3,9})\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")


# The words for days and months are in the catalogue (bot/wording/en/dates.yml), by ISO number.
_WEEKDAYS = (
    "dates.monday",
    "dates.tuesday",
    "dates.wednesday",
    "dates.thursday",
    "dates.friday",
    "dates.saturday",
    "dates.sunday",
)
_SHORT_WEEKDAYS = (
    "dates.short_monday",
    "dates.short_tuesday",
    "dates.short_wednesday",
    "dates.short_thursday",
    "dates.short_friday",
    "dates.short_saturday",
    "dates.short_sunday",
)
_LONG_MONTHS = (
    "dates.january",
    "dates.february",
    "dates.march",
    "dates.april",
    "dates.may",
    "dates.june",
    "dates.july",
    "dates.august",
    "dates.september",
    "dates.october",
    "dates.november",
    "dates.december",
)
_SHORT_MONTHS = (
    "dates.short_january",
    "dates.short_february",
    "dates.short_march",
    "dates.short_april",
    "dates.short_may",
    "dates.short_june",
    "dates.short_july",
    "dates.short_august",
    "dates.short_september",
    "dates.short_october",
    "dates.short_november",
    "dates.short_december",
)


def weekday_name(iso_weekday: int, *, short: bool = False) -> str:
    """Monday (or Mon) for 1, as she reads it."""
    return say((_SHORT_WEEKDAYS if short else _WEEKDAYS)[iso_weekday - 1])


def month_name(month: int) -> str:
    """January for 1, as she reads it."""
    return say(_LONG_MONTHS[month - 1])


def short_month_name(month: int) -> str:
    """Jan for 1, as she reads it."""
    return say(_SHORT_MONTHS[month - 1])


def london() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def today_london() -> date:
    return now_utc().astimezone(london()).date()


def has_impossible_date(text: str, year: int | None = None) -> bool:
    """True for "31 February", "30/02", "April 31st": dates no calendar has.

    Date parsers quietly "fix" these into another day; we'd rather ask again.
    """
    year = year or 2024  # a leap year, so 29 February is allowed without a year
    pairs: list[tuple[int, int]] = []
    for day, month in _DAY_MONTH.findall(text):
        if month.lower() in _MONTHS:
            pairs.append((int(day), _MONTHS[month.lower()]))
    for month, day in _MONTH_DAY.findall(text):
        if month.lower() in _MONTHS:
            pairs.append((int(day), _MONTHS[month.lower()]))
    for day, month, yr in _NUMERIC.findall(text):
        y = int(yr) if yr else year
        if yr and y < 100:
            y += 2000
        if 1 <= int(month) <= 12:
            pairs.append((int(day), int(month)))
            if int(day) > calendar.monthrange(y, int(month))[1] or int(day) < 1:
                return True
        else:
            return True
    return any(d < 1 or d > calendar.monthrange(year, m)[1] for d, m in pairs)
