"""Logging in and out. The login form has its own CSRF token (a double-submit
cookie), since there is no session yet; a new session is made on every login.

The server mints that token fresh for every login form and signs it with
ELPIS_SECRET_KEY: a cookie planted by someone else (another site, a shared
computer) is never adopted as the form's token, and a made-up value posted as
both cookie and form field is refused."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from sanic import Blueprint, response

from bot.db.session import run_db, session_scope
from bot.settings import get_settings
from bot.staff import audit
from bot.staff.accounts import authenticate
from bot.staff.sessions import ABSOLUTE_TIMEOUT, csrf_ok, end_session, start_session
from bot.web.staff.handlers import see_other
from bot.web.staff.render import page
from bot.web.staff.security import (
    PREFIX,
    clear_cookie,
    cookie_name,
    current_staff,
    login_cookie_name,
    same_origin,
    set_cookie,
    staff_only,
)

bp = Blueprint("staff_auth")

BAD_LOGIN = (
    "That email and password did not match, or the account is locked after too many tries. "
    "Wait 15 minutes or ask an admin to unlock it."
)


def safe_next(value: str | None, fallback: str) -> str:
    # Only our own pages: no open redirect to another site ("//evil", "/\\evil").
    if value and value.startswith(PREFIX + "/") and not value.startswith("//") and "\\" not in value:
        return value
    return fallback


def _next(request, value: str | None) -> str:
    """Where to go after logging in: the page asked for, else the alerts."""
    return safe_next(value, request.app.url_for("staff_alerts.alerts"))


def _login(email: str, password: str) -> str | None:
    with session_scope() as session:
        result = authenticate(session, email, password)
        if not result.ok or result.staff_id is None:
            return None
        audit.record(session, result.staff_id, "login", "staff", result.staff_id)
        return start_session(session, result.staff_id)


def _logout(token: str | None, staff_id: int) -> None:
    with session_scope() as session:
        end_session(session, token)
        audit.record(session, staff_id, "logout", "staff", staff_id)


LOGIN_TOKEN_MAX_AGE = 3600  # seconds; the cookie lasts as long


def _login_signature(body: str) -> str:
    key = get_settings().secret_key.encode("utf-8")
    return hmac.new(key, b"elpis-login-csrf:" + body.encode("utf-8"), hashlib.sha256).hexdigest()


def mint_login_token(now: float | None = None) -> str:
    body = f"{secrets.token_urlsafe(24)}.{int(now if now is not None else time.time())}"
    return f"{body}.{_login_signature(body)}"


def login_token_ok(cookie: str | None, given: str | None, now: float | None = None) -> bool:
    """The form's token is the cookie's, the server signed it, and it is under an hour old."""
    if cookie is None or not csrf_ok(cookie, given) or len(cookie) > 200:
        return False
    body, _, signature = cookie.rpartition(".")
    issued = body.rpartition(".")[2]
    if not (issued.isascii() and issued.isdigit()) or not csrf_ok(_login_signature(body), signature):
        return False
    age = (now if now is not None else time.time()) - int(issued)
    return 0 <= age <= LOGIN_TOKEN_MAX_AGE


def _login_form(request, error: str | None = None, status: int = 200, email: str = ""):
    token = mint_login_token()  # never the cookie the browser sent
    asked = request.form.get("next") if request.method == "POST" else request.args.get("next")
    resp = page(
        request, "login.html", status=status, login_csrf=token, error=error, next=_next(request, asked), email=email
    )
    set_cookie(resp, login_cookie_name(), token, max_age=LOGIN_TOKEN_MAX_AGE)
    return resp


@bp.get("/", name="home")
async def home(request):
    return response.redirect(request.app.url_for("staff_alerts.alerts"))


@bp.get("/login", name="login")
async def login_page(request):
    request.ctx.me = None
    if await current_staff(request) is not None:
        return response.redirect(_next(request, request.args.get("next")))
    return _login_form(request)


@bp.post("/login", name="login_post")
async def login_post(request):
    request.ctx.me = None
    if not same_origin(request) or not login_token_ok(
        request.cookies.get(login_cookie_name()), request.form.get("csrf_token")
    ):
        return _login_form(request, "The form was out of date. Please try again.", status=403)
    email = (request.form.get("email") or "").strip()[:254]
    password = (request.form.get("password") or "")[:256]
    token = await run_db(_login, email, password) if email and password else None
    if token is None:
        return _login_form(request, BAD_LOGIN, status=401, email=email)
    resp = response.redirect(_next(request, request.form.get("next")), status=303)
    set_cookie(resp, cookie_name(), token, max_age=int(ABSOLUTE_TIMEOUT.total_seconds()))
    clear_cookie(resp, login_cookie_name())
    return resp


@bp.post("/logout", name="logout")
@staff_only()
async def logout(request):
    await run_db(_logout, request.cookies.get(cookie_name()), request.ctx.me.staff_id)
    resp = see_other(request, "staff_auth.login")
    clear_cookie(resp, cookie_name())
    return resp
