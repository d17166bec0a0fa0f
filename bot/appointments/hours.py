"""A centre's opening hours, read from its `opening_hours` text.

Centres store hours as admins type them: "Mon-Fri 9:30-17:00", or several
parts: "Mon-Thu 10:00-16:00; Sat 10:00-13:00" (read by bot/hours.py, the one
reader of week hours). Used to make SAMPLE slots and to tell her kindly when
she asks for a time no centre is open.
"""

from __future__ import annotations

import logging
from datetime import time

from bot.dates import weekday_name
from bot.hours import format_time, read_week
from bot.wording import say

logger = logging.getLogger(__name__)

Hours = dict[int, tuple[time, time]]  # ISO weekday (1 Monday) -> (opens, closes)


def parse_hours(text: str | None) -> Hours:
    """Each open weekday's first opening and last closing time.

    A part that can't be read is logged as a warning naming it and left out:
    these are typed by staff, and one slip must not stop her booking.
    """
    openings, errors = read_week(text)
    for error in errors:
        logger.warning("centre opening hours %r: %s; that part is left out", text, error)
    hours: Hours = {}
    for o in openings:
        if o.weekday in hours:
            opens, closes = hours[o.weekday]
            hours[o.weekday] = (min(opens, o.opens), max(closes, o.closes))
        else:
            hours[o.weekday] = (o.opens, o.closes)
    return hours


def union(all_hours: list[Hours]) -> Hours:
    """Earliest opening and latest closing per weekday across centres."""
    out: Hours = {}
    for hours in all_hours:
        for weekday, (opens, closes) in hours.items():
            if weekday in out:
                opens, closes = min(opens, out[weekday][0]), max(closes, out[weekday][1])
            out[weekday] = (opens, closes)
    return out


def describe(hours: Hours) -> str:
    """'Mon-Fri, 9:30am to 5pm' (the widest hours, for a short SMS)."""
    if not hours:
        return say("appointments.centre_hours_unknown")
    days = sorted(hours)
    names = [weekday_name(d, short=True) for d in days]
    span = (
        names[0]
        if len(days) == 1
        else (f"{names[0]}-{names[-1]}" if days == list(range(days[0], days[-1] + 1)) else ", ".join(names))
    )
    opens = min(o for o, _ in hours.values())
    closes = max(c for _, c in hours.values())
    return say("appointments.centre_hours", days=span, opens=format_time(opens), closes=format_time(closes))
