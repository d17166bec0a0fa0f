"""A centre's opening hours, read from its `opening_hours` text.

Centres store hours as admins type them: "Mon-Fri 9:30-17:00", or several
parts: "Mon-Thu 10:00-16:00; Sat 10:00-13:00". Used to make SAMPLE slots and to
tell her kindly when she asks for a time no centre is open.
"""
from __future__ import annotations

import re
from datetime import time

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_PART = re.compile(
    r"(?P<d1>mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*(?:-\s*(?P<d2>mon|tue|wed|thu|fri|sat|sun)[a-z]*)?\s+"
    r"(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?\s*-\s*(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?",
    re.I,
)

Hours = dict[int, tuple[time, time]]  # ISO weekday (1 Monday) -> (opens, closes)


def parse_hours(text: str | None) -> Hours:
    hours: Hours = {}
    for m in _PART.finditer(text or ""):
        first = DAYS.index(m["d1"].lower())
        last = DAYS.index(m["d2"].lower()) if m["d2"] else first
        opens = time(int(m["h1"]), int(m["m1"] or 0))
        closes = time(int(m["h2"]), int(m["m2"] or 0))
        for i in range(first, last + 1):
            hours[i + 1] = (opens, closes)
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
        return "on weekdays"
    days = sorted(hours)
    names = [DAYS[d - 1].capitalize() for d in days]
    span = names[0] if len(days) == 1 else (
        f"{names[0]}-{names[-1]}" if days == list(range(days[0], days[-1] + 1)) else ", ".join(names)
    )
    opens = min(o for o, _ in hours.values())
    closes = max(c for _, c in hours.values())
    return f"{span}, {_clock(opens)} to {_clock(closes)}"


def _clock(t: time) -> str:
    hour = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{hour}{suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d}{suffix}"
