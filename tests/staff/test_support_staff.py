"""Beyond the two meetings (#24), the staff side over real HTTP on SQLite and PostgreSQL:
her keyworker named on the case page, a re-arrest recorded and cleared, a reading corrected
(checked, nothing saved when wrong, audited without the scores), and her check-ins: asked
now (start or review stage, one open at a time) and cancelled; each change audited."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from bot.dates import today_london
from bot.db.crud import outcomes as crud
from bot.db.models import AuditLog, Referral, Staff
from bot.db.models.outcomes import OutcomeReading, ReadingSource, ReadingStage
from bot.db.models.support import InvitationKind, InvitationStatus, SupportInvitation
from bot.db.session import session_scope
from bot.staff import support_invitations
from bot.staff.support_invitations import InvitationError
from tests.staff.conftest import make_staff
from tests.staff.test_outcome_pages import make_case


def audits(url: str, action: str, subject_id: int) -> list[tuple]:
    with session_scope(url) as s:
        return [
            tuple(r)
            for r in s.execute(
                select(AuditLog.actor_id, AuditLog.subject_type).where(
                    AuditLog.action == action, AuditLog.subject_id == subject_id
                )
            ).all()
        ]


def referral_of(url: str, rid: int) -> Referral:
    with session_scope(url) as s:
        return s.get(Referral, rid)


# ---- her keyworker ---------------------------------------------------------------------


def test_a_keyworker_names_her_keyworker_from_active_staff(web, keyworker):
    staff_id, kw = keyworker
    case = make_case(web.db)
    other_id, _ = make_staff(web.db, "admin")
    gone_id, _ = make_staff(web.db, "keyworker")
    with session_scope(web.db) as s:
        s.get(Staff, gone_id).active = False  # she has left
    page = kw.get(f"/staff/cases/{case}").text
    assert 'id="keyworker-name">None named yet<' in page
    assert '<label for="case-keyworker">' in page
    options = re.findall(r'<option value="(\d+)"', page[page.index('id="case-keyworker"') :].split("</select>")[0])
    assert str(staff_id) in options and str(other_id) in options and str(gone_id) not in options
    resp = kw.submit(f"/staff/cases/{case}", f"/staff/cases/{case}/keyworker", {"keyworker": str(other_id)})
    assert resp.status_code == 303 and resp.headers["location"].endswith(f"/staff/cases/{case}?ok=saved#keyworker")
    assert referral_of(web.db, case).keyworker_id == other_id
    page = kw.get(f"/staff/cases/{case}").text
    assert 'id="keyworker-name">Test Admin<' in page and f'<option value="{other_id}" selected>' in page
    assert audits(web.db, "set_keyworker", case) == [(staff_id, "referral")]
    # Someone who has left cannot be chosen, whatever the form sends: nothing changes.
    bad = kw.submit(f"/staff/cases/{case}", f"/staff/cases/{case}/keyworker", {"keyworker": str(gone_id)})
    assert bad.status_code == 400 and "Choose her keyworker from the list" in bad.text
    assert referral_of(web.db, case).keyworker_id == other_id
    cleared = kw.submit(f"/staff/cases/{case}", f"/staff/cases/{case}/keyworker", {"keyworker": ""})
    assert cleared.status_code == 303 and referral_of(web.db, case).keyworker_id is None
    assert audits(web.db, "clear_keyworker", case) == [(staff_id, "referral")]
    no_token = kw.post(f"/staff/cases/{case}/keyworker", {"keyworker": str(staff_id)})
    assert no_token.status_code == 403 and referral_of(web.db, case).keyworker_id is None


# ---- re-arrest -------------------------------------------------------------------------


def test_a_re_arrest_is_recorded_checked_and_cleared(web, keyworker):
    staff_id, kw = keyworker
    case = make_case(web.db)  # referred today
    page = kw.get(f"/staff/cases/{case}").text
    assert 'id="rearrested-on">Not recorded<' in page and '<label for="case-rearrested-on">' in page
    assert 'id="clear-rearrest"' not in page
    url, action = f"/staff/cases/{case}", f"/staff/cases/{case}/rearrest"
    future = kw.submit(url, action, {"rearrested_on": (today_london() + timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and "is in the future" in future.text
    before = kw.submit(url, action, {"rearrested_on": (today_london() - timedelta(days=2)).isoformat()})
    assert before.status_code == 400 and "before she was referred" in before.text
    garbled = kw.submit(url, action, {"rearrested_on": "last tuesday"})
    assert garbled.status_code == 400 and "like 2026-04-01" in garbled.text
    assert referral_of(web.db, case).rearrested_on is None and audits(web.db, "record_rearrest", case) == []
    today = today_london()
    ok = kw.submit(url, action, {"rearrested_on": today.isoformat()})
    assert ok.status_code == 303
    saved = referral_of(web.db, case)
    assert saved.rearrested_on == today and saved.rearrest_recorded_by_id == staff_id
    page = kw.get(url).text
    assert 'id="rearrested-on">Not recorded<' not in page and 'id="clear-rearrest"' in page
    assert f'value="{today.isoformat()}"' in page
    assert audits(web.db, "record_rearrest", case) == [(staff_id, "referral")]
    assert kw.submit(url, action, {"clear": "yes"}).status_code == 303
    cleared = referral_of(web.db, case)
    assert cleared.rearrested_on is None and cleared.rearrest_recorded_by_id is None
    assert audits(web.db, "clear_rearrest", case) == [(staff_id, "referral")]
    assert kw.submit(url, "/staff/cases/999999/rearrest", {"clear": "yes"}).status_code == 404


# ---- correcting a reading --------------------------------------------------------------


def _reading(url: str, case: int, scores: dict[str, int], source=ReadingSource.KEYWORKER) -> tuple[int, dict]:
    with session_scope(url) as s:
        instrument = crud.get_instrument(s)
        assert instrument is not None
        ids = {a.key: a.id for a in instrument.active}
        referral = s.get(Referral, case)
        row = crud.add_reading(
            s, referral, today_london(), ReadingStage.START, source, {ids[k]: v for k, v in scores.items()}, None
        )
        return row.id, ids


def test_a_reading_is_corrected_and_audited_without_its_scores(web, keyworker):
    staff_id, kw = keyworker
    case = make_case(web.db)
    reading_id, ids = _reading(web.db, case, {"home": 2, "safety": 9}, ReadingSource.HER)
    page = kw.get(f"/staff/cases/{case}").text
    link = f"/staff/cases/{case}/outcomes/{reading_id}/edit"
    assert f'href="{link}"' in page and "corrected by" not in page
    form = kw.get(link)
    assert form.status_code == 200 and "Correct a reading" in form.text and "by her, by chat" in form.text
    assert f'<select id="score-{ids["home"]}"' in form.text and '<option value="2" selected>2</option>' in form.text
    assert f'<label for="score-{ids["home"]}">' in form.text and '<label for="taken-on">' in form.text
    today = today_london().isoformat()
    fixed = {f"score_{ids['home']}": "3", f"score_{ids['safety']}": "", f"score_{ids['money']}": "6"}
    resp = kw.submit(
        link, f"/staff/cases/{case}/outcomes/{reading_id}", {"taken_on": today, "stage": "review", **fixed}
    )
    assert resp.status_code == 303 and resp.headers["location"].endswith(f"/staff/cases/{case}#outcomes")
    with session_scope(web.db) as s:
        row = s.get(OutcomeReading, reading_id)
        assert row.scores == {str(ids["home"]): 3, str(ids["money"]): 6}  # safety now skipped
        assert row.stage == ReadingStage.REVIEW and row.source == ReadingSource.HER
        assert row.corrected_by_id == staff_id and row.corrected_at is not None
        assert s.execute(select(OutcomeReading).where(OutcomeReading.referral_id == case)).scalars().all() == [row]
    assert audits(web.db, "correct_outcome_reading", reading_id) == [(staff_id, "outcome_reading")]
    assert "corrected by Test Keyworker" in kw.get(f"/staff/cases/{case}").text


def test_a_wrong_correction_says_what_to_fix_and_saves_nothing(web, keyworker):
    _, kw = keyworker
    case = make_case(web.db)
    reading_id, ids = _reading(web.db, case, {"home": 4})
    link, action = f"/staff/cases/{case}/outcomes/{reading_id}/edit", f"/staff/cases/{case}/outcomes/{reading_id}"
    today = today_london().isoformat()
    none = kw.submit(link, action, {"taken_on": today, "stage": "start", f"score_{ids['home']}": ""})
    assert none.status_code == 400 and "Nothing was saved" in none.text and "Score at least one area" in none.text
    bad = kw.submit(link, action, {"taken_on": "2099-01-01", "stage": "start", f"score_{ids['home']}": "11"})
    assert bad.status_code == 400 and "in the future" in bad.text and "choose a score from 1 to 10" in bad.text
    assert 'value="2099-01-01"' in bad.text  # what was typed stays on the form
    with session_scope(web.db) as s:
        row = s.get(OutcomeReading, reading_id)
        assert row.scores == {str(ids["home"]): 4} and row.corrected_at is None
    assert audits(web.db, "correct_outcome_reading", reading_id) == []
    other = make_case(web.db)  # a reading is corrected only through its own case
    assert kw.get(f"/staff/cases/{other}/outcomes/{reading_id}/edit").status_code == 404
    stray = kw.submit(
        link, f"/staff/cases/{other}/outcomes/{reading_id}", {"taken_on": today, f"score_{ids['home']}": "5"}
    )
    assert stray.status_code == 404


# ---- check-ins and the survey ----------------------------------------------------------


def invitations(url: str, case: int) -> list[SupportInvitation]:
    with session_scope(url) as s:
        return list(
            s.execute(
                select(SupportInvitation).where(SupportInvitation.referral_id == case).order_by(SupportInvitation.id)
            ).scalars()
        )


def test_asking_for_a_check_in_now_and_cancelling_it(web, keyworker):
    staff_id, kw = keyworker
    case = make_case(web.db)
    url = f"/staff/cases/{case}"
    page = kw.get(url).text
    assert 'id="ask-checkin"' in page and 'id="no-invitations"' in page
    resp = kw.submit(url, f"{url}/checkins")
    assert resp.status_code == 303 and resp.headers["location"].endswith("#support")
    (first,) = invitations(web.db, case)
    assert first.kind == InvitationKind.CHECKIN and first.status == InvitationStatus.SCHEDULED
    assert first.stage == ReadingStage.START  # no reading yet
    assert first.due_on == today_london() and first.scheduled_by_id == staff_id
    assert audits(web.db, "ask_checkin", first.id) == [(staff_id, "support_invitation")]
    again = kw.submit(url, f"{url}/checkins")
    assert again.status_code == 400 and "already open" in again.text and len(invitations(web.db, case)) == 1
    page = kw.get(url).text
    row = page[page.index(f'data-invitation-id="{first.id}"') :].split("</tr>")[0]
    assert "Check-in" in row and "Start" in row and "Waiting for its day" in row and "Not yet" in row
    assert f'id="cancel-invitation-{first.id}"' in row
    assert 'id="checkin-open"' in page and 'id="ask-checkin"' not in page  # the button comes back once it closes
    cancel = kw.submit(url, f"{url}/invitations/{first.id}/cancel")
    assert cancel.status_code == 303 and invitations(web.db, case)[0].status == InvitationStatus.CANCELLED
    assert audits(web.db, "cancel_support_invitation", first.id) == [(staff_id, "support_invitation")]
    twice = kw.submit(url, f"{url}/invitations/{first.id}/cancel")
    assert twice.status_code == 400 and "no longer open" in twice.text
    page = kw.get(url).text
    assert "Cancelled by staff" in page and f'id="cancel-invitation-{first.id}"' not in page
    assert 'id="ask-checkin"' in page
    # With a reading, the next check-in is a review; another case's invitation is not this case's to cancel.
    _reading(web.db, case, {"home": 5})
    assert kw.submit(url, f"{url}/checkins").status_code == 303
    second = invitations(web.db, case)[-1]
    assert second.stage == ReadingStage.REVIEW and second.status == InvitationStatus.SCHEDULED
    other = make_case(web.db)
    stray = kw.submit(f"/staff/cases/{other}", f"/staff/cases/{other}/invitations/{second.id}/cancel")
    assert stray.status_code == 404 and invitations(web.db, case)[-1].status == InvitationStatus.SCHEDULED


def test_the_row_helpers_refuse_what_they_must(web):
    staff_id, _ = make_staff(web.db, "keyworker")
    case = make_case(web.db)
    with session_scope(web.db) as s:
        sent = SupportInvitation(
            kind=InvitationKind.CHECKIN,
            referral_id=case,
            woman_id=s.get(Referral, case).woman_id,
            stage=ReadingStage.START,
            due_on=date(2026, 1, 5),
            status=InvitationStatus.SENT,
        )
        survey = SupportInvitation(
            kind=InvitationKind.SURVEY,
            referral_id=case,
            woman_id=sent.woman_id,
            due_on=date(2026, 1, 6),
            status=InvitationStatus.DONE,
        )
        s.add_all([sent, survey])
        s.flush()
        sent_id, survey_id = sent.id, survey.id
    with session_scope(web.db) as s:
        try:
            support_invitations.create_checkin(s, case, staff_id, date(2026, 2, 1))
            raise AssertionError("a sent check-in is open: no second one")
        except InvitationError:
            pass
    with session_scope(web.db) as s:
        try:
            support_invitations.cancel(s, survey_id, staff_id)
            raise AssertionError("an answered survey cannot be cancelled")
        except InvitationError:
            pass
    with session_scope(web.db) as s:
        support_invitations.cancel(s, sent_id, staff_id)
    with session_scope(web.db) as s:
        made = support_invitations.create_checkin(s, case, staff_id, date(2026, 2, 1))
        assert made.due_on == date(2026, 2, 1) and made.stage == ReadingStage.START
    with session_scope(web.db) as s:
        rows = support_invitations.for_case(s, case)
    assert [(r.kind, r.status, r.open) for r in rows] == [
        ("Check-in", "Waiting for its day", True),
        ("Closing survey", "Answered", False),
        ("Check-in", "Cancelled by staff", False),
    ]
