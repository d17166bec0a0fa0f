"""Reading what she asks for: "next Tuesday afternoon", "Friday at 2", "not mornings".

Pure functions (text and today's date in, a `Preference` out), in London time.
Calendar dates ("14 Dec", "2nd of December", "the 14th", "14/12") are read by
`dateparser`; days of the week, parts of the day and clock times are read here,
because dateparser turns "Friday at 2" into 2 in the morning on the 2nd.

Conventions (British usage, written down so they can be argued with):
- "Tuesday" / "this Tuesday": the coming Tuesday (today if today is Tuesday).
- "next Tuesday": the Tuesday of next week (weeks start on Monday).
- A clock hour without am/pm is read in opening hours: 1-7 is pm, 8-11 am.
- "the 14th" in the past this month means the 14th of next month; "3 Nov"
  when 3 Nov was less than 60 days ago is a date in the past (she is asked again),
  otherwise next year's.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from bot.appointments.time_words import (
    CLOCK_PATTERN,
    DATE_PHRASE,
    WEEKDAY_PATTERN,
    clock_time,
    coming,
    in_english,
    read_date,
    roll_forward,
    take_clock,
    week_start,
    weekday_of,
)
from bot.appointments.wanted_times import Preference
from bot.dates import has_impossible_date

_PART_WORDS = {
    "morning": "morning",
    "mornings": "morning",
    "am": "morning",
    "afternoon": "afternoon",
    "afternoons": "afternoon",
    "arvo": "afternoon",
    "pm": "afternoon",
    "evening": "evening",
    "evenings": "evening",
    "night": "evening",
    "nights": "evening",
}
_PART = r"(?:mornings?|afternoons?|arvo|evenings?|nights?)"
_WEEKEND = r"(?:weekends?)"
_ITEM = rf"(?:{WEEKDAY_PATTERN}|{_PART}|{_WEEKEND})"
_NEG = r"(?:not|no|never|nothing|can'?t(?:\s+(?:do|make|come|go))?|cannot(?:\s+(?:do|make|come|go))?|cant(?:\s+(?:do|make|come|go))?|don'?t\s+(?:want|like)|except|avoid|busy)"
_NEGATED = re.compile(
    rf"\b{_NEG}(?:\s+(?:on|in|the|a|any|at|this|next))*\s+(?P<items>{_ITEM}(?:\s*(?:,|/|or|and|nor|&)\s*(?:on\s+|the\s+)?{_ITEM})*)\b"
)
_NOT_BEFORE = re.compile(rf"\b(?:not|no|nothing)\s+(?:before|earlier than)\s+(?P<t>{CLOCK_PATTERN})")
_NOT_AFTER = re.compile(rf"\b(?:not|no|nothing)\s+(?:after|later than)\s+(?P<t>{CLOCK_PATTERN})")
_BEFORE = re.compile(rf"\b(?:before|by|earlier than|no later than)\s+(?P<t>{CLOCK_PATTERN})")
_AFTER = re.compile(rf"\b(?:after|from|later than|no earlier than)\s+(?P<t>{CLOCK_PATTERN}|work|school)")
_PAST = re.compile(
    r"\b(yesterday|last\s+(?:week|night|month|"
    + WEEKDAY_PATTERN
    + r")|(?:a\s+)?(?:few|couple of|\d+)\s+days\s+ago|ago)\b"
)
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "a couple of": 2, "couple of": 2}


def parse_preference(text: str | None, today: date) -> Preference:
    """Read a request for a day and time. Never raises; unknown words are ignored."""
    t = " " + re.sub(r"\s+", " ", in_english(text or "").lower()).replace("’", "'") + " "
    not_weekdays: set[int] = set()
    not_parts: set[str] = set()
    after = before = None

    # Clock times first and cut out, so "2.30" is never read as a date.
    for pattern, which in ((_NOT_BEFORE, "after"), (_NOT_AFTER, "before"), (_BEFORE, "before"), (_AFTER, "after")):
        m = pattern.search(t)
        if m and (after if which == "after" else before) is None:
            value = clock_time(m["t"])
            if value is not None:
                after, before = (value, before) if which == "after" else (after, value)
                t = t.replace(m[0], " ", 1)
    at, t = take_clock(t)

    if has_impossible_date(t, today.year):
        return Preference(problem="impossible")
    if _PAST.search(t):
        return Preference(problem="past")

    # Exclusions next, and cut out, so "not Thursday" never reads as Thursday.
    for m in list(_NEGATED.finditer(t)):
        for item in re.findall(_ITEM, m["items"]):
            if re.fullmatch(_WEEKEND, item):
                not_weekdays |= {6, 7}
            elif item in _PART_WORDS:
                not_parts.add(_PART_WORDS[item])
            elif (wd := weekday_of(item)) is not None:
                not_weekdays.add(wd)
        t = t.replace(m[0], " ")

    # Dates written out ("14 Dec", "the 14th") go to dateparser.
    days: set[date] = set()
    problem = None
    for m in list(DATE_PHRASE.finditer(t)):
        found = read_date(m[0], today)
        if found is not None:
            found, problem = roll_forward(found, m[0], today)
            if found:
                days.add(found)
        t = t.replace(m[0], " ", 1)
    if problem and not days:
        return Preference(problem=problem)

    parts = {_PART_WORDS[w] for w in re.findall(r"\b(mornings?|afternoons?|arvo|evenings?|nights?)\b", t)}
    if re.search(r"\b(lunch ?time|lunch)\b", t):
        after, before = after or time(12), before or time(14)
    if re.search(r"\bafter work\b", t):
        after = after or time(17)

    # Relative days and weeks.
    start = end = None
    weekdays: set[int] = set()
    if "day after tomorrow" in t:
        days.add(today + timedelta(days=2))
        t = t.replace("day after tomorrow", " ")
    if re.search(r"\b(tomorrow|tmrw|tmr|tomoz|2moro|2morrow)\b", t):
        days.add(today + timedelta(days=1))
    if re.search(r"\b(today|tonight|this afternoon|this evening|this morning)\b", t):
        days.add(today)
    if re.search(r"\bweek after next\b", t):
        start = week_start(today) + timedelta(weeks=2)
        end = start + timedelta(days=6)
    elif re.search(r"\bnext week\b", t):
        start = week_start(today) + timedelta(weeks=1)
        end = start + timedelta(days=6)
    elif re.search(r"\bthis week\b", t):
        start, end = today, week_start(today) + timedelta(days=6)
    m = re.search(r"\bin (a|one|two|three|four|a couple of|couple of|\d) weeks?\b", t)
    if m:
        n = _NUMBER_WORDS.get(m[1]) or int(m[1])
        start = week_start(today + timedelta(weeks=n))
        end = start + timedelta(days=6)
    if re.search(r"\bnext month\b", t):
        first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        start, end = first, date(first.year + (first.month == 12), first.month % 12 + 1, 1) - timedelta(days=1)
    if re.search(r"\bweekends?\b", t):
        weekdays |= {6, 7}
    if re.search(r"\bweekdays?\b", t):
        weekdays |= {1, 2, 3, 4, 5}

    for m in re.finditer(rf"\b(?:(?P<rel>next|this|on|any|every)\s+)?(?P<day>{WEEKDAY_PATTERN})\b", t):
        wd = weekday_of(m["day"])
        if wd is None:
            continue
        plural = m["day"].endswith("s") and m["day"] not in ("tues", "weds", "thurs")
        if plural or m["rel"] in ("any", "every"):
            weekdays.add(wd)
        elif m["rel"] == "next":
            days.add(week_start(today) + timedelta(weeks=1, days=wd - 1))
        else:
            days.add(coming(today, wd))

    earlier = bool(re.search(r"\b(earlier|sooner|bring it forward|asap|as soon as)\b", t))
    later = bool(re.search(r"\b(later|push it back|put it back)\b", t))

    words = tuple(sorted(set(re.findall(r"[a-z']+", (text or "").lower()))))
    return Preference(
        days=frozenset(days),
        start=start,
        end=end,
        weekdays=frozenset(weekdays),
        not_weekdays=frozenset(not_weekdays),
        parts=frozenset(parts),
        not_parts=frozenset(not_parts),
        at=at,
        after=after,
        before=before,
        earlier=earlier,
        later=later,
        words=words,
    )


_ORDINALS = {
    "first": 1,
    "1st": 1,
    "one": 1,
    "second": 2,
    "2nd": 2,
    "two": 2,
    "third": 3,
    "3rd": 3,
    "three": 3,
    "fourth": 4,
    "4th": 4,
    "four": 4,
    "fifth": 5,
    "5th": 5,
    "five": 5,
}
_CHOICE = re.compile(
    r"^(?:(?:i'?ll (?:take|have|go with)|i (?:want|choose|pick)|can i have|give me|let'?s do|go for|pick)\s+)?"
    r"(?:the\s+)?(?:option|number|no\.?|num|#)?\s*(?P<n>\d{1,2}|first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|one|two|three|four|five|last)"
    r"(?:\s+one)?(?:\s+(?:please|pls|plz|thanks|ta))?[\s.!)]*$"
)


def parse_choice(text: str | None, count: int) -> int | None:
    """A pick from a numbered list ("2", "the second one", "option 3"): 0-based index."""
    t = re.sub(r"\s+", " ", (text or "").lower()).strip()
    m = _CHOICE.match(t)
    if not m:
        return None
    n = m["n"]
    index = count if n == "last" else int(n) if n.isdigit() else _ORDINALS[n]
    return index - 1 if 1 <= index <= count else None


_SLOT_PAYLOAD = re.compile(r"^\s*slot\s+(\d{1,10})\s*$", re.I)


def parse_slot_payload(text: str | None) -> int | None:
    """The button payload 'slot 42' (web buttons, and SMS numbered options)."""
    m = _SLOT_PAYLOAD.match(text or "")
    return int(m[1]) if m else None


# Her words from earlier in one booking are kept one per line in the slot `appt_pref`.
PREF_SEPARATOR = "\n"


def narrow(before: Preference, after: Preference) -> Preference:
    """Her next words narrow what she asked before; they never start again.

    "tuesday pls" then "10am" is Tuesday at 10am. A new day replaces the day,
    a new time replaces the time, and what she ruled out stays ruled out
    (unless she now names it).
    """
    if after.problem or before.problem:
        return after
    day = after if after.has_day else before
    has_time = bool(after.at or after.after or after.before or after.parts)
    clock = after if has_time else before
    not_weekdays = (before.not_weekdays | after.not_weekdays) - after.weekdays - {d.isoweekday() for d in after.days}
    not_parts = (before.not_parts | after.not_parts) - after.parts
    return Preference(
        days=day.days,
        start=day.start,
        end=day.end,
        weekdays=day.weekdays,
        not_weekdays=frozenset(not_weekdays),
        not_parts=frozenset(not_parts),
        at=clock.at,
        after=clock.after,
        before=clock.before,
        parts=clock.parts,
        earlier=after.earlier or before.earlier,
        later=after.later or before.later,
        words=tuple(sorted(set(before.words) | set(after.words))),
    )


def parse_narrowed(text: str | None, today: date) -> Preference:
    """`appt_pref` read back: each line narrows the ones before."""
    pref = Preference()
    for line in (text or "").split(PREF_SEPARATOR):
        if line.strip():
            pref = narrow(pref, parse_preference(line, today))
    return pref
