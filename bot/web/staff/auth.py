"""Logging in and out. The login form has its own CSRF token (a double-submit
cookie), since there is no session yet; a new session is made on every login."""
from __future__ import annotations

import secrets

from sanic import response

from bot.db.session import run_db, session_scope
from bot.staff import audit
from bot.staff.accounts import authenticate
from bot.staff.sessions import ABSOLUTE_TIMEOUT, csrf_ok, end_session, start_session
from bot.web.staff.render import page
from bot.web.staff.security import (
    PREFIX, clear_cookie, cookie_name, current_staff, login_cookie_name, same_origin, set_cookie, staff_only,
)

BAD_LOGIN = ("That email and password did not match, or the account is locked after too many tries. "
             "Wait 15 minutes or ask an admin to unlock it.")


def safe_next(value: str | None) -> str:
    # Only our own pages: no open redirect to another site ("//evil", "/\\evil").
    if value and value.startswith(PREFIX + "/") and not value.startswith("//") and "\\" not in value:
        return value
    return f"{PREFIX}/alerts"


def _login(email: str, password: str) -> str | None:
    with session_scope() as session:
        result = authenticate(session, email, password)
        if not result.ok:
            return None
        audit.record(session, result.staff_id, "login", "staff", result.staff_id)
        return start_session(session, result.staff_id)


def _logout(token: str | None, staff_id: int) -> None:
    with session_scope() as session:
        end_session(session, token)
        audit.record(session, staff_id, "logout", "staff", staff_id)


def _login_form(request, error: str | None = None, status: int = 200, email: str = ""):
    token = request.cookies.get(login_cookie_name())
    if not token or len(token) > 64:
        token = secrets.token_urlsafe(24)
    resp = page(request, "login.html", status=status, login_csrf=token, error=error,
                next=safe_next(request.form.get("next") if request.method == "POST" else request.args.get("next")),
                email=email)
    set_cookie(resp, login_cookie_name(), token, max_age=3600)
    return resp


def add_routes(bp) -> None:
    @bp.get("/", name="home")
    async def home(request):
        return response.redirect(f"{PREFIX}/alerts")

    @bp.get("/login", name="login")
    async def login_page(request):
        request.ctx.me = None
        if await current_staff(request) is not None:
            return response.redirect(safe_next(request.args.get("next")))
        return _login_form(request)

    @bp.post("/login", name="login_post")
    async def login_post(request):
        request.ctx.me = None
        if not same_origin(request) or not csrf_ok(request.cookies.get(login_cookie_name()), request.form.get("csrf_token")):
            return _login_form(request, "The form was out of date. Please try again.", status=403)
        email = (request.form.get("email") or "").strip()[:254]
        password = (request.form.get("password") or "")[:256]
        token = await run_db(_login, email, password) if email and password else None
        if token is None:
            return _login_form(request, BAD_LOGIN, status=401, email=email)
        resp = response.redirect(safe_next(request.form.get("next")), status=303)
        set_cookie(resp, cookie_name(), token, max_age=int(ABSOLUTE_TIMEOUT.total_seconds()))
        clear_cookie(resp, login_cookie_name())
        return resp

    @bp.post("/logout", name="logout")
    @staff_only()
    async def logout(request):
        await run_db(_logout, request.cookies.get(cookie_name()), request.ctx.me.staff_id)
        resp = response.redirect(f"{PREFIX}/login", status=303)
        clear_cookie(resp, cookie_name())
        return resp
