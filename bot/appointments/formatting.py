"""Dates and times as she reads them: "Tue 24 Nov, 2pm", always London time.

The words are in the catalogue (bot/wording/en/dates.yml); this is the one place
that puts a day and a time together for appointments and reminders.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.dates import london, short_month_name, weekday_name
from bot.hours import format_time
from bot.wording import say


def local(at: datetime) -> datetime:
    return at.astimezone(london())


def clock(at: datetime) -> str:
    """2pm, 10:30am, 12 noon."""
    return format_time(local(at), noon=say("dates.noon_appointment"))


def day(value: date | datetime) -> str:
    """Tue 24 Nov."""
    d = local(value).date() if isinstance(value, datetime) else value
    return say(
        "dates.day", weekday=weekday_name(d.isoweekday(), short=True), day=d.day, month=short_month_name(d.month)
    )


def when(at: datetime) -> str:
    """Tue 24 Nov, 2pm."""
    return say("dates.when", day=day(at), clock=clock(at))


def on_day(at: datetime, now: datetime) -> str:
    """Which day `at` is, said on the day of `now`: today, tomorrow, on Tue 24 Nov."""
    days = (local(at).date() - local(now).date()).days
    if days == 0:
        return say("dates.today")
    if days == 1:
        return say("dates.tomorrow")
    return say("dates.on_day", day=day(at))
