"""The staff pages over real HTTP: alerts, cases, audit rows, lockout, escaping,
listings import/export, coverage. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bot.db.crud.alerts import raise_alert
from bot.db.models import (
    Alert,
    AlertReason,
    AlertStatus,
    AuditLog,
    Centre,
    CoverageBorough,
    DirService,
    Pathway,
    Referral,
    ReferralStatus,
    Staff,
    Woman,
)
from bot.db.session import session_scope
from tests.staff.conftest import Client, make_staff

SCRIPT = '<script>alert("x")</script>'


def query(url: str, fn):
    engine = create_engine(url, future=True)
    try:
        with Session(engine) as session:
            return fn(session)
    finally:
        engine.dispose()


def audit_rows(url: str, staff_id: int) -> list[tuple[str, str, int | None]]:
    return query(
        url,
        lambda s: [
            (a.action, a.subject_type, a.subject_id)
            for a in s.execute(select(AuditLog).where(AuditLog.actor_id == staff_id).order_by(AuditLog.id)).scalars()
        ],
    )


def make_case(url: str, name: str = "Jo", borough: str = "Southwark") -> tuple[int, str, str]:
    sender = f"conv-{uuid.uuid4().hex[:10]}"
    reference = "ELP-" + uuid.uuid4().hex[:6].upper()
    with session_scope(url) as session:
        woman = Woman(
            preferred_name=name,
            phone_e164="+447700900321",
            safe_to_text=False,
            safe_to_call=True,
            safe_times="after 6pm",
        )
        session.add(woman)
        session.flush()
        referral = Referral(
            reference=reference,
            woman_id=woman.id,
            pathway=Pathway.SELF,
            borough=borough,
            in_coverage=True,
            channel="rest",
            conversation_id=sender,
        )
        session.add(referral)
        session.flush()
        return referral.id, reference, sender


def test_case_view_shows_contact_preferences_first_and_is_audited(web, keyworker):
    staff_id, kw = keyworker
    referral_id, reference, _ = make_case(web.db, name="Audit Jo")
    page = kw.get(f"/staff/cases/{referral_id}").text
    contact = page.index('id="contact-preferences"')
    assert contact < page.index("Pathway")
    assert "Safe to text" in page and "<strong>No</strong>" in page and "after 6pm" in page
    assert ("view_case", "referral", referral_id) in audit_rows(web.db, staff_id)


def test_case_search_by_reference_name_and_borough(web, keyworker):
    _, kw = keyworker
    rid, reference, _ = make_case(web.db, name="Searchable Sam", borough="Lambeth")
    assert reference in kw.get(f"/staff/cases?q={reference.lower()}").text
    assert reference in kw.get("/staff/cases?q=searchable").text
    assert reference in kw.get("/staff/cases?borough=Lambeth").text
    assert reference not in kw.get("/staff/cases?borough=Hackney").text
    assert kw.get("/staff/cases?q=%25_%5C&page=abc").status_code == 200  # wildcards and junk are harmless


def test_closing_a_case_is_recorded_and_audited(web, keyworker):
    staff_id, kw = keyworker
    rid, _, _ = make_case(web.db)
    resp = kw.submit(f"/staff/cases/{rid}", f"/staff/cases/{rid}/status", {"status": "closed"})
    assert resp.status_code == 303
    referral = query(web.db, lambda s: s.get(Referral, rid))
    assert referral.status == ReferralStatus.CLOSED and referral.closed_at is not None
    assert ("close_case", "referral", rid) in audit_rows(web.db, staff_id)
    bad = kw.submit(f"/staff/cases/{rid}", f"/staff/cases/{rid}/status", {"status": "deleted"})
    assert bad.status_code == 400


def test_alert_queue_urgent_first_then_acknowledge_and_resolve_with_note(web, keyworker):
    staff_id, kw = keyworker
    rid, reference, sender = make_case(web.db, name="Queue Jo")
    with session_scope(web.db) as session:
        normal = raise_alert(
            session, AlertReason.HUMAN_REQUESTED, conversation_id=sender, channel="rest", referral_id=rid
        ).id
        urgent = raise_alert(session, AlertReason.CRISIS, conversation_id=sender, channel="rest", referral_id=rid).id
    queue = kw.get("/staff/alerts").text
    assert queue.index(f'data-alert-id="{urgent}"') < queue.index(f'data-alert-id="{normal}"')
    assert "Queue Jo" in queue and reference in queue
    page = kw.get(f"/staff/alerts/{urgent}")
    assert page.status_code == 200 and "could not be loaded" in page.text  # no Rasa here: said, not crashed
    assert kw.submit(f"/staff/alerts/{urgent}", f"/staff/alerts/{urgent}/acknowledge").status_code == 303
    empty = kw.submit(f"/staff/alerts/{urgent}", f"/staff/alerts/{urgent}/resolve", {"note": "   "})
    assert empty.status_code == 400 and "Write a short note" in empty.text
    note = f"Called her back. {SCRIPT}"
    assert kw.submit(f"/staff/alerts/{urgent}", f"/staff/alerts/{urgent}/resolve", {"note": note}).status_code == 303
    alert = query(web.db, lambda s: s.get(Alert, urgent))
    assert alert.status == AlertStatus.RESOLVED and alert.resolution_note == note
    assert alert.acknowledged_by_id == staff_id == alert.resolved_by_id
    shown = kw.get(f"/staff/alerts/{urgent}").text
    assert SCRIPT not in shown and "&lt;script&gt;" in shown
    actions = [a for a, t, i in audit_rows(web.db, staff_id) if t == "alert" and i == urgent]
    assert actions[0] == "view_alert" and {"acknowledge_alert", "resolve_alert"} <= set(actions)


def test_alert_queue_pages_urgent_first_and_counts_them_all(web, keyworker):
    import re

    from bot.staff.alert_queue import PAGE_SIZE

    _, kw = keyworker
    with session_scope(web.db) as session:
        for _ in range(PAGE_SIZE + 5):
            raise_alert(
                session, AlertReason.HUMAN_REQUESTED, conversation_id=f"pager-{uuid.uuid4().hex[:8]}", channel="rest"
            )
        urgent = raise_alert(
            session, AlertReason.CRISIS, conversation_id=f"pager-{uuid.uuid4().hex[:8]}", channel="rest"
        ).id
    total = query(
        web.db,
        lambda s: s.execute(
            select(func.count()).select_from(Alert).where(Alert.status != AlertStatus.RESOLVED)
        ).scalar_one(),
    )
    ids = lambda html: re.findall(r'data-alert-id="(\d+)"', html)  # noqa: E731
    first = kw.get("/staff/alerts").text
    assert f"{total} open" in first and "Next</a>" in first and "Previous</a>" not in first
    assert len(ids(first)) == PAGE_SIZE and str(urgent) in ids(first)  # the newest alert, but urgent: page 1
    pages = [ids(kw.get(f"/staff/alerts?page={n}").text) for n in range(1, (total - 1) // PAGE_SIZE + 2)]
    seen = [i for page_ids in pages for i in page_ids]
    assert len(seen) == len(set(seen)) == total  # every open alert once, across the pages
    assert kw.get("/staff/alerts?page=x").text.count("data-alert-id") == PAGE_SIZE  # a bad page number: page 1
    assert "No open alerts on this page." in kw.get("/staff/alerts?page=999").text


def test_lockout_over_http_and_admin_unlock(web, admin):
    admin_id, ad = admin
    staff_id, email = make_staff(web.db, "keyworker")
    c = Client(web.url)
    for _ in range(5):
        resp = c.login(email, "not the password at all")
        assert resp.status_code == 401 and "locked" in resp.text
    assert c.login(email).status_code == 401  # right password, still locked
    assert query(web.db, lambda s: s.get(Staff, staff_id).locked_until) is not None
    assert ad.submit("/staff/admin/staff", f"/staff/admin/staff/{staff_id}/unlock").status_code == 303
    assert c.login(email).status_code == 303
    assert ("unlock_staff", "staff", staff_id) in audit_rows(web.db, admin_id)


def test_html_in_fields_is_escaped_everywhere_it_shows(web, admin, keyworker):
    _, ad = admin
    _, kw = keyworker
    name = f"Centre {uuid.uuid4().hex[:6]} {SCRIPT}"
    resp = ad.submit(
        "/staff/admin/centres/new",
        "/staff/admin/centres/save",
        {
            "name": name,
            "address": SCRIPT,
            "postcode": "se15 5aa",
            "borough": "Southwark",
            "opening_hours": "<b>9-5</b>",
            "active": "on",
        },
    )
    assert resp.status_code == 303
    page = ad.get("/staff/admin/centres").text
    assert SCRIPT not in page and "<b>9-5</b>" not in page and "&lt;script&gt;" in page
    rid, _, _ = make_case(web.db, name=SCRIPT)
    assert SCRIPT not in kw.get(f"/staff/cases/{rid}").text
    assert SCRIPT not in kw.get(f"/staff/cases?q={SCRIPT}").text


def test_centre_form_errors_save_nothing(web, admin):
    _, ad = admin
    before = query(web.db, lambda s: s.execute(select(func.count(Centre.id))).scalar_one())
    resp = ad.submit(
        "/staff/admin/centres/new",
        "/staff/admin/centres/save",
        {"name": "Bad Centre", "address": "1 Road", "postcode": "not a postcode", "borough": "Narnia"},
    )
    assert resp.status_code == 400 and "Nothing was saved" in resp.text and "postcode" in resp.text
    assert query(web.db, lambda s: s.execute(select(func.count(Centre.id))).scalar_one()) == before


def test_coverage_edit_changes_what_is_covered(web, admin):
    admin_id, ad = admin
    covered = query(
        web.db, lambda s: set(s.execute(select(CoverageBorough.code).where(CoverageBorough.active.is_(True))).scalars())
    )
    wanted = (covered - {"E09000028"}) | {"E09000003"}  # drop Southwark, add Barnet
    assert ad.submit("/staff/admin/coverage", "/staff/admin/coverage", {"covered": sorted(wanted)}).status_code == 303
    now = query(
        web.db, lambda s: set(s.execute(select(CoverageBorough.code).where(CoverageBorough.active.is_(True))).scalars())
    )
    assert now == wanted
    bad = ad.submit("/staff/admin/coverage", "/staff/admin/coverage", {"covered": ["E09000001", "XX"]})
    assert bad.status_code == 400
    assert (
        query(
            web.db,
            lambda s: set(s.execute(select(CoverageBorough.code).where(CoverageBorough.active.is_(True))).scalars()),
        )
        == wanted
    )
    ad.submit("/staff/admin/coverage", "/staff/admin/coverage", {"covered": sorted(covered)})


def test_admin_adds_keyworker_and_sets_duty(web, admin):
    admin_id, ad = admin
    email = f"new-{uuid.uuid4().hex[:6]}@example.org"
    resp = ad.submit(
        "/staff/admin/staff",
        "/staff/admin/staff/new",
        {
            "name": "New Kw",
            "email": email,
            "phone": "07700 900555",
            "role": "keyworker",
            "password": "a long enough passphrase",
        },
    )
    assert resp.status_code == 303
    person = query(web.db, lambda s: s.execute(select(Staff).where(Staff.email == email)).scalar_one())
    assert person.phone_e164 == "+447700900555" and not person.on_duty
    ad.submit("/staff/admin/staff", f"/staff/admin/staff/{person.id}/duty", {"on_duty": "on"})
    assert query(web.db, lambda s: s.get(Staff, person.id).on_duty) is True
    short = ad.submit(
        "/staff/admin/staff", "/staff/admin/staff/new", {"name": "X", "email": "x-" + email, "password": "short"}
    )
    assert short.status_code == 400 and "12" in short.text


def _listings(url: str, phone_notes: bool = True) -> list[tuple]:
    from bot.directory import list_services

    def read(session):
        return sorted(
            (
                d["name"],
                d["organisation"],
                tuple(d["categories"]),
                d["women_only"],
                d["eligibility"],
                tuple((p["number"], p["description"] if phone_notes else None) for p in d["phones"]),
                tuple((loc["postcode"], loc["borough"], loc["address"]) for loc in d["locations"]),
                tuple((s["weekday"], s["opens_at"], s["closes_at"]) for s in d["schedules"]),
                d["last_checked"],
                d["url"],
            )
            for d in list_services(session, include_inactive=True)
        )

    return query(url, read)


def _listings_from(rows: list[tuple], phone_notes: bool) -> list[tuple]:
    if phone_notes:
        return rows
    return [r[:5] + (tuple((n, None) for n, _ in r[5]),) + r[6:] for r in rows]


def _upload(client: Client, fmt: str, body: str):
    token = client.form_token("/staff/admin/services/import")
    return client.http.post(
        client.base + "/staff/admin/services/import",
        data={"csrf_token": token, "format": fmt},
        files={"file": (f"listings.{fmt}", body.encode("utf-8"))},
        allow_redirects=False,
        timeout=60,
    )


def test_listing_add_edit_then_export_import_round_trip(web, admin):
    admin_id, ad = admin
    tag = uuid.uuid4().hex[:6]
    resp = ad.submit(
        "/staff/admin/services/new",
        "/staff/admin/services/save",
        {
            "name": f"Round Trip Advice {tag}",
            "organisation": "SAMPLE Org",
            "categories": ["housing", "legal_advice"],
            "locations": "Main office | 9 Example Street | SE15 5AA | Southwark",
            "hours": "Mon-Fri 09:30-17:00",
            "phones": "020 7946 0111 | advice line",
            "url": "https://example.org/advice",
            "eligibility": "Women 18+",
            "women_only": "on",
            "closed_on_bank_holidays": "on",
            "active": "on",
            "last_checked": "2026-11-01",
        },
    )
    assert resp.status_code == 303, resp.text[:500]
    before = _listings(web.db)
    exported_csv = ad.get("/staff/admin/services/export.csv").text
    exported_json = ad.get("/staff/admin/services/export.json").text
    assert f"Round Trip Advice {tag}" in exported_csv and json.loads(exported_json)
    for fmt, body in (("json", exported_json), ("csv", exported_csv)):
        preview = _upload(ad, fmt, body)
        assert preview.status_code == 200 and "Nothing has been written yet" in preview.text, preview.text[-800:]
        token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
        resp = ad.submit("/staff/admin/services/import", "/staff/admin/services/import/confirm", {"token": token})
        assert resp.status_code == 200 and "Imported" in resp.text, resp.text[-800:]
        # Same listings, nothing doubled. (The directory's CSV export carries phone numbers
        # without their notes, so CSV is compared without them: reported to the directory's owner.)
        assert _listings(web.db, phone_notes=fmt == "json") == _listings_from(before, phone_notes=fmt == "json")
    assert any(a == "import_listings_csv" for a, _, _ in audit_rows(web.db, admin_id))


def test_malformed_imports_report_rows_and_import_nothing(web, admin):
    _, ad = admin
    count = lambda: query(web.db, lambda s: s.execute(select(func.count(DirService.id))).scalar_one())  # noqa: E731
    before = count()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "organisation", "name", "categories", "postcode"])
    writer.writerow(["bad-1", "Org", "Fine Listing", "housing", "SE15 5AA"])
    writer.writerow(["bad-2", "Org", "", "housing", "SE15 5AA"])
    writer.writerow(["bad-3", "Org", "Bad Category", "flying", "ZZ"])
    resp = _upload(ad, "csv", out.getvalue())
    assert resp.status_code == 400 and "Nothing was imported" in resp.text
    assert "<td>2</td>" in resp.text and "<td>3</td>" in resp.text
    assert count() == before
    for body in ("{not json", '{"services": 5}', "[1, 2]"):
        resp = _upload(ad, "json", body)
        assert resp.status_code == 400 and "Nothing was imported" in resp.text
    resp = _upload(ad, "csv", "\xff\xfe")
    assert resp.status_code == 400
    assert count() == before


def test_keyworker_sets_own_duty(web, keyworker):
    staff_id, kw = keyworker
    assert "You are off duty" in kw.get("/staff/alerts").text
    assert kw.submit("/staff/alerts", "/staff/me/duty", {"on_duty": "on"}).status_code == 303
    assert query(web.db, lambda s: s.get(Staff, staff_id).on_duty) is True
    assert "You are <strong>on duty</strong>" in kw.get("/staff/alerts").text
    kw.submit("/staff/alerts", "/staff/me/duty", {})
    assert query(web.db, lambda s: s.get(Staff, staff_id).on_duty) is False


def test_only_admins_see_or_delete_her_data_from_the_case_page(web, keyworker, admin):
    _, kw = keyworker
    rid, reference, _ = make_case(web.db, name="Rights Ruth")
    assert 'id="erase-form"' not in kw.get(f"/staff/cases/{rid}").text
    assert kw.get(f"/staff/cases/{rid}/data").status_code == 403
    token = kw.form_token(f"/staff/cases/{rid}")
    assert kw.post(f"/staff/cases/{rid}/erase", {"csrf_token": token, "confirm": reference}).status_code == 403
    assert query(web.db, lambda s: s.get(Referral, rid)) is not None


def test_admin_reads_what_we_hold_and_deletes_it_with_the_reference(web, admin):
    from bot.db.models import TrackerErasure

    staff_id, ad = admin
    rid, reference, sender = make_case(web.db, name="Rights Rosa")
    held = ad.get(f"/staff/cases/{rid}/data")
    assert held.status_code == 200 and "Name: Rights Rosa" in held.text and "07700 900321" in held.text
    assert (
        query(
            web.db,
            lambda s: (
                s.execute(
                    select(AuditLog).where(AuditLog.action == "data_summary_shown", AuditLog.actor_id == staff_id)
                )
                .scalars()
                .first()
            ),
        )
        is not None
    )

    woman_id = query(web.db, lambda s: s.get(Referral, rid).woman_id)
    wrong = ad.submit(f"/staff/cases/{rid}", f"/staff/cases/{rid}/erase", {"confirm": "ELP-WRONG1"})
    assert wrong.status_code == 400 and "Nothing was deleted" in wrong.text
    assert query(web.db, lambda s: s.get(Woman, woman_id)) is not None

    done = ad.submit(f"/staff/cases/{rid}", f"/staff/cases/{rid}/erase", {"confirm": reference.lower()})
    assert done.status_code == 303 and done.headers["location"].endswith("/staff/cases?ok=erased")
    assert query(web.db, lambda s: (s.get(Woman, woman_id), s.get(Referral, rid))) == (None, None)
    assert (
        query(
            web.db,
            lambda s: s.execute(
                select(TrackerErasure.sender_id).where(TrackerErasure.sender_id == sender)
            ).scalar_one_or_none(),
        )
        == sender
    )  # her chat is wiped from Rasa too
    deleted = query(
        web.db,
        lambda s: (
            s.execute(select(AuditLog).where(AuditLog.action == "data_deleted", AuditLog.actor_id == staff_id))
            .scalars()
            .all()
        ),
    )
    assert len(deleted) == 1 and deleted[0].subject_id is None  # who did it, not who she was


def test_the_alert_shows_the_safe_contact_she_left(web, keyworker):
    from bot.db.models import HandoffContact

    _, kw = keyworker
    with session_scope(web.db) as session:
        left = raise_alert(
            session, AlertReason.HUMAN_REQUESTED, conversation_id=f"web-{uuid.uuid4().hex[:8]}", channel="socketio"
        )
        session.add(
            HandoffContact(
                alert_id=left.id,
                conversation_id=left.conversation_id,
                contact="+447700900432",
                contact_kind="mobile",
                safe_times="weekday mornings",
            )
        )
        declined = raise_alert(
            session, AlertReason.HUMAN_REQUESTED, conversation_id=f"web-{uuid.uuid4().hex[:8]}", channel="socketio"
        )
        session.add(HandoffContact(alert_id=declined.id, conversation_id=declined.conversation_id, declined=True))
        left_id, declined_id = left.id, declined.id
    assert "07700 900432 (mobile), weekday mornings" in kw.get(f"/staff/alerts/{left_id}").text
    assert "did not want to be contacted" in kw.get(f"/staff/alerts/{declined_id}").text
