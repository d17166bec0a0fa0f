"""The case page in plain words over real HTTP (SQLite and PostgreSQL): pathway and needs
as the conversation words them, appointments in date order with attendance only once a
meeting has started, the caution panel, keyworkers' notes (encrypted at rest, audited,
in her data summary and erasure), and the alert when a caution deadline is near."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select, text

from bot.appointments.deadline_alerts import warn_near_deadlines
from bot.db.models import (
    Alert,
    AlertReason,
    AlertUrgency,
    AuditLog,
    CaseNote,
    Centre,
    Need,
    Pathway,
    Referral,
    ReferralNeed,
    Woman,
)
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentSlot, AppointmentStatus
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.privacy.summary import summary_lines


def make_case(
    url: str,
    pathway=Pathway.POLICE_CAUTION,
    deadline: date | None = None,
    needs=(Need.FINANCE, Need.CHILDREN_FAMILIES),
    appointments=(),
) -> int:
    """appointments: (kind, hours from now, status) each."""
    with session_scope(url) as session:
        woman = Woman(preferred_name="Plain Pat", phone_e164="+447700900765", safe_to_text=True)
        session.add(woman)
        session.flush()
        caution = pathway == Pathway.POLICE_CAUTION
        referral = Referral(
            reference="ELP-" + uuid.uuid4().hex[:6].upper(),
            woman_id=woman.id,
            pathway=pathway,
            caution_date=date.today() - timedelta(days=10) if caution else None,
            caution_deadline=deadline if caution else None,
            borough="Southwark",
            in_coverage=True,
            channel="sms",
            conversation_id=f"case-{uuid.uuid4().hex[:10]}",
        )
        session.add(referral)
        session.flush()
        session.add_all(ReferralNeed(referral_id=referral.id, need=n) for n in needs)
        centre_id = session.execute(select(Centre.id).order_by(Centre.id)).scalars().first()
        for kind, hours, status in appointments:
            start = utcnow() + timedelta(hours=hours)
            slot = AppointmentSlot(
                centre_id=centre_id, starts_at=start, ends_at=start + timedelta(hours=1), capacity=1, booked_count=1
            )
            session.add(slot)
            session.flush()
            session.add(Appointment(referral_id=referral.id, slot_id=slot.id, kind=kind, status=status))
        session.flush()
        return referral.id


def rows_of(html: str) -> list[str]:
    body = html[html.index('id="appointments"') :]
    body = body[: body.index("</table>")]
    return body.split("<tr data-appointment-id=")[1:]


def test_pathway_and_needs_in_words(web, keyworker):
    _, kw = keyworker
    page = kw.get(f"/staff/cases/{make_case(web.db)}").text
    assert "Police referral (caution)" in page and "Money or debt" in page and "Children and family" in page
    for code in ("police_caution", "children_families", "finance_benefit_debt"):
        assert code not in page.replace('value="police_caution"', "")
    self_page = kw.get(f"/staff/cases/{make_case(web.db, Pathway.SELF, needs=())}").text
    assert "Self-referral" in self_page and "Nothing chosen yet" in self_page
    assert 'id="caution-panel"' not in self_page
    listing = kw.get("/staff/cases?q=plain").text
    assert "Police referral (caution)" in listing and ">police_caution<" not in listing


def test_appointments_in_date_order_and_attendance_only_once_started(web, keyworker):
    _, kw = keyworker
    rid = make_case(
        web.db,
        deadline=date.today() + timedelta(days=60),
        appointments=[
            (AppointmentKind.FOLLOW_UP, 72, AppointmentStatus.BOOKED),  # made first, latest
            (AppointmentKind.MANDATORY_2, 24, AppointmentStatus.BOOKED),  # tomorrow
            (AppointmentKind.MANDATORY_1, -26, AppointmentStatus.CONFIRMED),  # yesterday
            (AppointmentKind.ASSESSMENT, -50, AppointmentStatus.CANCELLED),
        ],
    )
    rows = rows_of(kw.get(f"/staff/cases/{rid}").text)
    assert [r.split("<td>")[1].split("</td>")[0] for r in rows] == [
        "Assessment",
        "Caution meeting 1",
        "Caution meeting 2",
        "Follow-up",
    ]
    marks = ["Attended</button>" in r for r in rows]
    assert marks == [False, True, False, False]  # cancelled, started, future, future
    assert "Booked, she confirmed" in rows[1] and "Cancelled" in rows[0]


def test_caution_panel_meetings_deadline_and_days_left(web, keyworker):
    _, kw = keyworker
    rid = make_case(
        web.db,
        deadline=date.today() + timedelta(days=20),
        appointments=[(AppointmentKind.MANDATORY_1, -30, AppointmentStatus.MISSED)],
    )
    page = kw.get(f"/staff/cases/{rid}").text
    panel = page[page.index('id="caution-panel"') : page.index("</section>", page.index('id="caution-panel"'))]
    assert "Caution conditions" in panel and "Missed</strong>" in panel and "not rebooked" in panel
    assert '<dd class="meeting" data-state="not booked"><strong>Not booked</strong>' in panel
    assert "days left" in panel and "Conditions complete" not in panel
    done = make_case(
        web.db,
        deadline=date.today() + timedelta(days=5),
        appointments=[
            (AppointmentKind.MANDATORY_1, -80, AppointmentStatus.ATTENDED),
            (AppointmentKind.MANDATORY_2, -30, AppointmentStatus.ATTENDED),
        ],
    )
    page = kw.get(f"/staff/cases/{done}").text
    assert "Conditions complete" in page and page.count('data-state="attended"') == 2
    late = make_case(web.db, deadline=date.today() - timedelta(days=3))
    assert "passed 3 days ago" in kw.get(f"/staff/cases/{late}").text


def test_notes_are_encrypted_audited_summarised_and_erased(web, keyworker, admin):
    staff_id, kw = keyworker
    rid = make_case(web.db, Pathway.SELF)
    page = f"/staff/cases/{rid}"
    note = "Spoke to her about the food bank <b>voucher</b>."
    assert kw.submit(page, f"{page}/notes", {"note": note}).status_code == 303
    shown = kw.get(page).text
    assert "Spoke to her about the food bank &lt;b&gt;voucher&lt;/b&gt;." in shown and "Test Keyworker" in shown
    assert "Note added." in kw.get(page + "?ok=note").text
    empty = kw.submit(page, f"{page}/notes", {"note": "  "})
    assert empty.status_code == 400 and "Write the note first." in empty.text
    assert kw.submit(page, "/staff/cases/999999/notes", {"note": "x"}).status_code == 404
    with session_scope(web.db) as session:
        stored = session.execute(text("SELECT text FROM case_notes WHERE referral_id = :r"), {"r": rid}).scalar_one()
        assert "food bank" not in stored  # encrypted at rest
        assert session.execute(select(CaseNote.text).where(CaseNote.referral_id == rid)).scalar_one() == note
        assert (
            session.execute(
                select(AuditLog.id).where(
                    AuditLog.actor_id == staff_id, AuditLog.action == "add_case_note", AuditLog.subject_id == rid
                )
            ).first()
            is not None
        )
        woman_id = session.get(Referral, rid).woman_id
        lines = summary_lines(session, woman_id, actor_type="staff", actor_id=staff_id)
    assert any("Notes your keyworker wrote about your case: 1" in line for line in lines)
    assert not any("food bank" in line for line in lines)  # the summary may be read on her phone
    _, adm = admin
    with session_scope(web.db) as session:
        reference = session.get(Referral, rid).reference
    assert adm.submit(page, f"{page}/erase", {"confirm": reference}).status_code == 303
    with session_scope(web.db) as session:
        assert session.execute(select(CaseNote).where(CaseNote.referral_id == rid)).first() is None


def test_an_alert_when_the_deadline_is_near_and_a_meeting_is_not_booked_once(web):
    near = make_case(
        web.db,
        deadline=date.today() + timedelta(days=10),
        appointments=[(AppointmentKind.MANDATORY_1, 48, AppointmentStatus.BOOKED)],
    )
    booked = make_case(
        web.db,
        deadline=date.today() + timedelta(days=10),
        appointments=[
            (AppointmentKind.MANDATORY_1, 24, AppointmentStatus.BOOKED),
            (AppointmentKind.MANDATORY_2, 120, AppointmentStatus.BOOKED),
        ],
    )
    far = make_case(web.db, deadline=date.today() + timedelta(days=40))
    passed = make_case(web.db, deadline=date.today() - timedelta(days=1))
    for _ in range(2):  # the worker runs it hourly: still one alert
        with session_scope(web.db) as session:
            warn_near_deadlines(session)
    with session_scope(web.db) as session:

        def alerts(rid):
            return (
                session.execute(
                    select(Alert).where(Alert.referral_id == rid, Alert.reason == AlertReason.CAUTION_DEADLINE)
                )
                .scalars()
                .all()
            )

        found = alerts(near)
        assert [(a.urgency, a.summary) for a in found] == [
            (AlertUrgency.NORMAL, "Caution deadline in 10 days: meeting 2 not booked")
        ]
        assert session.get(Referral, near).deadline_alerted_at is not None
        assert not alerts(booked) and not alerts(far) and not alerts(passed)


def test_every_field_on_the_case_page_has_a_label_and_ids_are_unique(web, admin):
    """The fields #24 added (keyworker, re-arrest, check-ins, corrections) keep the page's rule:
    every visible field has a <label for>, and no id is used twice (the browser tests add axe)."""
    import re

    from bot.staff import support_invitations

    staff_id, ad = admin
    rid = make_case(web.db, Pathway.SELF)
    with session_scope(web.db) as session:
        referral = session.get(Referral, rid)
        referral.rearrested_on = date.today()
        support_invitations.create_checkin(session, rid, staff_id)
    page = ad.get(f"/staff/cases/{rid}").text
    assert 'id="case-keyworker"' in page and 'id="case-rearrested-on"' in page and 'data-invitation-id="' in page
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    fields = re.findall(r"<(input|select|textarea)\b([^>]*)>", page)
    visible = [attrs for _tag, attrs in fields if 'type="hidden"' not in attrs]
    assert len(visible) >= 5  # note, keyworker, re-arrest, status, erase
    for attrs in visible:
        found = re.search(r'id="([^"]+)"', attrs)
        assert found and found.group(1) in labelled, attrs
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
