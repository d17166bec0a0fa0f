"""Property-based tests: every parser and validator takes any text calmly.

Each returns its documented type (or None) and never raises, whatever she
types: emoji, control characters, 5,000 characters, digits that almost make a
date or a phone number.
"""

from __future__ import annotations

from datetime import date

import phonenumbers
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.channels import sms_keywords, sms_options
from bot.channels.sms_options import Option
from bot.conversation import answers, contact
from bot.dates import has_impossible_date
from bot.geo.postcodes import Location, normalise_postcode, resolve_location
from bot.privacy import identity
from bot.referrals import corrections, parsing
from bot.referrals.parsing import ContactSafety

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text she might send: anything, plus shapes close to what parsers look for.
near = st.one_of(
    st.text(max_size=300),
    st.from_regex(r"\A[ +(]?0?7[0-9 \-()]{8,14}\Z"),
    st.from_regex(r"\A[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}\Z"),
    st.from_regex(r"\A[0-3]?[0-9][ /.-](?:[01]?[0-9]|jan|feb|february|apr|april|jun|sept?)[ /.-]?[0-9]{0,4}\Z"),
    st.from_regex(r"\A(?:[1-9] ?,? ?){1,5}\Z"),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "😀",
            "STOP",
            "stop",
            "leave it",
            "skip",
            "go back",
            "DELETE",
            "yes",
            "no",
            "31 Feb",
            "30/02/2026",
            "SE15 4QF",
            "07700 900123",
            "+44 7700 900123",
            "x" * 5000,
        ]
    ),
)
TODAY = date(2026, 11, 23)


@FAST
@given(near)
def test_yes_no_age_name_and_pathway(text):
    assert answers.parse_yes_no(text) in (True, False, None)
    assert parsing.parse_age(text) in (None, "adult", "under_18") or isinstance(parsing.parse_age(text), str)
    name = parsing.parse_name(text)
    assert name is None or (isinstance(name, str) and 0 < len(name) <= 80)
    assert parsing.parse_pathway(text) in (None, "self", "police_caution")
    assert answers.detect_control(text) in (None, "skip", "back", "stop", "change")
    assert corrections.field_to_change(text) is None or isinstance(corrections.field_to_change(text), str)
    assert isinstance(answers.clean(text), str) and len(answers.clean(text)) <= answers.MAX_ANSWER


@FAST
@given(near)
@example("07700 900123")
def test_mobile_is_e164_uk_or_none(text):
    e164 = contact.normalise_mobile(text)
    assert isinstance(contact.looks_like_landline(text), bool)
    if e164 is not None:
        number = phonenumbers.parse(e164)
        assert e164.startswith("+447") and number.country_code == 44
        assert contact.normalise_mobile(contact.format_mobile(e164)) == e164  # shown, then read back: same


@FAST
@given(near)
def test_contact_safety_times_needs_and_caution(text):
    safety = parsing.parse_contact_safety(text)
    assert safety is None or isinstance(safety, ContactSafety)
    times = parsing.parse_safe_times(text)
    assert times is None or (isinstance(times, str) and len(times) <= 200)
    needs = parsing.parse_needs(text)
    if needs is not None:
        assert needs and all(isinstance(n, str) for n in needs)
        assert isinstance(parsing.needs_text(needs), str)
    details = parsing.parse_caution_details(text, TODAY)
    if details is not None and getattr(details, "caution_date", None) is not None:
        assert details.caution_date <= TODAY  # a caution is never in the future


@FAST
@given(near)
@example("31 February")
@example("April 31st")
def test_impossible_dates_and_locations(text):
    assert isinstance(has_impossible_date(text), bool)
    assert isinstance(has_impossible_date(text, 2026), bool)
    location = resolve_location(text)
    assert isinstance(location, Location)
    postcode = normalise_postcode(text)
    assert postcode is None or (" " in postcode and postcode == postcode.upper() and len(postcode) <= 8)


@FAST
@given(near, st.lists(st.text(min_size=1, max_size=30), max_size=6))
def test_sms_keywords_and_numbered_replies(text, titles):
    assert sms_keywords.classify(text) in (None, "opt_out", "opt_in", "help")
    options = [Option(title=t, payload=f"/p{i}") for i, t in enumerate(titles)]
    picked = sms_options.match(text, options)
    assert picked is None or picked in options
    assert isinstance(sms_options.render(options), str)


@FAST
@given(st.text(max_size=40))
def test_data_rights_code_never_matches_without_a_proof(text):
    from datetime import datetime, timezone

    now = datetime(2026, 11, 23, tzinfo=timezone.utc)
    assert identity.code_matches(text, proof=None, sender_id="s", woman_id=1, now=now) is False
    assert identity.code_matches(text, proof=text, sender_id="s", woman_id=1, now=now) is False
