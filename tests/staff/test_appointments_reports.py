"""Attendance (drives caution completion and the missed-appointment alert), slots, reports."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from bot.db.models import (
    Alert,
    AlertReason,
    AlertUrgency,
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
from tests.staff.test_pages import query


def make_cautioned_case(url: str, slot_offsets_h=(-48, -24, -2)) -> tuple[int, list[int]]:
    with session_scope(url) as session:
        woman = Woman(preferred_name="Caution Cat", phone_e164="+447700900654", safe_to_text=True)
        session.add(woman)
        session.flush()
        referral = Referral(
            reference="ELP-" + uuid.uuid4().hex[:6].upper(),
            woman_id=woman.id,
            pathway=Pathway.POLICE_CAUTION,
            caution_date=date.today() - timedelta(days=10),
            caution_deadline=date.today() + timedelta(days=90),
            borough="Southwark",
            in_coverage=True,
            channel="sms",
            conversation_id=woman.phone_e164,
        )
        session.add(referral)
        session.flush()
        centre_id = session.execute(select(Centre.id).order_by(Centre.id)).scalars().first()
        ids = []
        kinds = [AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2, AppointmentKind.FOLLOW_UP]
        for kind, hours in zip(kinds, slot_offsets_h):
            start = utcnow() + timedelta(hours=hours, minutes=len(ids))
            slot = AppointmentSlot(
                centre_id=centre_id, starts_at=start, ends_at=start + timedelta(hours=1), capacity=1, booked_count=1
            )
            session.add(slot)
            session.flush()
            appt = Appointment(referral_id=referral.id, slot_id=slot.id, kind=kind, status=AppointmentStatus.BOOKED)
            session.add(appt)
            session.flush()
            ids.append(appt.id)
        return referral.id, ids


def mark(kw, rid: int, appt_id: int, outcome: str):
    return kw.submit(
        f"/staff/cases/{rid}", f"/staff/cases/{rid}/appointments/{appt_id}/attendance", {"outcome": outcome}
    )


def test_both_mandatory_attended_completes_the_caution(web, keyworker):
    staff_id, kw = keyworker
    rid, (first, second, _) = make_cautioned_case(web.db)
    page = kw.get(f"/staff/cases/{rid}").text
    assert f'data-appointment-id="{first}"' in page
    assert mark(kw, rid, first, "attended").status_code == 303
    assert query(web.db, lambda s: s.get(Referral, rid).caution_completed_at) is None
    assert mark(kw, rid, second, "attended").status_code == 303
    assert query(web.db, lambda s: s.get(Referral, rid).caution_completed_at) is not None
    appt = query(web.db, lambda s: s.get(Appointment, second))
    assert appt.status == AppointmentStatus.ATTENDED and appt.marked_by_id == staff_id


def test_missed_appointment_raises_the_urgent_alert(web, keyworker):
    _, kw = keyworker
    rid, (first, _, _) = make_cautioned_case(web.db)
    assert mark(kw, rid, first, "missed").status_code == 303
    alerts = query(web.db, lambda s: list(s.execute(select(Alert).where(Alert.referral_id == rid)).scalars()))
    assert [(a.reason, a.urgency) for a in alerts] == [(AlertReason.MISSED_APPOINTMENT, AlertUrgency.URGENT)]
    assert query(web.db, lambda s: s.get(Referral, rid).caution_completed_at) is None


def test_future_or_foreign_appointments_cannot_be_marked(web, keyworker):
    _, kw = keyworker
    rid, (first, _, _) = make_cautioned_case(web.db, slot_offsets_h=(48, 72, 96))
    resp = mark(kw, rid, first, "attended")
    assert resp.status_code == 400 and "not happened yet" in resp.text
    other, _ = make_cautioned_case(web.db)
    assert mark(kw, other, first, "attended").status_code == 404
    assert mark(kw, rid, first, "maybe").status_code == 400
    assert query(web.db, lambda s: s.get(Appointment, first).status) == AppointmentStatus.BOOKED


def test_admin_adds_single_and_weekly_slots_without_duplicates(web, admin):
    _, ad = admin
    centre_id = query(web.db, lambda s: s.execute(select(Centre.id).order_by(Centre.id)).scalars().first())
    day = (date.today() + timedelta(days=30)).isoformat()
    form = {
        "centre_id": str(centre_id),
        "keyworker_id": "",
        "day": day,
        "start": "10:30",
        "minutes": "45",
        "capacity": "2",
        "repeat": "on",
        "weeks": "3",
    }
    resp = ad.submit("/staff/admin/slots", "/staff/admin/slots", form)
    assert resp.status_code == 200 and "3 slot(s) added" in resp.text
    again = ad.submit("/staff/admin/slots", "/staff/admin/slots", form)
    assert "0 slot(s) added, 3 already there" in again.text
    slots = query(
        web.db,
        lambda s: list(
            s.execute(
                select(AppointmentSlot).where(AppointmentSlot.centre_id == centre_id, AppointmentSlot.capacity == 2)
            ).scalars()
        ),
    )
    assert len(slots) == 3
    assert {
        s.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London")).strftime("%H:%M") for s in slots
    } == {"10:30"}
    bad = ad.submit("/staff/admin/slots", "/staff/admin/slots", {**form, "day": "2001-01-01", "repeat": ""})
    assert bad.status_code == 400 and "past" in bad.text
    junk = ad.submit("/staff/admin/slots", "/staff/admin/slots", {**form, "start": "25:99"})
    assert junk.status_code == 400


def test_reports_show_needs_engagement_and_alerts(web, keyworker):
    _, kw = keyworker
    rid, (first, second, _) = make_cautioned_case(web.db)
    with session_scope(web.db) as session:
        for need in (Need.HEALTH, Need.ABUSE, Need.DRUGS_ALCOHOL, Need.ACCOMMODATION):
            session.add(ReferralNeed(referral_id=rid, need=need))
    mark(kw, rid, first, "attended")
    page = kw.get("/staff/reports")
    assert page.status_code == 200
    assert "With 4 or more needs" in page.text and "Referrals by pathway and month" in page.text
    assert "Cautioned: at least one mandatory attended" in page.text
    assert "<svg" in page.text and "<script" not in page.text
