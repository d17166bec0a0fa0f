"""The listings import with a preview, over real HTTP on SQLite and PostgreSQL:
the preview lists what would be added, changed (field by field) and left;
nothing is written before the admin confirms; a listing edited here after the
file's record of it is overwritten only when its box is ticked."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import uuid

from sqlalchemy import select

from bot.db.models import AuditLog, DirService
from bot.db.session import session_scope
from bot.directory import create_service, update_service
from bot.directory.oruk_json import export_openreferral_json
from tests.staff.conftest import Client
from tests.staff.test_pages import query

IMPORT = "/staff/admin/services/import"
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


def make_listing(url: str, name: str, description: str) -> int:
    with session_scope(url) as session:
        return create_service(
            session,
            {
                "name": name,
                "organisation": "SAMPLE Import Org",
                "external_id": f"imp-{uuid.uuid4().hex[:10]}",
                "description": description,
                "categories": ["housing"],
                "phones": "020 7946 0123",
                "locations": [{"name": "Hub", "address": "1 Test Road", "postcode": "SE15 5AA"}],
                "hours": "Mon-Fri 09:30-17:00",
            },
        ).id


def listing(url: str, service_id: int):
    return query(url, lambda s: s.get(DirService, service_id))


def upload(client: Client, fmt: str, body: str, name: str = "listings"):
    return client.http.post(
        client.base + IMPORT,
        data={"csrf_token": client.form_token(IMPORT), "format": fmt},
        files={"file": (f"{name}.{fmt}", body.encode("utf-8"))},
        allow_redirects=False,
        timeout=60,
    )


def confirm(client: Client, page: str, overwrite: tuple[int, ...] = (), token: str | None = None):
    token = token or TOKEN_RE.search(page).group(1)
    return client.post(
        IMPORT + "/confirm",
        {"csrf_token": client.form_token(IMPORT), "token": token, "overwrite": [str(i) for i in overwrite]},
    )


def change_rows(page: str, service_id: int) -> dict[str, tuple[str, str]]:
    """The preview's field-by-field table for one listing: {field: (now, from the file)}."""
    section = page.split(f'id="change-{service_id}"', 1)[1].split("</section>", 1)[0]
    return {
        html.unescape(f): (html.unescape(old), html.unescape(new))
        for f, old, new in re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td><td>([^<]*)</td>', section)
    }


def actions_of(url: str, staff_id: int) -> list[tuple[str, int | None]]:
    return query(
        url,
        lambda s: [
            (a.action, a.subject_id)
            for a in s.execute(select(AuditLog).where(AuditLog.actor_id == staff_id).order_by(AuditLog.id)).scalars()
        ],
    )


def exported_rows(client: Client, *names: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The CSV export's header and its rows for these listings, by listing name."""
    reader = csv.DictReader(io.StringIO(client.get("/staff/admin/services/export.csv").text))
    return list(reader.fieldnames or []), {r["name"]: r for r in reader if r["name"] in names}


def as_csv(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_csv_preview_shows_changes_and_writes_only_on_confirm(web, admin):
    admin_id, ad = admin
    tag = uuid.uuid4().hex[:6]
    changed_id = make_listing(web.db, f"Preview Change {tag}", "Advice on housing.")
    same_id = make_listing(web.db, f"Preview Same {tag}", "Left alone.")
    header, rows = exported_rows(ad, f"Preview Change {tag}", f"Preview Same {tag}")
    assert "updated_at" in header and rows[f"Preview Change {tag}"]["updated_at"]
    edited = dict(rows[f"Preview Change {tag}"], description="Advice on housing and debt.", phones="020 7946 0999")
    added = dict(edited, id=f"imp-new-{tag}", name=f"Preview New {tag}", updated_at="")
    before_same = listing(web.db, same_id).updated_at

    resp = upload(ad, "csv", as_csv(header, [edited, rows[f"Preview Same {tag}"], added]))
    assert resp.status_code == 200, resp.text[-600:]
    page = resp.text
    assert "<strong>1</strong> to add, <strong>1</strong> to change" in page
    assert "Nothing has been written yet" in page
    fields = change_rows(page, changed_id)
    assert fields == {
        "Description": ("Advice on housing.", "Advice on housing and debt."),
        "Phones": ("020 7946 0123", "020 7946 0999"),
    }
    assert f"Preview New {tag}" in page.split('id="import-added"')[1]
    assert f"Preview Same {tag}" in page.split('id="import-same"')[1]
    assert 'name="overwrite"' not in page  # nothing edited here since the export
    # Nothing written by the preview.
    assert listing(web.db, changed_id).description == "Advice on housing."
    assert (
        query(web.db, lambda s: s.execute(select(DirService).where(DirService.name == f"Preview New {tag}")).first())
        is None
    )

    done = confirm(ad, page)
    assert done.status_code == 200 and "Imported: 1 added, 1 changed, 1 left as they were." in done.text
    assert listing(web.db, changed_id).description == "Advice on housing and debt."
    new_id = query(
        web.db, lambda s: s.execute(select(DirService.id).where(DirService.name == f"Preview New {tag}")).scalar_one()
    )
    assert listing(web.db, same_id).updated_at == before_same  # left as it was: not written at all
    audit = actions_of(web.db, admin_id)
    assert ("import_listings_csv", None) in audit
    assert ("import_edit_listing", changed_id) in audit and ("import_add_listing", new_id) in audit
    assert all(sid != same_id for _, sid in audit)
    # The kept file is gone once imported.
    again = confirm(ad, page)
    assert again.status_code == 400 and "expired or was not yours" in again.text


def test_newer_edit_here_is_refused_without_its_box_and_written_with_it(web, admin):
    admin_id, ad = admin
    tag = uuid.uuid4().hex[:6]
    sid = make_listing(web.db, f"Newer Edit {tag}", "From before.")
    package = json.loads(ad.get("/staff/admin/services/export.json").text)  # ORUK 3.0
    ours = next(s for s in package if s["name"] == f"Newer Edit {tag}")
    ours["description"] = "From the file."
    ours["last_modified"] = "2020-01-01T09:00:00+00:00"  # the file's record: older than the edit below
    with session_scope(web.db) as session:
        update_service(session, sid, {"eligibility": "Women 18+ (edited here)"})

    page = upload(ad, "json", json.dumps([ours])).text
    assert "1 listing(s) were edited here after the file's record of them" in page
    assert f'name="overwrite" value="{sid}"' in page
    assert "Edited here on" in page and "01 Jan 2020 09:00" in page
    fields = change_rows(page, sid)
    assert fields["Description"] == ("From before.", "From the file.")
    assert fields["Eligibility"] == ("Women 18+ (edited here)", "(empty)")

    refused = confirm(ad, page)
    assert refused.status_code == 409 and "Nothing was imported" in refused.text
    row = listing(web.db, sid)
    assert (row.description, row.eligibility) == ("From before.", "Women 18+ (edited here)")

    done = confirm(ad, refused.text, overwrite=(sid,))
    assert done.status_code == 200 and "Imported: 0 added, 1 changed" in done.text
    row = listing(web.db, sid)
    assert (row.description, row.eligibility) == ("From the file.", None)
    audit = actions_of(web.db, admin_id)
    assert ("import_overwrote_newer_edit", sid) in audit and ("import_listings_json", None) in audit


def test_the_kept_file_is_only_for_the_session_that_uploaded_it(web, admin):
    _, ad = admin
    tag = uuid.uuid4().hex[:6]
    sid = make_listing(web.db, f"Session Bound {tag}", "Before.")
    package = json.loads(ad.get("/staff/admin/services/export.json").text)
    ours = next(s for s in package if s["name"] == f"Session Bound {tag}")
    page = upload(ad, "json", json.dumps([{**ours, "description": "After."}])).text
    token = TOKEN_RE.search(page).group(1)

    from tests.staff.conftest import make_staff

    _, email = make_staff(web.db, "admin")
    other = Client(web.url)
    assert other.login(email).status_code == 303
    assert confirm(other, "", token=token).status_code == 400
    assert confirm(ad, "", token="forged-" + token[:20]).status_code == 400
    assert listing(web.db, sid).description == "Before."
    ad.post(IMPORT + "/cancel", {"csrf_token": ad.form_token(IMPORT), "token": token})
    assert confirm(ad, "", token=token).status_code == 400
    assert listing(web.db, sid).description == "Before."


def test_a_1_1_file_written_before_still_imports(web, admin):
    _, ad = admin
    tag = uuid.uuid4().hex[:6]
    sid = make_listing(web.db, f"Old Format {tag}", "Old words.")
    with session_scope(web.db) as session:
        doc = export_openreferral_json(session)  # the HSDS 1.1 shape we wrote before
    ours = next(s for s in doc["services"] if s["name"] == f"Old Format {tag}")
    assert "regular_schedules" in ours
    ours["description"] = "New words."
    old_file = {**doc, "services": [ours]}

    stale = upload(ad, "json", json.dumps({**old_file, "generated_at": "2020-01-01T00:00:00+00:00"})).text
    assert f'name="overwrite" value="{sid}"' in stale and "after the file was exported" in stale
    assert change_rows(stale, sid) == {"Description": ("Old words.", "New words.")}

    page = upload(ad, "json", json.dumps(old_file, default=str)).text
    assert 'name="overwrite"' not in page
    assert confirm(ad, page).status_code == 200
    assert listing(web.db, sid).description == "New words."


def test_a_file_with_no_time_flags_every_change(web, admin):
    _, ad = admin
    tag = uuid.uuid4().hex[:6]
    sid = make_listing(web.db, f"No Time {tag}", "Before.")
    header, rows = exported_rows(ad, f"No Time {tag}")
    header.remove("updated_at")
    row = {k: v for k, v in rows[f"No Time {tag}"].items() if k != "updated_at"}
    page = upload(ad, "csv", as_csv(header, [dict(row, description="After.")])).text
    assert f'name="overwrite" value="{sid}"' in page and "does not say when it was exported" in page
    assert confirm(ad, page).status_code == 409
    assert confirm(ad, page, overwrite=(sid,)).status_code == 200
    assert listing(web.db, sid).description == "After."
