from datetime import date

import pytest

from bot.referrals import parsing as p
from bot.referrals.corrections import field_to_change

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yes", "adult"),
        ("no", "under18"),
        ("I'm 17", "under18"),
        ("25", "adult"),
        ("im 45 yrs old", "adult"),
        ("under 18", "under18"),
        ("banana", None),
    ],
)
def test_age(text, expected):
    assert p.parse_age(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Jo", "Jo"),
        ("call me jo", "Jo"),
        ("my name is Zofia Kowalska", "Zofia Kowalska"),
        ("it's maria", "Maria"),
        ("Ayşe", "Ayşe"),
        ("Mary-Jane O'Neil", "Mary-Jane O'Neil"),
        ("07700 900123", None),
        ("<script>", None),
        ("", None),
        ("😀", None),
        ("x" * 60, None),
    ],
)
def test_name(text, expected):
    assert p.parse_name(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("texts and calls", (True, True)),
        ("both", (True, True)),
        ("texts only", (True, False)),
        ("calls only", (False, True)),
        ("neither", (False, False)),
        ("text but dont call", (True, False)),
        ("no texts, calls are fine", (False, True)),
        ("yes", (True, True)),
        ("no", (False, False)),
        ("what?", None),
    ],
)
def test_contact_safety(text, expected):
    result = p.parse_contact_safety(text)
    assert (None if result is None else (result.text_ok, result.call_ok)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("myself", "self"),
        ("me", "self"),
        ("the police sent me", "police_caution"),
        ("i got a caution", "police_caution"),
        ("hmm", None),
    ],
)
def test_pathway(text, expected):
    assert p.parse_pathway(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("i want to refer myself", True),
        ("can I self-refer", True),
        ("on my own, no police", False),
        ("refer myself, i got nicked last week", False),
        ("sign me up", False),
        ("i got a caution", False),
    ],
)
def test_first_words_that_settle_the_pathway(text, expected):
    assert p.says_self_referral(text) is expected


def test_caution_details_date_and_reference():
    d = p.parse_caution_details("3 Nov, 01/123456/26", TODAY)
    assert d.caution_date == date(2026, 11, 3) and d.police_reference == "01/123456/26"


def test_caution_details_relative_and_reference_only():
    assert p.parse_caution_details("last monday", TODAY).caution_date == date(2026, 11, 16)
    only_ref = p.parse_caution_details("ref AB123456", TODAY)
    assert only_ref.police_reference == "AB123456" and only_ref.caution_date is None


@pytest.mark.parametrize(
    "text,problem",
    [
        ("31 February", "impossible"),
        ("30/02/2026", "impossible"),
        ("next week", "future"),
        ("in 3 days", "future"),
        ("1 Jan 2020", "too_old"),
    ],
)
def test_caution_details_problems(text, problem):
    assert p.parse_caution_details(text, TODAY).problem == problem


def test_caution_details_unreadable():
    assert p.parse_caution_details("no idea mate", TODAY) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1 3", ["accommodation", "health"]),
        ("housing and money", ["accommodation", "finance_benefit_debt"]),
        ("my drinking", ["drugs_alcohol"]),
        ("7, and my kids", ["abuse_domestic_violence", "children_families"]),
        ("hello", None),
    ],
)
def test_needs(text, expected):
    assert p.parse_needs(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("change my name", "preferred_name"),
        ("wrong postcode", "location"),
        ("the number", "phone"),
        ("the police details", "pathway"),
        ("caution date", "caution_details"),
        ("help needed", "needs"),
    ],
)
def test_field_to_change(text, expected):
    assert field_to_change(text) == expected
