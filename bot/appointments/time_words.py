"""Reading one day or time from her words: clock times ("2", "half 2", "10:30",
"noon"), days of the week, and calendar dates ("14 Dec", "the 14th", "14/12").

Calendar dates go to `dateparser`; the rest is read here, because dateparser
turns "Friday at 2" into 2 in the morning on the 2nd. The conventions (British
usage) are listed in preferences.py, which puts these together into a Preference.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import cache

from dateparser.conf import settings as dateparser_settings
from dateparser.languages import default_loader

from bot.wording.catalogue import DEFAULT_LANGUAGE, current_language
from bot.wording.languages import language

WEEKDAYS = {
    "monday": 1,
    "mon": 1,
    "mondays": 1,
    "tuesday": 2,
    "tue": 2,
    "tues": 2,
    "tuesdays": 2,
    "wednesday": 3,
    "wed": 3,
    "weds": 3,
    "wednesdays": 3,
    "thursday": 4,
    "thu": 4,
    "thur": 4,
    "thurs": 4,
    "thursdays": 4,
    "friday": 5,
    "fri": 5,
    "fridays": 5,
    "saturday": 6,
    "sat": 6,
    "saturdays": 6,
    "sunday": 7,
    "sun": 7,
    "sundays": 7,
}
WEEKDAY_PATTERN = r"(?:mon(?:day)?s?|tue(?:s(?:day)?)?s?|tuesdays?|wed(?:s|nesday)?s?|thu(?:r(?:s(?:day)?)?)?s?|thursdays?|fri(?:day)?s?|sat(?:urday)?s?|sun(?:day)?s?)"
MONTH_PATTERN = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
# A clock time, never the day of a date ("10 Dec", "the 2nd", "14/12").
CLOCK_PATTERN = rf"(?:\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:am|pm|a\.m\.|p\.m\.)?(?![\d/]|[:.]\d|\s*(?:st|nd|rd|th)\b|(?:st|nd|rd|th)\b|\s*(?:of\s+)?{MONTH_PATTERN}\b)|noon|midday)"
_AT = re.compile(
    r"(?P<pre>\bat\s+|\baround\s+|\babout\s+|\b)(?P<half>half\s+(?:past\s+)?)?(?P<h>\d{1,2})(?:(?P<sep>[:.])(?P<m>\d{2}))?"
    r"\s*(?P<ampm>am|pm|a\.m\.|p\.m\.|o'?clock|oclock)?(?![\d/]|\s*(?:st|nd|rd|th)\b|(?:st|nd|rd|th)\b|\s*(?:of\s+)?"
    + MONTH_PATTERN
    + r"\b)"
)
DATE_PHRASE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_PATTERN}|{MONTH_PATTERN}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?|the\s+\d{{1,2}}(?:st|nd|rd|th)|\d{{1,2}}(?:st|nd|rd|th))\b"
)


def clock_time(text: str, *, assume_opening_hours: bool = True) -> time | None:
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


def week_start(d: date) -> date:
    return d - timedelta(days=d.isoweekday() - 1)


def coming(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.isoweekday()) % 7)


def weekday_of(word: str) -> int | None:
    word = word.lower().strip()
    if word in WEEKDAYS:
        return WEEKDAYS[word]
    for key, value in WEEKDAYS.items():
        if len(word) >= 3 and word.startswith(key[:3]) and key.startswith(word[:3]):
            return value
    return None


def read_date(phrase: str, today: date) -> date | None:
    import dateparser  # slow to import: only when a date is written out

    base = datetime(today.year, today.month, today.day, 12, 0)
    # "10.12" is a time to dateparser; as a date it is 10 December.
    phrase = re.sub(r"^(\d{1,2})\.(\d{1,2})(?=$|\.)", r"\1/\2", phrase.strip()).replace(".", "/")
    parsed = dateparser.parse(
        phrase,
        languages=["en"],
        settings={"DATE_ORDER": "DMY", "RELATIVE_BASE": base},
    )
    return parsed.date() if parsed else None


def roll_forward(found: date, phrase: str, today: date) -> tuple[date | None, str | None]:
    """dateparser reads "the 14th" in this month; decide what she meant."""
    has_month = re.search(MONTH_PATTERN, phrase) or re.search(r"\d[/.-]\d", phrase)
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


def take_clock(t: str) -> tuple[time | None, str]:
    """The first clock time she clearly meant ("at 2", "2pm", "10:30", "half 2")."""
    for m in _AT.finditer(t):
        minutes = m["m"]
        explicit = bool(
            m["ampm"] or m["pre"].strip() or m["half"] or (minutes and (m["sep"] == ":" or int(minutes) > 12))
        )
        if not explicit:
            continue
        ampm = (m["ampm"] or "").replace(".", "")
        at = clock_time(m["h"] + (f":{minutes}" if minutes else "") + (ampm if ampm in ("am", "pm") else ""))
        if at and m["half"]:
            at = time(at.hour, 30)
        if at:
            return at, t.replace(m[0], " ", 1)
    return None, t


# "in 1 day" is how dateparser's translation says "tomorrow".
_RELATIVE = ((re.compile(r"\bin 1 day\b"), "tomorrow"), (re.compile(r"\bin 2 day\b"), "in 2 days"))


@cache
def _time_words(code: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """A language's time words as whole-word patterns, longest first, compiled once."""
    ordered = sorted(language(code).time_words.items(), key=lambda kv: -len(kv[0]))
    return tuple((re.compile(rf"(?<!\w){re.escape(native)}(?!\w)"), f" {english} ") for native, english in ordered)


def in_english(text: str) -> str:
    """Her words about days and times, in the English this module reads, when she writes
    in another of our languages: the language's own time words (bot/wording/<code>/_language.yml
    time_words: "rano" -> morning), then dateparser's CLDR-based dictionaries for day and
    month names and digits ("wtorek" -> tuesday, "১০" -> 10). Other words stay as they are."""
    code = current_language()
    if code == DEFAULT_LANGUAGE or not text:
        return text
    t = text.casefold()
    for pattern, english in _time_words(code):
        t = pattern.sub(english, t)
    try:
        t = default_loader.get_locale(code).translate(t, keep_formatting=True, settings=dateparser_settings)
    except Exception:  # noqa: BLE001 - a language dateparser lacks: her own words above still count
        pass
    for pattern, english in _RELATIVE:
        t = pattern.sub(english, t)
    t = re.sub(r"(\d)([^\x00-\x7f]+)", r"\1 o'clock ", t)  # "10টা" (ten o'clock): the number, then the word
    # Languages that put "next" after its noun (Arabic "الأسبوع القادم": "week next").
    t = re.sub(rf"\b(week|{WEEKDAY_PATTERN})\s+next\b", r"next \1", t)
    # ... and "after" / "before" after the time (Urdu "10 بجے کے بعد", Turkish "10'dan sonra").
    t = re.sub(r"\b(\d{1,2}(?:[:.]\d{2})?(?:\s*o'clock)?)\W*(?:\s+\S{1,3})?\s+(after|before)\b", r"\2 \1", t)
    return re.sub(r"\s+", " ", t).strip()
