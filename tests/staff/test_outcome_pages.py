"""Outcome readings in the staff app over real HTTP, on SQLite and PostgreSQL: a keyworker
enters a reading from a meeting (CSRF, checked, audited) and sees the radar (role="img",
a title and description, exact points) with the same numbers in a table; admins edit the
instrument (audited), keyworkers cannot."""

from __future__ import annotations

import re
import uuid
from html import unescape

from sqlalchemy import select

from bot.dates import today_london
from bot.db.crud import outcomes as crud
from bot.db.models import AuditLog, Pathway, Referral, Woman
from bot.db.models.outcomes import OutcomeReading
from bot.db.session import session_scope
from bot.staff import outcomes
from tests.staff.test_reports import tables_of


def make_case(url: str) -> int:
    with session_scope(url) as session:
        woman = Woman(preferred_name="Radar Rosa", phone_e164="+447700900766", safe_to_text=True)
        session.add(woman)
        session.flush()
        referral = Referral(
            reference="ELP-" + uuid.uuid4().hex[:6].upper(),
            woman_id=woman.id,
            pathway=Pathway.SELF,
            borough="Lambeth",
            in_coverage=True,
            channel="sms",
        )
        session.add(referral)
        session.flush()
        return referral.id


def area_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="score_(\d+)"', html)]


def paths(html: str) -> list[str]:
    return re.findall(r'<path d="([^"]+)"', html)


def test_a_keyworker_enters_readings_and_sees_the_radar_and_table(web, keyworker):
    staff_id, kw = keyworker
    case = make_case(web.db)
    page = kw.get(f"/staff/cases/{case}").text
    assert 'id="add-reading"' in page and 'id="no-readings"' in page and 'id="outcome-radar"' not in page
    form = kw.get(f"/staff/cases/{case}/outcomes/new")
    assert form.status_code == 200 and "SAMPLE" in form.text
    ids = area_ids(form.text)
    assert len(ids) == 10 and form.text.count('<option value="">Skip</option>') == 10
    today = today_london().isoformat()
    first = {f"score_{i}": str(3 + n % 5) for n, i in enumerate(ids)} | {f"score_{ids[1]}": ""}
    first[f"score_{ids[0]}"] = "2"
    resp = kw.submit(
        f"/staff/cases/{case}/outcomes/new",
        f"/staff/cases/{case}/outcomes",
        {"taken_on": today, "stage": "start", **first},
    )
    assert resp.status_code == 303 and resp.headers["location"].endswith(f"/staff/cases/{case}#outcomes")
    second = {f"score_{i}": "7" for i in ids}
    assert (
        kw.submit(
            f"/staff/cases/{case}/outcomes/new",
            f"/staff/cases/{case}/outcomes",
            {"taken_on": today, "stage": "review", **second},
        ).status_code
        == 303
    )
    page = kw.get(f"/staff/cases/{case}").text
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="radar-title radar-desc"' in svg
    assert '<title id="radar-title">Her outcome readings by area</title>' in svg
    desc = unescape(re.search(r'<desc id="radar-desc">([^<]+)</desc>', svg).group(1))
    assert desc.startswith("2 readings over 10 areas, 1 at the centre and 10 at the edge. The latest,")
    assert ", review, is drawn strongest: Home 7; Work and learning 7;" in desc
    assert svg.count('<text x="') == 10  # a number per spoke
    earlier, latest = paths(svg)
    # The latest (every area 7: 80 of 120 out) closes; the first breaks where area 2 was skipped.
    assert latest.startswith("M 160.0 80.0 L 207.0 95.3 L ") and latest.endswith(" Z")
    assert earlier.startswith("M ") and not earlier.endswith("Z") and "160.0 146.7" in earlier  # area 1 scored 2
    assert 'class="reading latest"' in svg and 'stroke-dasharray="5 3"' in svg
    table = tables_of(page.replace('id="outcome-scores"', 'id="t-outcome_scores"')).tables["outcome_scores"]
    assert table["1. Home"][0:1] == ["2"] and table["1. Home"][1:] == ["7", "+5"]
    assert table["2. Work and learning"] == ["skipped", "7", ""]
    assert len(table) == 1 + 10  # the header row and an area each
    with session_scope(web.db) as s:
        rows = s.execute(select(OutcomeReading).where(OutcomeReading.referral_id == case)).scalars().all()
        assert [r.stage.value for r in rows] == ["start", "review"] and {r.entered_by_id for r in rows} == {staff_id}
        audits = s.execute(
            select(AuditLog.actor_id).where(AuditLog.action == "add_outcome_reading", AuditLog.subject_id == case)
        ).scalars()
        assert list(audits) == [staff_id, staff_id]


def test_a_wrong_reading_says_what_to_fix_and_saves_nothing(web, keyworker):
    _, kw = keyworker
    case = make_case(web.db)
    ids = area_ids(kw.get(f"/staff/cases/{case}/outcomes/new").text)
    new = f"/staff/cases/{case}/outcomes/new"
    skipped = kw.submit(
        new, f"/staff/cases/{case}/outcomes", {"taken_on": today_london().isoformat(), "stage": "start"}
    )
    assert skipped.status_code == 400 and "Score at least one area" in skipped.text
    future = kw.submit(
        new, f"/staff/cases/{case}/outcomes", {"taken_on": "2099-01-01", "stage": "start", f"score_{ids[0]}": "4"}
    )
    assert future.status_code == 400 and "in the future" in future.text
    assert '<option value="4" selected>4</option>' in future.text  # what she said is kept on the form
    no_token = kw.post(f"/staff/cases/{case}/outcomes", {"taken_on": "2026-01-01", f"score_{ids[0]}": "4"})
    assert no_token.status_code == 403
    assert kw.get("/staff/cases/999999/outcomes/new").status_code == 404
    with session_scope(web.db) as s:
        assert s.execute(select(OutcomeReading).where(OutcomeReading.referral_id == case)).first() is None


def _form_of(spec: dict) -> dict:
    data = {"name": spec["name"], "scale": spec["scale"], "sample": "yes" if spec["sample"] else ""}
    for i, area in enumerate(spec["areas"]):
        data |= {f"key_{i}": area["key"], f"name_{i}": area["name"], f"question_{i}": area["question"]}
        data |= {f"need_{i}": area["need"] or "", f"position_{i}": str(i + 1)}
        data |= {f"retired_{i}": "yes"} if area["retired"] else {}
    return data


def test_an_admin_edits_the_instrument_and_a_keyworker_cannot(web, admin, keyworker):
    admin_id, ad = admin
    _, kw = keyworker
    assert kw.get("/staff/admin/outcomes").status_code == 403
    page = ad.get("/staff/admin/outcomes")
    assert page.status_code == 200 and page.text.count("<fieldset") == 11  # ten areas and a new one
    with session_scope(web.db) as s:
        original = crud.spec_of(crud.get_instrument(s))
    try:
        data = _form_of(original)
        data |= {"name_0": "Somewhere to live", "question_0": "Is where you live right for you?"}
        data |= {"retired_9": "yes", "position_0": "11"}  # the first area moves to the end
        data |= {"key_10": "confidence", "name_10": "Confidence", "question_10": "How confident do you feel?"}
        data |= {"position_10": "1", "need_10": ""}
        resp = ad.submit("/staff/admin/outcomes", "/staff/admin/outcomes", data)
        assert resp.status_code == 303
        saved = ad.get("/staff/admin/outcomes?done=saved").text
        assert 'id="saved"' in saved and 'value="Somewhere to live"' in saved
        case = make_case(web.db)
        form = kw.get(f"/staff/cases/{case}/outcomes/new").text
        labels = re.findall(r'<label for="score-\d+">([^<]+)</label>', form)
        assert labels[0] == "1. Confidence" and labels[-1] == "10. Somewhere to live" and len(labels) == 10
        assert "Free from pressure" not in form
        with session_scope(web.db) as s:
            audit = s.execute(select(AuditLog).where(AuditLog.action == "edit_outcome_instrument")).scalars().all()
            assert audit[-1].actor_id == admin_id and audit[-1].subject_type == "outcome_instrument"
        bad = ad.submit("/staff/admin/outcomes", "/staff/admin/outcomes", data | {"scale": " "})
        assert bad.status_code == 400 and "Nothing was saved" in bad.text and "Write the scale text" in bad.text
        yml = ad.get("/staff/admin/outcomes.yml")
        assert yml.status_code == 200 and "key: confidence" in yml.text
        assert "outcome-instrument.yml" in yml.headers["content-disposition"]
    finally:
        with session_scope(web.db) as s:  # the other tests use the SAMPLE areas in their order
            outcomes.save_instrument(s, original, None, "load_outcome_instrument")
