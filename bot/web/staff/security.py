"""Who may see what: the session cookie, role checks, CSRF on every form,
secure headers, and kind error pages (never a stack trace)."""

from __future__ import annotations

import logging
import re
from functools import wraps
from urllib.parse import urlsplit

from sanic import response

from bot.db.session import run_db, session_scope
from bot.settings import get_settings
from bot.staff.sessions import CurrentStaff, csrf_ok, load_session
from bot.web.staff.handlers import Missing
from bot.web.staff.render import page

logger = logging.getLogger(__name__)

PREFIX = "/staff"  # where the staff app lives: the one place it is written (the group in __init__ uses it)
# Our ids are Integer primary keys (32-bit on PostgreSQL); a bigger number names
# nothing, and SQLite cannot even compare it (OverflowError): answered 404.
MAX_ID = 2**31 - 1
ID_RE = re.compile(r"[0-9]{1,10}")
MAX_FORM_BYTES = 6 * 1024 * 1024  # a listings import; anything bigger is not a real one

HEADERS = {
    "Content-Security-Policy": "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages hold personal data: never cached
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def cookie_name() -> str:
    # __Host- cookies must be Secure, host-only and path=/: only over HTTPS (production).
    return "__Host-elpis_staff" if get_settings().is_production else "elpis_staff"


def login_cookie_name() -> str:
    return "__Host-elpis_login" if get_settings().is_production else "elpis_login"


def set_cookie(resp, name: str, value: str, max_age: int | None = None) -> None:
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["path"] = "/"
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    if get_settings().is_production:
        cookie["secure"] = True
    if max_age is not None:
        cookie["max-age"] = max_age


def clear_cookie(resp, name: str) -> None:
    set_cookie(resp, name, "", max_age=0)


async def add_headers(request, resp) -> None:
    if not request.path.startswith(PREFIX):
        return  # the chat page sets its own
    for key, value in HEADERS.items():
        resp.headers.setdefault(key, value)
    if get_settings().is_production:
        resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def same_origin(request) -> bool:
    """A browser tells where a form came from; anything cross-site is refused."""
    site = request.headers.get("sec-fetch-site")
    if site and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc == request.host
    return origin != "null"


def parse_id(value) -> int | None:
    """An id from a path or a form: a whole number 1..MAX_ID, else None."""
    text = str(value).strip() if value is not None else ""
    if not ID_RE.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def form_id(request, field: str, what: str) -> int | None:
    """The id a save form names: None when blank (a new one); 404 naming `what` when it is not an id."""
    raw = request.form.get(field) or ""
    if not raw:
        return None
    found = parse_id(raw)
    if found is None:
        raise Missing(what)
    return found


def _ids_ok(kwargs: dict) -> bool:
    # Sanic passes <name:int> path parts as keyword arguments; all of ours are ids.
    return all(parse_id(v) is not None for k, v in kwargs.items() if k.endswith("_id") and isinstance(v, int))


def _load(token: str | None) -> CurrentStaff | None:
    with session_scope() as session:
        return load_session(session, token)


async def current_staff(request) -> CurrentStaff | None:
    return await run_db(_load, request.cookies.get(cookie_name()))


def error_page(request, status: int, message: str):
    return page(request, "error.html", status=status, message=message)


def form_ok(request, expected: str | None) -> bool:
    if len(request.body or b"") > MAX_FORM_BYTES:
        return False
    return same_origin(request) and csrf_ok(expected, request.form.get("csrf_token"))


def staff_only(role: str | None = None):
    """Logged in (and admin, when asked); every POST must carry this session's CSRF token."""

    def decorate(handler):
        @wraps(handler)
        async def inner(request, *args, **kwargs):
            me = await current_staff(request)
            request.ctx.me = me
            if me is None:
                if request.method in ("GET", "HEAD"):
                    return response.redirect(request.app.url_for("staff_auth.login", next=request.path))
                return error_page(request, 403, "You are logged out. Please log in again.")
            if role == "admin" and not me.is_admin:
                return error_page(request, 403, "Only admins can open this page.")
            if request.method == "POST" and not form_ok(request, me.csrf_token):
                return error_page(
                    request,
                    403,
                    "This form was out of date or did not come from this site, so nothing was changed. "
                    "Go back, reload the page and try again.",
                )
            if not _ids_ok(kwargs):
                return error_page(request, 404, "That page was not found.")
            return await handler(request, *args, **kwargs)

        return inner

    return decorate


async def failed(request, exc):
    """The error page for every staff route (registered on the whole group in __init__)."""
    if isinstance(exc, Missing):
        return error_page(request, 404, str(exc))
    status = getattr(exc, "status_code", 500)
    if status >= 500:
        logger.exception("staff app error on %s", request.path)
        return error_page(request, 500, "Something went wrong and nothing was changed. Please try again.")
    return error_page(request, status, "That page was not found." if status == 404 else "That request was not valid.")
