"""The outcome instrument and readings in the database (bot/db/crud/outcomes.py,
bot/staff/outcomes.py), on SQLite and PostgreSQL: the SAMPLE seed, a licensed file
loaded over it, readings checked, encrypted at rest, audited, summarised, erased and retained."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest
import yaml
from sqlalchemy import select, text

from bot.db.crud import outcomes as crud
from bot.db.crud.outcomes import InstrumentError
from bot.db.models import AuditLog, Need, Referral, ReferralStatus, Woman
from bot.db.models.outcomes import OutcomeReading
from bot.db.session import session_scope
from bot.privacy.erasure import erase_woman
from bot.privacy.retention import purge_expired
from bot.privacy.summary import summary_lines
from bot.referrals.service import ReferralDraft, submit_referral
from bot.settings import REPO_ROOT
from bot.staff import outcomes
from bot.staff.outcomes import ReadingError

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 23)


def submit(sender="o1", phone="+447700900123"):
    return submit_referral(
        ReferralDraft(
            conversation_id=sender,
            channel="rest",
            pathway="self",
            preferred_name="Oda",
            phone_e164=phone,
            safe_to_text=True,
            safe_to_call=False,
            postcode="SE15 4QF",
            outcode="SE15",
            borough="Southwark",
            needs=["health"],
        )
    )


def _back_date(referral_id: int, days: int = 200) -> None:
    with session_scope() as s:
        s.get(Referral, referral_id).created_at = NOW - timedelta(days=days)


def _areas():
    with session_scope() as s:
        return crud.get_instrument(s).active


def test_the_sample_instrument_is_seeded_once_on_the_nine_pathways(db_url):
    with session_scope() as s:
        found = crud.get_instrument(s)
        assert found.sample and found.name.startswith("SAMPLE")
        assert len(found.active) == 10
        assert {a.need for a in found.active} == {n.value for n in Need}  # health split in two
        assert all(a.question.endswith("?") for a in found.active)
        words = " ".join([found.name, found.scale_text, *(a.name + a.question for a in found.areas)])
        assert "Star" not in words  # never the licensed wording
        assert not outcomes.seed_sample(s)  # there is one: left as it is


def test_a_licensed_file_loads_over_the_sample_matching_areas_by_key(db_url, tmp_path):
    before = {a.key: a.id for a in _areas()}
    spec = {
        "name": "Our licensed tool",
        "scale": "1 is stuck, 10 is self-reliant.",
        "areas": [
            {"key": "safety", "name": "Safe", "question": "Are you safe?"},
            {"key": "home", "name": "Where I live", "question": "Is home settled?", "need": "accommodation"},
            {"key": "confidence", "name": "Confidence", "question": "How confident are you?"},
        ],
    }
    path = tmp_path / "licensed.yml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    with session_scope() as s:
        found = outcomes.save_instrument(s, outcomes.read_file(path), None, "load_outcome_instrument")
    assert not found.sample and found.name == "Our licensed tool"
    assert [a.key for a in found.active] == ["safety", "home", "confidence"]
    assert found.active[0].id == before["safety"] and found.active[1].name == "Where I live"
    retired = {a.key for a in found.areas if a.retired}
    assert retired == set(before) - {"safety", "home"}  # never deleted: readings keep them
    with session_scope() as s:
        assert s.execute(select(AuditLog.action).where(AuditLog.subject_type == "outcome_instrument")).scalar_one() == (
            "load_outcome_instrument"
        )


@pytest.mark.parametrize(
    "change,expected",
    [
        (lambda spec: spec["areas"].__delitem__(slice(2, None)), "3 to 12 areas in use; this one has 2"),
        (lambda spec: spec["areas"][1].update(key="home"), "the key home is used twice"),
        (lambda spec: spec["areas"][0].update(key="Bad Key"), "its key must be"),
        (lambda spec: spec["areas"][0].update(need="gambling"), "not one of the nine needs pathways"),
        (lambda spec: spec["areas"][0].update(question=""), "write its question"),
        (lambda spec: spec.update(scale=""), "Write the scale text"),
    ],
)
def test_a_wrong_instrument_is_refused_whole(db_url, change, expected):
    with session_scope() as s:
        spec = crud.spec_of(crud.get_instrument(s))
    change(spec)
    with session_scope() as s, pytest.raises(InstrumentError) as info:
        crud.apply_spec(s, spec)
    assert any(expected in e for e in info.value.errors), info.value.errors
    assert len(_areas()) == 10


def test_a_reading_is_checked_stored_encrypted_and_audited(db_url):
    ref = submit()
    _back_date(ref.referral_id)
    areas = _areas()
    raw = {areas[0].id: "3", areas[1].id: "", areas[2].id: "10"}
    with session_scope() as s:
        staff_id = s.execute(text("SELECT id FROM staff ORDER BY id")).scalars().first()
        reading = outcomes.add_reading(s, ref.referral_id, "2026-11-20", "start", raw, staff_id, today=TODAY)
    assert reading.scores == {areas[0].id: 3, areas[2].id: 10} and reading.stage == "start"
    assert reading.source == "keyworker" and reading.taken_on == date(2026, 11, 20)
    with session_scope() as s:
        stored = s.execute(text("SELECT scores FROM outcome_readings")).scalar_one()
        assert stored.startswith("gAAAA") and "10" not in stored  # a Fernet token, not the scores
        row = s.execute(select(OutcomeReading)).scalar_one()
        assert row.woman_id == ref.woman_id and row.entered_by_id == staff_id
        audit = s.execute(select(AuditLog).where(AuditLog.action == "add_outcome_reading")).scalar_one()
        assert (audit.subject_type, audit.subject_id, audit.actor_id) == ("referral", ref.referral_id, staff_id)


@pytest.mark.parametrize(
    "day,stage,score,expected",
    [
        ("2026-11-24", "review", "5", "in the future"),
        ("2026-01-01", "review", "5", "before she was referred"),
        ("24/11/2026", "review", "5", "Give the date"),
        ("2026-11-20", "middle", "5", "Choose the stage"),
        ("2026-11-20", "review", "11", "choose a score from 1 to 10"),
        ("2026-11-20", "review", "0", "choose a score from 1 to 10"),
        ("2026-11-20", "review", "", "Score at least one area"),
    ],
)
def test_a_wrong_reading_is_refused_and_nothing_saved(db_url, day, stage, score, expected):
    ref = submit()
    _back_date(ref.referral_id)
    area = _areas()[0]
    with session_scope() as s, pytest.raises(ReadingError) as info:
        outcomes.add_reading(s, ref.referral_id, day, stage, {area.id: score}, None, today=TODAY)
    assert any(expected in e for e in info.value.errors), info.value.errors
    with session_scope() as s:
        assert s.execute(select(OutcomeReading)).first() is None


def test_a_retired_area_cannot_be_scored_but_old_readings_keep_it(db_url):
    ref = submit()
    _back_date(ref.referral_id)
    areas = _areas()
    with session_scope() as s:
        outcomes.add_reading(s, ref.referral_id, "2026-11-01", "start", {areas[9].id: "4"}, None, today=TODAY)
        spec = crud.spec_of(crud.get_instrument(s))
        spec["areas"][9]["retired"] = True
        crud.apply_spec(s, spec)
    with session_scope() as s, pytest.raises(ReadingError):
        outcomes.add_reading(s, ref.referral_id, "2026-11-20", "review", {areas[9].id: "6"}, None, today=TODAY)
    with session_scope() as s:
        case = outcomes.for_case(s, ref.referral_id)
        assert [a.id for a in case.areas][-1] == areas[9].id and case.areas[-1].retired  # still drawn for her


def test_her_summary_counts_readings_without_scores_and_erasure_removes_them(db_url):
    ref = submit()
    _back_date(ref.referral_id)
    area = _areas()[0]
    with session_scope() as s:
        outcomes.add_reading(s, ref.referral_id, "2026-06-02", "start", {area.id: "7"}, None, today=TODAY)
        outcomes.add_reading(s, ref.referral_id, "2026-09-03", "review", {area.id: "9"}, None, today=TODAY)
    with session_scope() as s:
        lines = summary_lines(s, ref.woman_id)
    said = [line for line in lines if "Outcome check-ins" in line]
    assert said == [
        "Outcome check-ins (how you scored areas of your life): 2 (the latest on 3 Sep 2026). "
        "Ask us and we will show you the scores."
    ]
    with session_scope() as s:
        counts = erase_woman(s, ref.woman_id, actor_type="staff")
    assert counts is not None
    with session_scope() as s:
        assert s.execute(select(OutcomeReading)).first() is None
        assert s.get(Woman, ref.woman_id) is None


def test_retention_drops_the_readings_of_an_expired_case_and_keeps_her_open_ones(db_url):
    old = submit()
    _back_date(old.referral_id, days=900)
    area = _areas()[0]
    with session_scope() as s:
        woman = s.get(Woman, old.woman_id)
        new = Referral(reference="ELP-OUTNEW", woman_id=woman.id, pathway="self", in_coverage=True, created_at=NOW)
        s.add(new)
        s.flush()
        new_id = new.id
        outcomes.add_reading(s, old.referral_id, "2024-08-01", "start", {area.id: "2"}, None, today=TODAY)
        outcomes.add_reading(s, new_id, TODAY.isoformat(), "start", {area.id: "5"}, None, today=TODAY)
        ref = s.get(Referral, old.referral_id)
        ref.status, ref.closed_at = ReferralStatus.CLOSED, NOW - timedelta(days=800)
    purge_expired(NOW)
    with session_scope() as s:
        left = s.execute(select(OutcomeReading.referral_id)).scalars().all()
    assert left == [new_id]


def test_the_command_line_loads_and_exports_an_instrument(db_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(REPO_ROOT)}
    cmd = [sys.executable, "-m", "bot.staff.outcomes"]
    exported = subprocess.run([*cmd, "export"], env=env, capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert exported.returncode == 0, exported.stderr
    spec = yaml.safe_load(exported.stdout)
    assert len(spec["areas"]) == 10 and spec["sample"] is True
    spec["name"], spec["sample"] = "Loaded from a file", False
    path = tmp_path / "ours.yml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    loaded = subprocess.run(
        [*cmd, "load", str(path)], env=env, capture_output=True, text=True, cwd=REPO_ROOT, timeout=120
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded from a file: 10 areas in use." in loaded.stdout
    with session_scope() as s:
        assert crud.get_instrument(s).name == "Loaded from a file"
    path.write_text("name: x\nareas: []\n", encoding="utf-8")
    bad = subprocess.run([*cmd, "load", str(path)], env=env, capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert bad.returncode == 2 and "Write the scale text" in bad.stderr
