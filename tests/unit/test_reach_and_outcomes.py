"""Issue #19 points 14, 15 and 20, without servers: the police outcome she gives
(recorded and routed), a caution named before 'get support', and safe times read
back as days and times only, with a kind word for what she told us."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.referral.lifecycle import ActionStartReferral, draft_from
from bot.db.models import Referral
from bot.db.models.referrals import PoliceOutcome
from bot.db.session import session_scope
from bot.referrals import parsing
from bot.referrals.service import ReferralDraft, submit_referral, summary_lines
from tests.unit.test_referral_form import domain  # noqa: F401  (the merged domain fixture)
from tests.unit.test_referral_repairs import ANSWERED, run, tracker


def _start(*messages: tuple[str, str]) -> tuple[dict, list[str]]:
    """ActionStartReferral after her messages [(text, intent), ...]; the last one started it."""
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}} for text, intent in messages]
    text, intent = messages[-1]
    t = Tracker(
        "s1",
        {},
        {"text": text, "intent": {"name": intent, "confidence": 0.99}},
        events,
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    out = asyncio.run(ActionStartReferral().run(dispatcher, t, {}))
    slots = {e["name"]: e["value"] for e in out if e["event"] == "slot" and e["value"] is not None}
    return slots, [m.get("text") or "" for m in dispatcher.messages]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the police took no further action", "no_further_action"),
        ("NFA", "no_further_action"),
        ("they dropped the charges", "no_further_action"),
        ("I was released under investigation", "released_under_investigation"),
        ("I'm on police bail", "released_under_investigation"),
        ("I've been charged and I'm due in court", "charged"),
        ("got a court date next month", "charged"),
        ("I got a caution", "police_caution"),
        ("no further action, I didn't get a caution", "no_further_action"),
        ("the police sent me", "police_caution"),
        ("myself", "self"),
    ],
)
def test_police_outcome_read_from_her_answer(text, expected):
    assert parsing.pathway_value(text) == expected


# --- 15. Outcomes other than a caution: recorded, and routed to her own referral -----


def test_no_further_action_at_the_pathway_question_is_taken_not_a_stop(domain):
    # The model reads "no further action" as stop_form (0.86): her answer wins.
    answered = {k: v for k, v in ANSWERED.items() if k not in ("pathway", "needs", "need_list")}
    slots, texts, _ = run(
        tracker("pathway", "the police took no further action", intent="stop_form", confidence=0.86, **answered), domain
    )
    assert slots["pathway"] == "no_further_action" and "referral_outcome" not in slots
    assert slots["requested_slot"] == "needs"  # no caution details asked
    assert any("you can come to us" in t for t in texts)


def test_charged_at_the_pathway_question(domain):
    answered = {k: v for k, v in ANSWERED.items() if k not in ("pathway", "needs", "need_list")}
    slots, texts, _ = run(
        tracker("pathway", "I've been charged and I'm due in court", intent="police_referral", **answered), domain
    )
    assert slots["pathway"] == "charged" and slots["requested_slot"] == "needs"
    assert any("court" in t for t in texts)


def test_charged_in_her_first_words_is_not_a_caution_registration():
    slots, texts = _start(("I've been charged and I'm due in court, can you help", "police_referral"))
    assert slots["pathway"] == "charged"
    assert "register your referral" not in " ".join(texts) and "own referral" in " ".join(texts)


def test_no_further_action_in_her_first_words():
    slots, _ = _start(("my arrest ended with no further action", "police_referral"))
    assert slots["pathway"] == "no_further_action"


def test_summary_and_draft_show_the_outcome():
    slots = {**ANSWERED, "pathway": "released_under_investigation"}
    assert "Sent by: myself (police: released under investigation)" in summary_lines(slots)
    t = Tracker("s1", slots, {}, [], False, None, {}, "action_listen")
    draft = draft_from(t)
    assert draft.pathway == "self" and draft.police_outcome == "released_under_investigation"
    caution = draft_from(Tracker("s1", {**ANSWERED, "pathway": "police_caution"}, {}, [], False, None, {}, "x"))
    assert caution.pathway == "police_caution" and caution.police_outcome == "cautioned"


def test_outcome_stored_on_the_referral(db_url):
    charged = submit_referral(
        ReferralDraft(
            conversation_id="o1", channel="rest", pathway="self", borough="Southwark", police_outcome="charged"
        )
    )
    caution = submit_referral(
        ReferralDraft(conversation_id="o2", channel="rest", pathway="police_caution", borough="Southwark")
    )
    plain = submit_referral(ReferralDraft(conversation_id="o3", channel="rest", pathway="self", borough="Southwark"))
    with session_scope() as session:
        got = {r.id: r.police_outcome for r in session.execute(select(Referral)).scalars()}
    assert got == {
        charged.referral_id: PoliceOutcome.CHARGED,
        caution.referral_id: PoliceOutcome.CAUTIONED,
        plain.referral_id: None,
    }


# --- 14. A caution named before "get support" registers her police referral --------


def test_get_support_after_asking_to_book_caution_meetings_offers_police_referral():
    slots, texts = _start(
        ("hi i need to book my caution meetings please", "book_appointment"), ("get support", "self_refer")
    )
    assert slots["pathway"] == "police_caution"
    said = " ".join(texts)
    assert "register your police referral" in said and "refer yourself" not in said


def test_help_with_my_caution_is_a_police_referral():
    slots, texts = _start(("I want help with my caution", "self_refer"))
    assert slots["pathway"] == "police_caution" and "police referral" in " ".join(texts)


def test_refer_myself_stays_self():
    slots, texts = _start(("I want to refer myself", "self_refer"))
    assert slots["pathway"] == "self" and "refer yourself" in " ".join(texts)


# --- 20. Safe times neutral; a disclosure acknowledged, never echoed ---------------


def test_safe_times_kept_as_days_and_times_and_disclosure_acknowledged(domain):
    answered = {k: v for k, v in ANSWERED.items() if k not in ("safe_times",)}
    slots, texts, _ = run(tracker("safe_times", "weekday mornings when he's at work", **answered), domain)
    assert slots["safe_times"] == "weekday mornings"
    assert len(texts) == 1 and texts[0].startswith("Thank you for telling me")
    assert "work" not in texts[0] and "he" not in texts[0].lower().split()
    summary = "\n".join(summary_lines({**answered, "safe_times": slots["safe_times"]}))
    assert "weekday mornings" in summary and "work" not in summary


def test_a_disclosure_with_no_times_asks_for_days_and_times(domain):
    answered = {k: v for k, v in ANSWERED.items() if k not in ("safe_times",)}
    slots, texts, _ = run(tracker("safe_times", "only when he's out", **answered), domain)
    assert slots.get("safe_times") is None and slots["requested_slot"] == "safe_times"
    assert texts[0].startswith("Thank you for telling me") and "Which days or times" in texts[1]
    assert not any("out" in t.split() for t in texts)


def test_disclosure_at_the_contact_question_is_acknowledged(domain):
    answered = {
        k: v for k, v in ANSWERED.items() if k not in ("contact_safety", "safe_to_text", "safe_to_call", "safe_times")
    }
    slots, texts, _ = run(tracker("contact_safety", "texts only, my partner checks who rings", **answered), domain)
    assert slots["safe_to_text"] is True and slots["safe_to_call"] is False
    assert texts and texts[0].startswith("Thank you for telling me") and "partner" not in " ".join(texts)


def test_plain_times_get_no_acknowledgement(domain):
    answered = {k: v for k, v in ANSWERED.items() if k not in ("safe_times",)}
    slots, texts, _ = run(tracker("safe_times", "after 6pm", **answered), domain)
    assert slots["safe_times"] == "after 6pm" and texts == []
