"""Dates and times as she reads them: "Tue 24 Nov, 2pm", always London time."""
from __future__ import annotations

from datetime import date, datetime

from bot.dates import london


def local(at: datetime) -> datetime:
    return at.astimezone(london())


def clock(at: datetime) -> str:
    """2pm, 10:30am, 12 noon."""
    t = local(at)
    if t.hour == 12 and t.minute == 0:
        return "12 noon"
    hour = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{hour}{suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d}{suffix}"


def day(value: date | datetime) -> str:
    """Tue 24 Nov."""
    d = local(value).date() if isinstance(value, datetime) else value
    return f"{d:%a} {d.day} {d:%b}"


def long_day(value: date | datetime) -> str:
    """Tuesday 24 November."""
    d = local(value).date() if isinstance(value, datetime) else value
    return f"{d:%A} {d.day} {d:%B}"


def when(at: datetime) -> str:
    """Tue 24 Nov, 2pm."""
    return f"{day(at)}, {clock(at)}"
