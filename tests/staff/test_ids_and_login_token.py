"""Ids no record can have are answered 404 (not a 500 from the database), and the
login form's CSRF token is minted by the server, never adopted from the browser.
Real HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.web.staff.auth import LOGIN_TOKEN_MAX_AGE, login_token_ok, mint_login_token
from bot.web.staff.security import parse_id
from tests.staff.conftest import PASSWORD, Client, csrf_of, make_staff

HUGE = ["99999999999999999999999", str(2**63), str(2**31)]  # SQLite overflows on the first two

GETS = [
    "/staff/alerts/{n}",
    "/staff/cases/{n}",
    "/staff/cases/{n}/data",
    "/staff/admin/centres/{n}",
    "/staff/admin/staff/{n}",
    "/staff/admin/services/{n}",
]
POSTS = [
    "/staff/alerts/{n}/acknowledge",
    "/staff/alerts/{n}/resolve",
    "/staff/cases/{n}/status",
    "/staff/cases/1/appointments/{n}/attendance",
    "/staff/cases/{n}/appointments/1/attendance",
    "/staff/cases/{n}/erase",
    "/staff/admin/staff/{n}",
    "/staff/admin/staff/{n}/unlock",
    "/staff/admin/staff/{n}/duty",
    "/staff/admin/services/{n}/delete",
    "/staff/admin/slots/{n}/active",
]


@pytest.mark.parametrize("n", HUGE)
def test_ids_out_of_range_are_not_found_on_every_route(web, admin, n):
    _, ad = admin
    for path in GETS:
        resp = ad.get(path.format(n=n))
        assert resp.status_code == 404, (path, resp.status_code)
        assert "not found" in resp.text
    token = ad.form_token("/staff/alerts")
    for path in POSTS:
        resp = ad.post(
            path.format(n=n),
            {
                "csrf_token": token,
                "status": "closed",
                "outcome": "attended",
                "note": "x",
                "confirm": "x",
                "name": "x",
                "role": "keyworker",
            },
        )
        assert resp.status_code == 404, (path, resp.status_code)


@pytest.mark.parametrize("n", HUGE)
def test_ids_out_of_range_in_forms_are_refused_without_a_crash(web, admin, n):
    _, ad = admin
    centre = ad.submit(
        "/staff/admin/centres/new",
        "/staff/admin/centres/save",
        {"centre_id": n, "name": "C", "address": "1 Road", "postcode": "SE15 5AA", "borough": "Southwark"},
    )
    assert centre.status_code == 404
    service = ad.submit(
        "/staff/admin/services/new", "/staff/admin/services/save", {"service_id": n, "name": "S", "organisation": "O"}
    )
    assert service.status_code == 404
    for field in ("centre_id", "keyworker_id"):
        slot = ad.submit(
            "/staff/admin/slots",
            "/staff/admin/slots",
            {"centre_id": "1", "keyworker_id": "", field: n, "day": "2099-01-05", "start": "10:00"},
        )
        assert slot.status_code == 400 and "Choose a" in slot.text, (field, slot.status_code)
    take = ad.submit("/staff/alerts", "/staff/conversation/take", {"c": "no-such-chat", "alert_id": n})
    assert take.status_code < 500


def test_parse_id_takes_only_whole_numbers_a_row_can_have():
    assert [parse_id(v) for v in ("1", " 42 ", 7, str(2**31 - 1))] == [1, 42, 7, 2**31 - 1]
    assert [parse_id(v) for v in ("0", "-1", str(2**31), "1e3", "²", "٣", "", None, "12a")] == [None] * 9


def _forged_login(web) -> tuple[Client, str]:
    client = Client(web.url)
    forged = "attacker-chosen-value-0123456789"
    client.http.cookies.set("elpis_login", forged, domain="127.0.0.1", path="/")
    return client, forged


def test_login_form_mints_its_own_token_and_ignores_a_planted_cookie(web):
    client, forged = _forged_login(web)
    resp = client.get("/staff/login")
    token = csrf_of(resp.text)
    assert token != forged and forged not in resp.text
    assert resp.cookies.get("elpis_login") == token  # the browser now holds the server's token
    assert Client(web.url).form_token("/staff/login") != token  # a new one for every form


def test_login_with_a_forged_token_in_cookie_and_form_is_refused(web):
    _, email = make_staff(web.db, "keyworker")
    client, forged = _forged_login(web)
    resp = client.post("/staff/login", {"email": email, "password": PASSWORD, "csrf_token": forged})
    assert resp.status_code == 403 and "out of date" in resp.text
    assert "elpis_staff" not in resp.cookies
    assert client.login(email).status_code == 303  # the real form still works


def test_login_token_must_be_signed_fresh_and_match():
    now = 1_900_000_000
    token = mint_login_token(now)
    assert login_token_ok(token, token, now + 10)
    assert not login_token_ok(token, mint_login_token(now), now)  # another form's token
    assert not login_token_ok(token, token, now + LOGIN_TOKEN_MAX_AGE + 1)  # too old
    body, _, signature = token.rpartition(".")
    tampered = f"{body[:-1]}{'1' if body[-1] != '1' else '2'}.{signature}"
    assert not login_token_ok(tampered, tampered, now)
    for junk in ("", "a.b.c", "x" * 300, "é.١٢.sig", None):
        assert not login_token_ok(junk, junk, now)
