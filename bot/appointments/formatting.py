"""Dates and times as she reads them: "Tue 24 Nov, 2pm", always London time."""

from __future__ import annotations

from datetime import date, datetime

from bot.dates import london
from bot.hours import format_time


def local(at: datetime) -> datetime:
    return at.astimezone(london())


def clock(at: datetime) -> str:
    """2pm, 10:30am, 12 noon."""
    return format_time(local(at), noon="12 noon")


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
