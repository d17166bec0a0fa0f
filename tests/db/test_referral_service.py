"""The case database layer, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.db.crud.alerts import open_alerts, raise_alert
from bot.db.models import (
    Alert,
    AlertReason,
    AlertUrgency,
    Consent,
    Conversation,
    CoverageBorough,
    Referral,
    ReferralNeed,
    Woman,
)
from bot.db.session import session_scope
from bot.referrals.service import ReferralDraft, submit_referral


def draft(**kw) -> ReferralDraft:
    base = dict(
        conversation_id="c1",
        channel="rest",
        pathway="self",
        preferred_name="Jo",
        phone_e164="+447700900123",
        safe_to_text=True,
        safe_to_call=False,
        postcode="SE15 4QF",
        outcode="SE15",
        borough="Southwark",
        needs=["health", "accommodation"],
    )
    base.update(kw)
    return ReferralDraft(**base)


def count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_seed_loads_sample_coverage(db_url):
    with session_scope() as s:
        names = set(s.execute(select(CoverageBorough.name)).scalars())
    assert {"Southwark", "Lambeth", "Hackney", "Lewisham"} <= names
    assert "Barnet" not in names


def test_submit_writes_woman_consent_referral_needs_and_link(db_url):
    result = submit_referral(draft())
    assert result.reference.startswith("ELP-") and len(result.reference) == 10
    with session_scope() as s:
        referral = s.get(Referral, result.referral_id)
        assert referral.in_coverage and referral.need_values == ["accommodation", "health"]
        assert referral.created_at.tzinfo is not None
        assert s.get(Woman, result.woman_id).phone_e164 == "+447700900123"
        assert count(s, Consent) == 1
        convo = s.execute(select(Conversation).where(Conversation.sender_id == "c1")).scalar_one()
        assert convo.woman_id == result.woman_id
        assert count(s, Alert) == 0


def test_caution_gets_a_deadline_from_settings(db_url):
    result = submit_referral(
        draft(pathway="police_caution", caution_date=date(2026, 11, 3), police_reference="01/1/26")
    )
    with session_scope() as s:
        referral = s.get(Referral, result.referral_id)
        assert referral.caution_deadline == date(2027, 2, 23)  # 16 weeks


def test_out_of_coverage_is_stored_and_flagged(db_url):
    result = submit_referral(draft(borough=None, postcode="M1 1AE", outcode="M1"))
    assert result.in_coverage is False
    with session_scope() as s:
        [alert] = s.execute(select(Alert)).scalars().all()
        assert alert.reason == AlertReason.OUT_OF_COVERAGE and alert.referral_id == result.referral_id


def test_failed_submit_leaves_nothing_half_written(db_url):
    with pytest.raises(Exception):  # noqa: B017 - any failure will do: what matters is nothing was written
        submit_referral(draft(needs=["not-a-need"]))
    with session_scope() as s:
        assert count(s, Woman) == 0 and count(s, Referral) == 0 and count(s, Consent) == 0


def test_constraints_hold(db_url):
    with pytest.raises(IntegrityError):
        with session_scope() as s:
            w = Woman()
            s.add(w)
            s.flush()
            s.add(
                Referral(
                    reference="ELP-AAAAAA",
                    woman_id=w.id,
                    pathway="self",
                    in_coverage=True,
                    police_reference="should not be here",
                )
            )
    with pytest.raises(IntegrityError):
        with session_scope() as s:
            w = Woman()
            s.add(w)
            s.flush()
            r = Referral(reference="ELP-BBBBBB", woman_id=w.id, pathway="self", in_coverage=True)
            s.add(r)
            s.flush()
            s.add_all([ReferralNeed(referral_id=r.id, need="health"), ReferralNeed(referral_id=r.id, need="health")])


def test_naive_datetimes_are_refused(db_url):
    with pytest.raises(Exception, match="naive"):
        with session_scope() as s:
            s.add(Woman(created_at=datetime(2026, 1, 1)))


def test_concurrent_submits_get_distinct_references(db_url):
    with ThreadPoolExecutor(max_workers=8) as pool:
        refs = list(pool.map(lambda i: submit_referral(draft(conversation_id=f"c{i}")).reference, range(16)))
    assert len(set(refs)) == 16


def test_alerts_dedupe_per_open_reason_and_sort_urgent_first(db_url):
    with session_scope() as s:
        a = raise_alert(s, AlertReason.HUMAN_REQUESTED, conversation_id="x")
        b = raise_alert(s, AlertReason.HUMAN_REQUESTED, conversation_id="x")
        assert a.id == b.id
        c = raise_alert(s, AlertReason.CRISIS, conversation_id="x")
        assert c.urgency == AlertUrgency.URGENT and "x" not in c.summary
    with session_scope() as s:
        assert [al.reason for al in open_alerts(s)] == [AlertReason.CRISIS, AlertReason.HUMAN_REQUESTED]
