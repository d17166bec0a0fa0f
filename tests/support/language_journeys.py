"""Her journey in her own language (issue 21): a self-referral and a booked first meeting,
typed as she would, in Polish, Spanish and Arabic. Each step is one of her messages and
the catalogue texts (in her language) her reply must hold, so a reply in English, or in
the wrong words, fails. Played over REST (tests/integration/test_languages_conversation.py)
and SMS (tests/channels/test_sms_languages.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.wording import catalogue as cat


def opening(key: str, code: str) -> str:
    """The start of a catalogue text in `code`, up to its first placeholder or line end."""
    text = cat.template(key, code).text
    return text.split("{")[0].split("\n")[0].strip()[:40].strip()


@dataclass(frozen=True)
class Step:
    says: str
    expect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Words:
    """What she types in her language at each question."""

    code: str
    first: tuple[str, ...]  # her first message(s): the last one starts the referral
    yes: str
    name: str
    texts_only: str  # typed on the web; on SMS she picks a number
    safe_time: str
    myself: str
    tuesday: str
    at_ten: str


POLISH = Words(
    "pl", ("Cześć, potrzebuję pomocy", "chcę wsparcia"), "tak", "Ania", "tylko sms", "po 18", "sama", "wtorek", "o 10"
)
SPANISH = Words(
    "es",
    ("Hola, necesito ayuda, quiero pedir apoyo para mí",),
    "sí",
    "Lucía",
    "solo mensajes",
    "después de las 6",
    "yo misma",
    "martes",
    "a las 10",
)
ARABIC = Words(
    "ar",
    ("مرحبا، أحتاج مساعدة وأريد التسجيل بنفسي", "أريد الدعم"),
    "نعم",
    "سارة",
    "رسائل فقط",
    "بعد الساعة 6 مساءً",
    "بنفسي",
    "الثلاثاء",
    "الساعة 10",
)
JOURNEYS = {w.code: w for w in (POLISH, SPANISH, ARABIC)}


def self_referral(w: Words, texting: bool) -> list[Step]:
    c = w.code
    *before, start = w.first
    steps = [Step(text, (cat.say("language.offer", c),)) for text in before]
    steps.append(Step(start, () if before else (cat.say("language.offer", c),)))
    steps[-1] = Step(start, steps[-1].expect + (opening("utter_ask_consent", c),))
    if texting:
        number = [Step(w.yes, (opening("utter_ask_contact_safety", c),))]  # "Can we use this number?": yes
        contact = Step("2", (opening("utter_ask_safe_times", c),))  # Reply 2 for texts only
        myself = Step("2", (opening("utter_ask_needs", c),))
    else:
        number = [Step("07700 900123", (opening("utter_ask_contact_safety", c),))]
        contact = Step(w.texts_only, (opening("utter_ask_safe_times", c),))
        myself = Step(w.myself, (opening("utter_ask_needs", c),))
    return [
        *steps,
        Step(w.yes, (opening("utter_ask_preferred_name", c),)),
        Step(w.name, (opening("utter_ask_location", c),)),
        Step("SE15 4QF", (opening("referral.phone_offer" if texting else "utter_ask_phone", c),)),
        *number,
        contact,
        Step(w.safe_time, (opening("utter_ask_pathway", c),)),
        myself,
        Step("1", (w.name,)),
        Step(w.yes, ("ELP-",)),
        Step(w.tuesday),
        Step(w.at_ten),
        Step(w.yes, (opening("appointments.booked", c),)),
    ]
