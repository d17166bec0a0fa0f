"""The referral form's validator, driven with real rasa-sdk trackers (no servers)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.referral.validate import ValidateReferralForm

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> dict:
    merged: dict = {"slots": {}, "forms": {}, "responses": {}}
    for path in sorted((REPO / "domain").glob("*.yml")):
        doc = yaml.safe_load(path.read_text())
        for key in merged:
            merged[key].update(doc.get(key) or {})
    return merged


def tracker(requested: str, text: str, intent: str = "inform", confidence: float = 0.9, **slots) -> Tracker:
    all_slots = {"requested_slot": requested, requested: text, **slots}
    return Tracker(
        "t1",
        all_slots,
        {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []},
        [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text},
            {"event": "slot", "name": requested, "value": text},
        ],
        False,
        None,
        {"name": "referral_form"},
        "action_listen",
    )


def run(t: Tracker, domain: dict) -> tuple[dict, list[str]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateReferralForm().run(dispatcher, t, domain))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    texts = [m.get("text") or m.get("response") for m in dispatcher.messages]
    return slots, texts


def test_consent_no_ends_the_form(domain):
    slots, _ = run(tracker("consent", "nope", "deny"), domain)
    assert slots["referral_outcome"] == "declined" and slots["requested_slot"] is None


def test_under_18_ends_the_form(domain):
    slots, _ = run(tracker("age_ok", "im 16", "inform", consent="yes"), domain)
    assert slots["referral_outcome"] == "under18" and slots["requested_slot"] is None


def test_name_accepted_and_next_question_is_location(domain):
    slots, _ = run(tracker("preferred_name", "call me jo", consent="yes", age_ok="adult"), domain)
    assert slots["preferred_name"] == "Jo" and slots["requested_slot"] == "location"


def test_skip_a_skippable_question(domain):
    slots, _ = run(tracker("preferred_name", "skip", "skip", consent="yes", age_ok="adult"), domain)
    assert slots["preferred_name"] == "skipped" and slots["requested_slot"] == "location"


def test_skip_is_refused_for_consent(domain):
    slots, texts = run(tracker("consent", "skip", "skip"), domain)
    assert slots["consent"] is None and "yes or no" in texts[0]


def test_go_back_clears_the_previous_answer(domain):
    slots, texts = run(
        tracker("location", "go back", "go_back", consent="yes", age_ok="adult", preferred_name="Jo"), domain
    )
    assert slots["preferred_name"] is None and slots["requested_slot"] == "preferred_name"
    assert "going back" in texts[0]


def test_stop_ends_the_form(domain):
    slots, _ = run(tracker("phone", "leave it", "stop_form", consent="yes", age_ok="adult"), domain)
    assert slots["referral_outcome"] == "stopped" and slots["requested_slot"] is None


def test_a_real_answer_wins_over_a_guessed_intent(domain):
    # "no" to "18 or over?" is an answer even if the model guessed stop_form.
    slots, _ = run(tracker("age_ok", "no", "stop_form", 0.9, consent="yes"), domain)
    assert slots["age_ok"] == "under18"


def test_invalid_phone_gets_a_kind_reask(domain):
    slots, texts = run(tracker("phone", "12345"), domain)
    assert slots["phone"] is None and "07700 900123" in texts[0]


def test_caution_details_only_asked_for_police_pathway(domain):
    slots, _ = run(
        tracker(
            "pathway", "myself", consent="yes", age_ok="adult", preferred_name="Jo", location="SE15", phone="skipped"
        ),
        domain,
    )
    assert slots["pathway"] == "self" and slots["requested_slot"] == "needs"
    slots, _ = run(
        tracker(
            "pathway",
            "the police",
            consent="yes",
            age_ok="adult",
            preferred_name="Jo",
            location="SE15",
            phone="skipped",
        ),
        domain,
    )
    assert slots["requested_slot"] == "caution_details"


def test_change_at_summary_clears_that_field(domain):
    answered = dict(
        consent="yes", age_ok="adult", preferred_name="Jo", phone="skipped", pathway="self", needs="skipped"
    )
    slots, texts = run(
        tracker(
            "referral_confirmed",
            "change my postcode",
            "change_field",
            location="SE15",
            postcode=None,
            outcode="SE15",
            borough="Southwark",
            **answered,
        ),
        domain,
    )
    assert slots["location"] is None and slots["outcode"] is None and slots["requested_slot"] == "location"


# --- The first question asks consent and age together ------------------------------


def test_yes_to_the_first_question_is_consent_and_adult_and_the_next_question_is_her_name(domain):
    slots, texts = run(tracker("consent", "yes", "affirm"), domain)
    assert slots["consent"] == "yes" and slots["age_ok"] == "adult"
    assert slots["requested_slot"] == "preferred_name" and texts == []  # not asked "18 or over?" again


@pytest.mark.parametrize("text", ["I'm 16", "under 18"])
def test_an_age_under_18_in_the_first_answer_ends_the_form(domain, text):
    slots, _ = run(tracker("consent", text, "inform"), domain)
    assert slots["age_ok"] == "under18" and slots["referral_outcome"] == "under18"
    assert slots["requested_slot"] is None


def test_yes_with_an_adult_age_goes_on_to_her_name(domain):
    slots, _ = run(tracker("consent", "yes im 25", "affirm"), domain)
    assert slots["consent"] == "yes" and slots["age_ok"] == "adult"
    assert slots.get("referral_outcome") is None and slots["requested_slot"] == "preferred_name"


def test_no_to_the_first_question_is_declined(domain):
    slots, _ = run(tracker("consent", "no", "deny"), domain)
    assert slots["consent"] == "no" and slots["referral_outcome"] == "declined"
    assert slots["requested_slot"] is None


@pytest.mark.parametrize("text", ["yes", "ok"])
def test_a_second_yes_at_the_name_question_is_not_her_name(domain, text):
    slots, texts = run(tracker("preferred_name", text, "affirm", consent="yes", age_ok="adult"), domain)
    assert slots["preferred_name"] is None and slots["requested_slot"] == "preferred_name"
    assert texts[0] == "What would you like us to call you? Any first name is fine, or say skip."
