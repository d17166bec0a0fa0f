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
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from bot.dates import has_impossible_date

WEEKDAYS = {
    "monday": 1, "mon": 1, "mondays": 1,
    "tuesday": 2, "tue": 2, "tues": 2, "tuesdays": 2,
    "wednesday": 3, "wed": 3, "weds": 3, "wednesdays": 3,
    "thursday": 4, "thu": 4, "thur": 4, "thurs": 4, "thursdays": 4,
    "friday": 5, "fri": 5, "fridays": 5,
    "saturday": 6, "sat": 6, "saturdays": 6,
    "sunday": 7, "sun": 7, "sundays": 7,
}
_WEEKDAY = r"(?:mon(?:day)?s?|tue(?:s(?:day)?)?s?|tuesdays?|wed(?:s|nesday)?s?|thu(?:r(?:s(?:day)?)?)?s?|thursdays?|fri(?:day)?s?|sat(?:urday)?s?|sun(?:day)?s?)"
PARTS = {"morning": (time(0), time(12)), "afternoon": (time(12), time(17)), "evening": (time(17), time(23, 59))}
_PART_WORDS = {
    "morning": "morning", "mornings": "morning", "am": "morning",
    "afternoon": "afternoon", "afternoons": "afternoon", "arvo": "afternoon", "pm": "afternoon",
    "evening": "evening", "evenings": "evening", "night": "evening", "nights": "evening",
}
_PART = r"(?:mornings?|afternoons?|arvo|evenings?|nights?)"
_WEEKEND = r"(?:weekends?)"
_ITEM = rf"(?:{_WEEKDAY}|{_PART}|{_WEEKEND})"
_NEG = r"(?:not|no|never|nothing|can'?t(?:\s+(?:do|make|come|go))?|cannot(?:\s+(?:do|make|come|go))?|cant(?:\s+(?:do|make|come|go))?|don'?t\s+(?:want|like)|except|avoid|busy)"
_NEGATED = re.compile(
    rf"\b{_NEG}(?:\s+(?:on|in|the|a|any|at|this|next))*\s+(?P<items>{_ITEM}(?:\s*(?:,|/|or|and|nor|&)\s*(?:on\s+|the\s+)?{_ITEM})*)\b"
)
_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
# A clock time, never the day of a date ("10 Dec", "the 2nd", "14/12").
_T = rf"(?:\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:am|pm|a\.m\.|p\.m\.)?(?![\d/]|[:.]\d|\s*(?:st|nd|rd|th)\b|(?:st|nd|rd|th)\b|\s*(?:of\s+)?{_MONTHS}\b)|noon|midday)"
_NOT_BEFORE = re.compile(rf"\b(?:not|no|nothing)\s+(?:before|earlier than)\s+(?P<t>{_T})")
_NOT_AFTER = re.compile(rf"\b(?:not|no|nothing)\s+(?:after|later than)\s+(?P<t>{_T})")
_BEFORE = re.compile(rf"\b(?:before|by|earlier than|no later than)\s+(?P<t>{_T})")
_AFTER = re.compile(rf"\b(?:after|from|later than|no earlier than)\s+(?P<t>{_T}|work|school)")
_AT = re.compile(
    r"(?P<pre>\bat\s+|\baround\s+|\babout\s+|\b)(?P<half>half\s+(?:past\s+)?)?(?P<h>\d{1,2})(?:(?P<sep>[:.])(?P<m>\d{2}))?"
    r"\s*(?P<ampm>am|pm|a\.m\.|p\.m\.|o'?clock|oclock)?(?![\d/]|\s*(?:st|nd|rd|th)\b|(?:st|nd|rd|th)\b|\s*(?:of\s+)?" + _MONTHS + r"\b)"
)
_DATE_PHRASE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?|the\s+\d{{1,2}}(?:st|nd|rd|th)|\d{{1,2}}(?:st|nd|rd|th))\b"
)
_PAST = re.compile(
    r"\b(yesterday|last\s+(?:week|night|month|" + _WEEKDAY + r")|(?:a\s+)?(?:few|couple of|\d+)\s+days\s+ago|ago)\b"
)
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "a couple of": 2, "couple of": 2}


@dataclass(frozen=True)
class Preference:
    """What she asked for. Empty fields mean "any"."""

    days: frozenset[date] = frozenset()
    start: date | None = None
    end: date | None = None
    weekdays: frozenset[int] = frozenset()
    not_weekdays: frozenset[int] = frozenset()
    parts: frozenset[str] = frozenset()
    not_parts: frozenset[str] = frozenset()
    at: time | None = None
    after: time | None = None
    before: time | None = None
    # Relative to the appointment being moved.
    earlier: bool = False
    later: bool = False
    # "impossible" (31 February), "past" (yesterday) or None.
    problem: str | None = None
    words: tuple[str, ...] = field(default=(), compare=False)

    @property
    def understood(self) -> bool:
        return bool(
            self.days or self.start or self.end or self.weekdays or self.not_weekdays or self.parts
            or self.not_parts or self.at or self.after or self.before or self.earlier or self.later
            or self.problem
        )

    @property
    def has_day(self) -> bool:
        return bool(self.days or self.start or self.end or self.weekdays)

    def without_time(self) -> "Preference":
        return replace(self, at=None, after=None, before=None, parts=frozenset())

    def without_day(self) -> "Preference":
        return replace(self, days=frozenset(), start=None, end=None, weekdays=frozenset())

    def only_exclusions(self) -> "Preference":
        return Preference(not_weekdays=self.not_weekdays, not_parts=self.not_parts)

    def matches(self, local_start: datetime, *, time_slack_min: int = 0) -> bool:
        d, t = local_start.date(), local_start.time()
        if self.days and d not in self.days:
            return False
        if self.start and d < self.start:
            return False
        if self.end and d > self.end:
            return False
        weekday = d.isoweekday()
        if self.weekdays and weekday not in self.weekdays:
            return False
        if weekday in self.not_weekdays:
            return False
        part = part_of_day(t)
        if self.parts and part not in self.parts:
            return False
        if part in self.not_parts:
            return False
        if self.after and t < self.after:
            return False
        if self.before and t >= self.before:
            return False
        if self.at is not None:
            wanted = self.at.hour * 60 + self.at.minute
            if abs(t.hour * 60 + t.minute - wanted) > time_slack_min:
                return False
        return True

    def distance(self, local_start: datetime) -> int:
        """Minutes from the time she asked for (0 when she named none)."""
        if self.at is None:
            return 0
        t = local_start.time()
        return abs(t.hour * 60 + t.minute - (self.at.hour * 60 + self.at.minute))


def part_of_day(t: time) -> str:
    for name, (start, end) in PARTS.items():
        if start <= t < end:
            return name
    return "evening"


def _clock(text: str, *, assume_opening_hours: bool = True) -> time | None:
    text = text.strip().lower().replace(" ", "")
    if text in ("noon", "midday"):
        return time(12)
    if text in ("work", "school"):
        return time(15) if text == "school" else time(17)
    m = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm|a\.m\.|p\.m\.)?", text)
    if not m:
        return None
    hour, minute, ampm = int(m[1]), int(m[2] or 0), (m[3] or "").replace(".", "")
    if minute > 59 or hour > 23:
        return None
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif not ampm and assume_opening_hours and 1 <= hour <= 7:
        hour += 12
    return time(hour, minute)


def _week_start(d: date) -> date:
    return d - timedelta(days=d.isoweekday() - 1)


def _coming(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.isoweekday()) % 7)


def _weekday_of(word: str) -> int | None:
    word = word.lower().strip()
    if word in WEEKDAYS:
        return WEEKDAYS[word]
    for key, value in WEEKDAYS.items():
        if len(word) >= 3 and word.startswith(key[:3]) and key.startswith(word[:3]):
            return value
    return None


def _dateparse(phrase: str, today: date) -> date | None:
    import dateparser  # slow to import: only when a date is written out

    base = datetime(today.year, today.month, today.day, 12, 0)
    # "10.12" is a time to dateparser; as a date it is 10 December.
    phrase = re.sub(r"^(\d{1,2})\.(\d{1,2})(?=$|\.)", r"\1/\2", phrase.strip()).replace(".", "/")
    parsed = dateparser.parse(
        phrase, languages=["en"], settings={"DATE_ORDER": "DMY", "RELATIVE_BASE": base},
    )
    return parsed.date() if parsed else None


def _roll_forward(found: date, phrase: str, today: date) -> tuple[date | None, str | None]:
    """dateparser reads "the 14th" in this month; decide what she meant."""
    has_month = re.search(_MONTHS, phrase) or re.search(r"\d[/.-]\d", phrase)
    has_year = re.search(r"\d{4}|\d[/.-]\d{1,2}[/.-]\d{2}$", phrase)
    if not has_year and found.year != today.year:
        try:
            found = found.replace(year=today.year)
        except ValueError:
            return None, "impossible"
    if found >= today:
        return found, None
    if has_year:
        return None, "past"
    if not has_month:  # "the 14th": next month's
        month = today.month % 12 + 1
        year = today.year + (1 if month == 1 else 0)
        try:
            return date(year, month, found.day), None
        except ValueError:
            return None, "impossible"
    if (today - found).days <= 60:
        return None, "past"
    try:
        return found.replace(year=found.year + 1), None
    except ValueError:
        return None, "impossible"


def _take_clock(t: str) -> tuple[time | None, str]:
    """The first clock time she clearly meant ("at 2", "2pm", "10:30", "half 2")."""
    for m in _AT.finditer(t):
        minutes = m["m"]
        explicit = bool(
            m["ampm"] or m["pre"].strip() or m["half"]
            or (minutes and (m["sep"] == ":" or int(minutes) > 12))
        )
        if not explicit:
            continue
        ampm = (m["ampm"] or "").replace(".", "")
        at = _clock(m["h"] + (f":{minutes}" if minutes else "") + (ampm if ampm in ("am", "pm") else ""))
        if at and m["half"]:
            at = time(at.hour, 30)
        if at:
            return at, t.replace(m[0], " ", 1)
    return None, t


def parse_preference(text: str | None, today: date) -> Preference:
    """Read a request for a day and time. Never raises; unknown words are ignored."""
    t = " " + re.sub(r"\s+", " ", (text or "").lower()).replace("’", "'") + " "
    not_weekdays: set[int] = set()
    not_parts: set[str] = set()
    after = before = None

    # Clock times first and cut out, so "2.30" is never read as a date.
    for pattern, which in ((_NOT_BEFORE, "after"), (_NOT_AFTER, "before"), (_BEFORE, "before"), (_AFTER, "after")):
        m = pattern.search(t)
        if m and (after if which == "after" else before) is None:
            value = _clock(m["t"])
            if value is not None:
                after, before = (value, before) if which == "after" else (after, value)
                t = t.replace(m[0], " ", 1)
    at, t = _take_clock(t)

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
            elif (wd := _weekday_of(item)) is not None:
                not_weekdays.add(wd)
        t = t.replace(m[0], " ")

    # Dates written out ("14 Dec", "the 14th") go to dateparser.
    days: set[date] = set()
    problem = None
    for m in list(_DATE_PHRASE.finditer(t)):
        found = _dateparse(m[0], today)
        if found is not None:
            found, problem = _roll_forward(found, m[0], today)
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
        start = _week_start(today) + timedelta(weeks=2)
        end = start + timedelta(days=6)
    elif re.search(r"\bnext week\b", t):
        start = _week_start(today) + timedelta(weeks=1)
        end = start + timedelta(days=6)
    elif re.search(r"\bthis week\b", t):
        start, end = today, _week_start(today) + timedelta(days=6)
    m = re.search(r"\bin (a|one|two|three|four|a couple of|couple of|\d) weeks?\b", t)
    if m:
        n = _NUMBER_WORDS.get(m[1]) or int(m[1])
        start = _week_start(today + timedelta(weeks=n))
        end = start + timedelta(days=6)
    if re.search(r"\bnext month\b", t):
        first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        start, end = first, date(first.year + (first.month == 12), first.month % 12 + 1, 1) - timedelta(days=1)
    if re.search(r"\bweekends?\b", t):
        weekdays |= {6, 7}
    if re.search(r"\bweekdays?\b", t):
        weekdays |= {1, 2, 3, 4, 5}

    for m in re.finditer(rf"\b(?:(?P<rel>next|this|on|any|every)\s+)?(?P<day>{_WEEKDAY})\b", t):
        wd = _weekday_of(m["day"])
        if wd is None:
            continue
        plural = m["day"].endswith("s") and m["day"] not in ("tues", "weds", "thurs")
        if plural or m["rel"] in ("any", "every"):
            weekdays.add(wd)
        elif m["rel"] == "next":
            days.add(_week_start(today) + timedelta(weeks=1, days=wd - 1))
        else:
            days.add(_coming(today, wd))

    earlier = bool(re.search(r"\b(earlier|sooner|bring it forward|asap|as soon as)\b", t))
    later = bool(re.search(r"\b(later|push it back|put it back)\b", t))

    words = tuple(sorted(set(re.findall(r"[a-z']+", (text or "").lower()))))
    return Preference(
        days=frozenset(days), start=start, end=end, weekdays=frozenset(weekdays),
        not_weekdays=frozenset(not_weekdays), parts=frozenset(parts), not_parts=frozenset(not_parts),
        at=at, after=after, before=before, earlier=earlier, later=later, words=words,
    )


_ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3, "three": 3,
    "fourth": 4, "4th": 4, "four": 4, "fifth": 5, "5th": 5, "five": 5,
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
        days=day.days, start=day.start, end=day.end, weekdays=day.weekdays,
        not_weekdays=frozenset(not_weekdays), not_parts=frozenset(not_parts),
        at=clock.at, after=clock.after, before=clock.before, parts=clock.parts,
        earlier=after.earlier or before.earlier, later=after.later or before.later,
        words=tuple(sorted(set(before.words) | set(after.words))),
    )


def parse_narrowed(text: str | None, today: date) -> Preference:
    """`appt_pref` read back: each line narrows the ones before."""
    pref = Preference()
    for line in (text or "").split(PREF_SEPARATOR):
        if line.strip():
            pref = narrow(pref, parse_preference(line, today))
    return pref
