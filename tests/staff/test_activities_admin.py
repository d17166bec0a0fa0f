"""The groups and activities admin page over real HTTP: add, edit, validation, close, audit."""

from __future__ import annotations

import html
import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.activities import service
from bot.db.models import AuditLog, Centre, OutboxMessage, OutboxStatus, Pathway, Referral, Woman
from bot.db.models.support import Activity
from bot.db.session import session_scope

PAGE = "/staff/admin/activities"
LONDON = ZoneInfo("Europe/London")


def centre_id(url: str) -> int:
    with session_scope(url) as s:
        return s.execute(select(Centre.id).where(Centre.active.is_(True)).order_by(Centre.id)).scalars().first()


def form(url: str, **changes) -> dict:
    title = f"Art group {uuid.uuid4().hex[:6]}"
    return {
        "centre_id": str(centre_id(url)),
        "title": title,
        "description": "Paint, tea and a chat.",
        "day": (date.today() + timedelta(days=10)).isoformat(),
        "start": "14:00",
        "end": "16:00",
        "places": "8",
        **changes,
    }


def by_title(url: str, title: str) -> Activity | None:
    with session_scope(url) as s:
        return s.execute(select(Activity).where(Activity.title == title)).unique().scalar_one_or_none()


def audit_actions(url: str, staff_id: int) -> list[tuple[str, int | None]]:
    with session_scope(url) as s:
        return [
            (a.action, a.subject_id)
            for a in s.execute(
                select(AuditLog)
                .where(AuditLog.actor_id == staff_id, AuditLog.subject_type == "activity")
                .order_by(AuditLog.id)
            ).scalars()
        ]


def book_a_woman(url: str, activity_id: int) -> int:
    """A woman we support takes a place (as the conversation would); her booking's id."""
    with session_scope(url) as s:
        woman = Woman(preferred_name="Ada", phone_e164=f"+4477009{uuid.uuid4().int % 100000:05d}", safe_to_text=True)
        s.add(woman)
        s.flush()
        referral = Referral(
            reference="ELP-" + uuid.uuid4().hex[:6].upper(),
            woman_id=woman.id,
            pathway=Pathway.SELF,
            borough="Southwark",
            in_coverage=True,
            channel="sms",
        )
        s.add(referral)
        s.flush()
        return service.book(s, referral.id, activity_id).id


def test_admin_adds_an_activity_and_it_is_listed_and_audited(web, admin):
    admin_id, ad = admin
    data = form(web.db)
    resp = ad.submit(PAGE, PAGE, data)
    assert resp.status_code == 303
    page = ad.get(PAGE + "?ok=saved")
    assert page.status_code == 200 and "Saved." in page.text
    added = by_title(web.db, data["title"])
    assert added is not None
    assert (added.places, added.booked_count, added.active, added.created_by_id) == (8, 0, True, admin_id)
    starts = added.starts_at.astimezone(LONDON)
    assert (starts.date().isoformat(), starts.strftime("%H:%M")) == (data["day"], "14:00")
    assert added.ends_at.astimezone(LONDON).strftime("%H:%M") == "16:00"
    assert html.escape(data["title"]) in page.text and "0 of 8" in page.text
    assert ("add_activity", added.id) in audit_actions(web.db, admin_id)


def test_mistakes_are_named_kindly_and_nothing_is_saved(web, admin):
    admin_id, ad = admin
    before = len(audit_actions(web.db, admin_id))
    cases = [
        ({"title": "   "}, "Give it a title"),
        ({"day": "24/03/2026"}, "Enter the day as a date"),
        ({"start": "25:99"}, "Enter the start and end as times"),
        ({"start": "16:00", "end": "14:00"}, "The end time must be after the start time"),
        ({"day": "2001-01-01"}, "already passed"),
        ({"places": "0"}, "Places must be a whole number from 1 to 500"),
        ({"places": "lots"}, "Places must be a whole number"),
        ({"centre_id": "999999"}, "Choose one of the open centres"),
    ]
    for changes, words in cases:
        data = form(web.db, **changes)
        resp = ad.submit(PAGE, PAGE, data)
        assert resp.status_code == 400, changes
        assert "Nothing was saved" in resp.text and words in html.unescape(resp.text), changes
        assert 'role="alert"' in resp.text
        assert by_title(web.db, data["title"].strip() or "x") is None, changes
    # What she typed is shown back, so one fix is all it takes.
    kept = ad.submit(PAGE, PAGE, form(web.db, title="Yoga", places="0"))
    assert 'value="Yoga"' in kept.text
    assert len(audit_actions(web.db, admin_id)) == before


def test_admin_edits_an_activity_but_places_never_go_below_those_booked(web, admin):
    admin_id, ad = admin
    data = form(web.db, places="3")
    assert ad.submit(PAGE, PAGE, data).status_code == 303
    activity = by_title(web.db, data["title"])
    assert activity is not None
    booking_ids = [book_a_woman(web.db, activity.id), book_a_woman(web.db, activity.id)]
    edit = f"{PAGE}/{activity.id}"
    page = ad.get(edit)
    assert page.status_code == 200 and "2 of 3 places booked" in page.text and 'value="14:00"' in page.text
    too_few = ad.submit(edit, edit, {**data, "places": "1"})
    assert too_few.status_code == 400
    assert "2 women already have a place, so there must be at least 2 places" in html.unescape(too_few.text)
    assert by_title(web.db, data["title"]).places == 3
    # A new time: saved, and the women's reminders follow it.
    later = (date.today() + timedelta(days=12)).isoformat()
    saved = ad.submit(edit, edit, {**data, "title": data["title"] + " (new)", "day": later, "places": "2"})
    assert saved.status_code == 303
    changed = by_title(web.db, data["title"] + " (new)")
    assert changed is not None and changed.places == 2 and changed.booked_count == 2
    assert changed.starts_at.astimezone(LONDON).date().isoformat() == later
    with session_scope(web.db) as s:
        pending = s.execute(
            select(OutboxMessage).where(
                OutboxMessage.dedupe_key.in_([f"activity:{b}:day_before" for b in booking_ids]),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
        ).scalars()
        days = {m.send_after.astimezone(LONDON).date().isoformat() for m in pending}
    assert days == {(date.fromisoformat(later) - timedelta(days=1)).isoformat()}
    assert ("edit_activity", activity.id) in audit_actions(web.db, admin_id)
    assert ad.get(f"{PAGE}/999999").status_code == 404


def test_closing_an_activity_stops_new_places_and_its_reminders_and_reopening_brings_them_back(web, admin):
    admin_id, ad = admin
    data = form(web.db)
    assert ad.submit(PAGE, PAGE, data).status_code == 303
    activity = by_title(web.db, data["title"])
    assert activity is not None
    booking_id = book_a_woman(web.db, activity.id)
    toggle = f"{PAGE}/{activity.id}/active"

    def reminder_status():
        with session_scope(web.db) as s:
            return s.execute(
                select(OutboxMessage.status).where(OutboxMessage.dedupe_key == f"activity:{booking_id}:day_before")
            ).scalar_one()

    assert reminder_status() == OutboxStatus.PENDING
    assert ad.submit(PAGE, toggle, {}).status_code == 303
    assert by_title(web.db, data["title"]).active is False
    assert reminder_status() == OutboxStatus.CANCELLED
    with session_scope(web.db) as s:
        assert activity.id not in [a.id for a in service.upcoming(s)]
    assert ad.submit(PAGE, toggle, {"active": "on"}).status_code == 303
    assert by_title(web.db, data["title"]).active is True
    assert reminder_status() == OutboxStatus.PENDING
    assert [a for a in audit_actions(web.db, admin_id) if a[1] == activity.id][-2:] == [
        ("close_activity", activity.id),
        ("open_activity", activity.id),
    ]


def test_keyworkers_cannot_open_the_page_and_forms_need_the_token(web, keyworker, admin):
    _, kw = keyworker
    assert kw.get(PAGE).status_code == 403
    _, ad = admin
    resp = ad.post(PAGE, form(web.db))  # no CSRF token
    assert resp.status_code == 403
