"""Two women's whole journeys, as issue #19 measures them: each line is one of her
messages and a few words her reply must hold. Played over REST and over SMS
(tests/integration/test_personas.py, tests/channels/test_sms_personas.py); the
number of lines is the number of messages she had to send.

Her slips are the ones real conversations have: a correction with the new
value, a time narrowed in two steps, "ok 2" on a numbered list, a question in
the middle, a move asked for in her own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.dates import today_london
from tests.support.appointment_data import clear_slots, local, make_slot

SELF_REFERRAL_MAX = 12
CAUTION_MAX = 16


@dataclass(frozen=True)
class Step:
    says: str
    expect: tuple[str, ...] = ()
    # She comes back to the chat later (by text, after the minute her 15-texts
    # rate limit counts: no woman types 16 texts within one minute).
    later: bool = False


def next_weekday(after: date, isoweekday: int) -> date:
    day = after + timedelta(days=1)
    while day.isoweekday() != isoweekday:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class Days:
    """Her meetings' days, counted from today so the journeys hold on any date."""

    tuesday: date  # the Tuesday she asks for ("tuesday pls" reads as the next one)

    @classmethod
    def from_today(cls) -> Days:
        return cls(next_weekday(today_london(), 2))


def make_slots(session, days: Days) -> dict[str, int]:
    """Free times: two on her Tuesday (so a time narrows it), one the day after,
    one the Tuesday after (where she moves to), a Wednesday and a Thursday
    three weeks on (the caution's second meeting; not Tuesdays, so "I can't make
    Tuesday" means one meeting)."""
    clear_slots(session)
    t = days.tuesday
    starts = {
        "tue_10": local(t, 10),
        "tue_14": local(t, 14),
        "wed_11": local(t + timedelta(days=1), 11),
        "later_10": local(t + timedelta(days=22), 10),
        "later_14": local(t + timedelta(days=23), 14),
        "week_after_tue": local(t + timedelta(days=7), 11),
    }
    return {name: make_slot(session, when).id for name, when in starts.items()}


def self_referral(texting: bool) -> list[Step]:
    """She refers herself and books her first meeting."""
    number = [Step("yes", ("safe",)) if texting else Step("07700 900123", ("safe",))]
    return [
        Step("hi i want to refer myself", ("18 or over",)),
        Step("yes", ("call you",)),
        Step("Jo", ("postcode",)),
        Step("SE15 4QF", ("number",)),
        *number,
        Step("texts only, after 6pm", ("help with",)),
        Step("ok 2", ("money", "Shall I send it?")),
        Step("oh wait the number is wrong, its 07700900432", ("07700 900432", "Shall I send it?")),
        Step("yes", ("ELP-", "free times")),
        Step(
            "tuesday pls",
        ),
        Step("10am", ("Shall I book it?", "10am")),
        Step("yes", ("Booked",)),
    ]


def caution(texting: bool, days: Days) -> list[Step]:
    """Cautioned: both meetings booked, a question, then the first moved."""
    number = [Step("yes", ("safe",))] if texting else [Step("07700 900555", ("safe",))]
    return [
        Step("the police gave me a caution and said i have to go to 2 meetings", ("18 or over",)),
        Step("yes", ("call you",)),
        Step("Sam", ("postcode",)),
        Step("SE15 4QF", ("number",)),
        *number,
        Step("texts are fine any time", ("caution date",)),
        Step(f"{said(today_london() - timedelta(days=8))}, ref 01/123456/26", ("help with",)),
        Step("ok 1", ("housing", "Shall I send it?")),
        Step("yes", ("ELP-", "2 meetings")),
        Step("1", ("Shall I book it?",)),
        Step("yes", ("Booked", "second meeting")),
        Step("2", ("Shall I book it?",)),
        Step("yes", ("Booked",)),
        Step("what happens if i miss one of them?", ("police are told", "new time"), later=True),
        Step(f"I cant make tuesday, can i do {said(days.tuesday + timedelta(days=7))} at 11 instead?", ("Move",)),
        Step("yes", ("now",)),
    ]


def said(day: date) -> str:
    return f"{day.day} {day:%B}"
