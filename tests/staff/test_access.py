"""Who reaches what: logged-out users nothing, keyworkers no admin pages; CSRF and origin checks."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.db.models import Centre
from tests.staff.conftest import Client, csrf_of, make_staff

KEYWORKER_PAGES = [
    "/staff/alerts",
    "/staff/cases",
    "/staff/reports",
    "/staff/conversation?c=someone",
    "/staff/alerts/1",
    "/staff/cases/1",
]
ADMIN_PAGES = [
    "/staff/admin/centres",
    "/staff/admin/centres/new",
    "/staff/admin/coverage",
    "/staff/admin/staff",
    "/staff/admin/audit",
    "/staff/admin/slots",
    "/staff/admin/services",
    "/staff/admin/services/new",
    "/staff/admin/services/import",
    "/staff/admin/services/export.csv",
    "/staff/admin/services/export.json",
]
POSTS = [
    "/staff/alerts/1/acknowledge",
    "/staff/alerts/1/resolve",
    "/staff/conversation/take",
    "/staff/conversation/reply",
    "/staff/conversation/release",
    "/staff/cases/1/status",
    "/staff/admin/centres/save",
    "/staff/admin/coverage",
    "/staff/admin/staff/new",
    "/staff/admin/services/save",
    "/staff/admin/services/import",
    "/staff/admin/slots",
    "/staff/logout",
]


def centre_names(url: str) -> set[str]:
    engine = create_engine(url, future=True)
    with Session(engine) as session:
        names = set(session.execute(select(Centre.name)).scalars())
    engine.dispose()
    return names


@pytest.mark.parametrize("path", KEYWORKER_PAGES + ADMIN_PAGES)
def test_logged_out_users_are_sent_to_login(client, path):
    resp = client.get(path)
    assert resp.status_code == 302
    assert resp.headers["location"].startswith("/staff/login?next=")


@pytest.mark.parametrize("path", POSTS)
def test_logged_out_posts_are_refused(client, path):
    resp = client.post(path, {"csrf_token": "x", "name": "Hacked", "c": "someone"})
    assert resp.status_code == 403
    assert "log in again" in resp.text


def test_keyworker_cannot_reach_admin_pages(keyworker):
    _, kw = keyworker
    for path in ADMIN_PAGES:
        resp = kw.get(path)
        assert resp.status_code == 403, path
        assert "Only admins" in resp.text
    for path in KEYWORKER_PAGES[:3]:
        assert kw.get(path).status_code == 200, path


def test_keyworker_cannot_post_admin_forms(web, keyworker):
    _, kw = keyworker
    token = kw.form_token("/staff/alerts")
    before = centre_names(web.db)
    resp = kw.post(
        "/staff/admin/centres/save",
        {
            "csrf_token": token,
            "name": "Keyworker Centre",
            "address": "1 Road",
            "postcode": "SE15 5AA",
            "borough": "Southwark",
        },
    )
    assert resp.status_code == 403
    assert centre_names(web.db) == before


def test_admin_reaches_admin_pages(admin):
    _, ad = admin
    for path in ADMIN_PAGES:
        assert ad.get(path).status_code == 200, path


def test_secure_headers_on_every_staff_response(client, admin):
    _, ad = admin
    for resp in (
        client.get("/staff/login"),
        ad.get("/staff/alerts"),
        client.get("/staff/alerts"),
        ad.get("/staff/static/staff.css"),
    ):
        csp = resp.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Cache-Control"] == "no-store"
    cookie = next(c for c in ad.http.cookies if c.name == "elpis_staff")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.path == "/"


def _centre_form(token: str, name: str) -> dict:
    return {
        "csrf_token": token,
        "name": name,
        "address": "5 Example Road",
        "postcode": "SE15 5AA",
        "borough": "Southwark",
        "active": "on",
    }


def test_missing_or_forged_csrf_token_changes_nothing(web, admin):
    _, ad = admin
    before = centre_names(web.db)
    missing = _centre_form("", "CSRF Missing Centre")
    del missing["csrf_token"]
    assert ad.post("/staff/admin/centres/save", missing).status_code == 403
    forged = ad.post("/staff/admin/centres/save", _centre_form("forged-token-value", "CSRF Forged Centre"))
    assert forged.status_code == 403 and "nothing was changed" in forged.text
    assert centre_names(web.db) == before
    good = ad.post("/staff/admin/centres/save", _centre_form(ad.form_token("/staff/admin/centres"), "CSRF Good Centre"))
    assert good.status_code == 303
    assert centre_names(web.db) == before | {"CSRF Good Centre"}


def test_another_users_csrf_token_is_refused(web, admin, keyworker):
    """A token is bound to its session: one lifted from someone else's page does not work."""
    _, ad = admin
    _, kw = keyworker
    other_token = kw.form_token("/staff/alerts")
    resp = ad.post("/staff/admin/centres/save", _centre_form(other_token, "Stolen Token Centre"))
    assert resp.status_code == 403
    assert "Stolen Token Centre" not in centre_names(web.db)


def test_cross_site_post_is_refused_even_with_token(web, admin):
    _, ad = admin
    token = ad.form_token("/staff/admin/centres")
    resp = ad.http.post(
        web.url + "/staff/admin/centres/save",
        data=_centre_form(token, "Cross Site Centre"),
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
        timeout=30,
    )
    assert resp.status_code == 403
    assert "Cross Site Centre" not in centre_names(web.db)


def test_login_form_needs_its_csrf_token(web):
    staff_id, email = make_staff(web.db, "keyworker")
    c = Client(web.url)
    resp = c.post("/staff/login", {"email": email, "password": "correct horse battery staple", "csrf_token": "nope"})
    assert resp.status_code == 403
    assert "elpis_staff" not in c.http.cookies


def test_tampered_or_logged_out_session_cookie_gets_nothing(web, keyworker):
    _, kw = keyworker
    token = kw.http.cookies["elpis_staff"]
    stranger = Client(web.url)
    stranger.http.cookies.set("elpis_staff", token[:-2] + "xx")
    assert stranger.get("/staff/alerts").status_code == 302
    assert kw.submit("/staff/alerts", "/staff/logout").status_code == 303
    replay = Client(web.url)
    replay.http.cookies.set("elpis_staff", token)  # the old cookie, kept by someone
    assert replay.get("/staff/alerts").status_code == 302


def test_open_redirect_after_login_is_refused(web):
    _, email = make_staff(web.db, "keyworker")
    c = Client(web.url)
    token = csrf_of(c.get("/staff/login?next=//evil.example/").text)
    resp = c.post(
        "/staff/login",
        {"email": email, "password": "correct horse battery staple", "csrf_token": token, "next": "//evil.example/"},
    )
    assert resp.status_code == 303 and resp.headers["location"] == "/staff/alerts"


def test_static_files_only_from_the_list(client):
    assert client.get("/staff/static/../../settings.py").status_code == 404
    assert client.get("/staff/static/staff.css").status_code == 200


def test_requests_library_is_real_http(web):
    # Guard: these tests talk to a real server process, not an in-process stub.
    assert requests.get(web.url + "/healthz", timeout=10).json() == {"ok": True}
