"""Her own language: each catalogue's facts (bot/wording/<code>/_language.yml), the
texts' SMS lengths, reply words, and reading which language she writes in."""

from __future__ import annotations

import re
import unicodedata

import pytest

from bot.conversation.language import detect, requested
from bot.messaging.sms_rules import HELP_WORDS, OPT_IN_WORDS, OPT_OUT_WORDS, segments
from bot.wording import catalogue as cat
from bot.wording.languages import REPLY_WORD_KINDS, all_languages, fold, language

OTHERS = [code for code in cat.languages() if code != "en"]
CARRIER_WORDS = OPT_OUT_WORDS | OPT_IN_WORDS | HELP_WORDS


def test_the_eight_languages_are_offered():
    assert set(cat.languages()) >= {"en", "pl", "ro", "bn", "pt", "es", "tr", "ar", "ur"}


@pytest.mark.parametrize("code", cat.languages())
def test_each_language_knows_itself(code):
    lang = language(code)
    assert lang.code == code and lang.name and lang.english_name
    assert lang.direction in ("ltr", "rtl") and lang.clock in ("12h", "24h")
    assert lang.names, "she must be able to ask for it by name"
    assert lang.written_by and lang.checked_by, "written by one annotator, checked by another"
    assert lang.written_by != lang.checked_by or code == "en"


@pytest.mark.parametrize("code", cat.languages())
def test_every_entry_says_who_wrote_and_who_checked_it(code):
    for key, t in cat.catalogue(code).items():
        assert t.written_by and t.checked_by, (code, key)


@pytest.mark.parametrize("code", cat.languages())
def test_reply_words_are_plain_and_never_a_carrier_word(code):
    for kind in REPLY_WORD_KINDS:
        words = language(code).reply_words[kind]
        assert words, (code, kind)
        assert len(words[0].split()) == 1, (code, kind, "the word our texts show is one word")
        for word in words:
            assert fold(word).upper() not in CARRIER_WORDS and word not in CARRIER_WORDS, (code, kind, word)
            assert all(ch.isalnum() or ch == " " or unicodedata.category(ch).startswith("M") for ch in word), (
                code,
                kind,
                word,
            )


def test_no_reply_word_means_two_things():
    seen: dict[str, str] = {}
    for lang in all_languages():
        for kind in REPLY_WORD_KINDS:
            for word in lang.reply_words[kind]:
                assert seen.setdefault(fold(word), kind) == kind, (lang.code, word)


@pytest.mark.parametrize("code", OTHERS)
def test_texts_show_her_languages_reply_words(code):
    """Where English tells her to text YES / CHANGE / DELETE / MORE, hers shows its own word."""
    english, theirs = cat.catalogue("en"), cat.catalogue(code)
    for kind, word in (("confirm", "YES"), ("change", "CHANGE"), ("delete", "DELETE"), ("more", "MORE")):
        shown = language(code).reply_word(kind)
        for key, t in english.items():
            if re.search(rf"\b{word}\b", t.text) and not key.startswith("alerts."):
                assert shown in theirs[key].text, (code, key, shown)


def _sample(t: cat.Template) -> str:
    values = {p: "x" * 12 for p in t.placeholders}
    values.update(
        {k: v for k, v in {"name": "Maria", "phone": "020 7946 0000", "postcode": "SE15 4QA"}.items() if k in values}
    )
    return t.fill(**values)


@pytest.mark.parametrize("code", cat.languages())
def test_reminders_fit_the_sms_budget_in_every_language(code):
    """A reminder with a long address stays within the three-segment budget (UCS-2 for most scripts)."""
    for key, t in cat.catalogue(code).items():
        if key.startswith("reminders.") and t.discreet:
            text = _sample(t)
            assert segments(text) <= 3, (code, key, segments(text))


@pytest.mark.parametrize("code", cat.languages())
def test_the_crisis_reply_has_the_numbers_in_every_language(code):
    text = cat.say("utter_crisis", code)
    for number in ("999", "55", "0808 2000 247"):
        assert number in text, (code, number)


@pytest.mark.parametrize(
    "text, code",
    [
        ("Cześć, potrzebuję pomocy z mieszkaniem", "pl"),
        ("Bună ziua, am nevoie de ajutor cu chiria", "ro"),
        ("Hola, necesito ayuda con la vivienda", "es"),
        ("oi, preciso de ajuda, não sei o que fazer", "pt"),
        ("Merhaba, ev konusunda yardıma ihtiyacım var", "tr"),
        ("مرحبا، أحتاج مساعدة في السكن", "ar"),
        ("مجھے گھر کے لیے مدد چاہیے", "ur"),
        ("আমার থাকার জায়গা নিয়ে সাহায্য দরকার", "bn"),
        ("I need some help with my housing please", None),
        ("my laptop died", None),
        ("ok 2", None),
        ("tak", None),
        ("SE15 4QA", None),
        ("Ciao, ho bisogno di aiuto con la casa", None),  # Italian: not offered, not forced into ours
    ],
)
def test_a_message_clearly_in_one_of_our_languages_is_read_as_it(text, code):
    assert detect(text) == (code or None) or (code is None and detect(text) in (None, "en"))


@pytest.mark.parametrize(
    "text, code",
    [
        ("English please", "en"),
        ("english", "en"),
        ("po polsku", "pl"),
        ("po polsku proszę", "pl"),
        ("Polski", "pl"),
        ("en español por favor", "es"),
        ("can we talk in Romanian", "ro"),
        ("Türkçe lütfen", "tr"),
        ("I need help with English classes", None),
        ("my name is Polly", None),
        ("I speak Polish and I need help with housing", None),
    ],
)
def test_she_can_ask_for_a_language_by_name(text, code):
    assert requested(text) == code


def test_all_languages_are_read_once():
    assert all_languages() == all_languages()
    assert language("xx").code == "en"


# --- Texts that reach her phone, in her language -------------------------------------

REMINDER_CASES = [
    (kind, safe, sent)
    for kind in ("MANDATORY_1", "ASSESSMENT")
    for safe in (None, True)
    for sent in ((24, 14), (25, 12))
]


@pytest.mark.parametrize("code", cat.languages())
def test_a_reminder_in_her_language_is_discreet_fits_and_shows_her_reply_words(code):
    from datetime import datetime

    from bot.appointments import reminders
    from bot.db.models.appointments import AppointmentKind
    from bot.wording.discreet import is_discreet
    from tests.unit.test_appointment_wording import LONDON, appointment

    for kind, safe, (day, hour) in REMINDER_CASES:
        appt, woman = appointment(getattr(AppointmentKind, kind), safe=safe)
        woman.language = code
        body = reminders.reminder_text(appt, woman, datetime(2026, 11, day, hour, 0, tzinfo=LONDON))
        assert segments(body) <= 3, (code, kind, segments(body), body)
        assert language(code).reply_word("confirm") in body and language(code).reply_word("change") in body, body
        if safe is None:  # discreet: in her language's words, and in English's (the service's names are English)
            assert is_discreet(body, code) and is_discreet(body, "en"), (code, body)
        missed = reminders.missed_text(appt, woman)
        assert segments(missed) <= 3 and language(code).reply_word("change") in missed, (code, missed)


@pytest.mark.parametrize("code", cat.languages())
def test_a_24_hour_language_says_times_its_way(code):
    from datetime import time

    from bot.hours import format_time

    with cat.using_language(code):
        said = format_time(time(14, 0))
    if language(code).clock == "24h":
        assert "14" in said and "pm" not in said.lower(), said
    else:
        assert "2" in said, said


def test_her_language_reads_its_own_yes_and_no_and_form_words():
    from bot.conversation.answers import detect_control, parse_yes_no

    cases = {"pl": ("tak", "nie", "pomiń"), "es": ("sí", "no", "saltar"), "tr": ("evet", "hayır", "geç")}
    for code, (yes, no, skip) in cases.items():
        with cat.using_language(code):
            assert parse_yes_no(yes) is True and parse_yes_no(no) is False, code
            assert detect_control(skip) == "skip", code
    with cat.using_language("pl"):
        assert parse_yes_no("no tak, jasne") is True  # Polish "no tak" is yes, whatever English "no" says
    with cat.using_language("es"):
        assert parse_yes_no("no, gracias") is False


def test_one_languages_words_never_decide_anothers_answers():
    from bot.conversation.answers import parse_yes_no

    with cat.using_language("pt"):
        assert parse_yes_no("claro que não") is False  # "claro" is a Spanish yes, not read here


def test_her_times_are_read_in_her_language():
    from datetime import date, time

    from bot.appointments.preferences import parse_preference

    monday = date(2026, 12, 7)
    cases = {
        "pl": ("wtorek rano", {2}, "morning"),
        "es": ("el martes por la tarde", {2}, "afternoon"),
        "tr": ("salı sabah", {2}, "morning"),
        "ar": ("الثلاثاء صباحا", {2}, "morning"),
    }
    for code, (text, weekdays, part) in cases.items():
        with cat.using_language(code):
            pref = parse_preference(text, monday)
        assert {d.isoweekday() for d in pref.days} | set(pref.weekdays) == weekdays, (code, pref)
        assert part in pref.parts, (code, pref)
    with cat.using_language("bn"):
        assert parse_preference("মঙ্গলবার ১০টা", monday).at == time(10, 0)


def test_her_needs_are_read_in_the_words_of_the_list_she_was_shown():
    from bot.referrals.parsing import parse_needs

    cases = {
        "pl": ("mieszkanie i długi", ["accommodation", "finance_benefit_debt"]),
        "es": ("vivienda y dinero", ["accommodation", "finance_benefit_debt"]),
        "ar": ("السكن", ["accommodation"]),
    }
    for code, (text, needs) in cases.items():
        with cat.using_language(code):
            assert parse_needs(text) == needs, code
    with cat.using_language("pl"):
        assert parse_needs("praca") is None  # in two of the Polish labels (work; sex work): not a guess
        assert parse_needs("1 3") == ["accommodation", "health"]


@pytest.mark.parametrize("code", cat.languages())
def test_answer_and_time_words_are_of_the_kinds_the_readers_know(code):
    from bot.wording.languages import ANSWER_KINDS, TIME_WORD_VALUES

    lang = language(code)
    assert set(lang.answer_words) <= set(ANSWER_KINDS), code
    assert set(lang.time_words.values()) <= TIME_WORD_VALUES, code
