"""Rendering pages: one autoescaping Jinja2 environment, London times, flash texts.

Every link a template makes is `url(route_name, **parts)` (Sanic's `url_for`), so only
security.PREFIX says where the app lives."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import response

from bot.dates import london
from bot.wording.catalogue import DEFAULT_LANGUAGE
from bot.wording.languages import language

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
STATIC_FILES = {
    "staff.css": "text/css; charset=utf-8",
    "transcript.js": "text/javascript; charset=utf-8",
    "alert_queue.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
    "favicon.ico": "image/x-icon",
}

# ?ok=<code> after a redirect -> the message shown (never user input echoed back).
FLASH = {
    "ack": "Alert acknowledged.",
    "resolved": "Alert resolved.",
    "taken": "You have taken over this conversation.",
    "taken_quiet": "You have taken over this conversation, but the assistant was too busy to tell her a person "
    "has joined. Write to her in a minute.",
    "sent": "Message sent.",
    "back": "Handed back to the assistant.",
    "saved": "Saved.",
    "closed": "Case closed.",
    "status": "Case status changed.",
    "imported": "Import done.",
    "password": "Password set.",
    "unlocked": "Account unlocked.",
    "marked": "Attendance recorded.",
    "dup": "That message was already sent.",
    "deleted": "Deleted.",
    "assigned": "Alert assigned.",
    "note": "Note added.",
    "erased": "Her record, referrals, appointments, texts and conversations were deleted.",
}


def london_time(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value).astimezone()
    if isinstance(value, datetime):
        return value.astimezone(london()).strftime("%a %d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%a %d %b %Y")
    return str(value)


def language_name(code: str | None) -> str:
    """ "Polish (Polski)" for staff; English when none was set."""
    lang = language(code or DEFAULT_LANGUAGE)
    return lang.english_name if lang.name == lang.english_name else f"{lang.english_name} ({lang.name})"


def yes_no_unknown(value) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not said (treat as no)")


ENV = Environment(
    loader=FileSystemLoader(str(TEMPLATE_DIR)),
    autoescape=select_autoescape(["html", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["london"] = london_time
ENV.filters["yesno"] = yes_no_unknown
ENV.filters["language_name"] = language_name
ENV.filters["channel"] = lambda name: {"socketio": "web chat", "sms": "SMS", "rest": "REST (test)"}.get(
    name, name or ""
)


def page_number(request) -> int:
    """?page=N for a paged list: 1 when missing or not a number, at most 10,000."""
    try:
        return max(1, min(10_000, int(request.args.get("page", "1"))))
    except ValueError:
        return 1


def page(request, template: str, status: int = 200, **context):
    me = getattr(request.ctx, "me", None)
    flash = FLASH.get(request.args.get("ok", ""))
    html = ENV.get_template(template).render(
        me=me, csrf=me.csrf_token if me else "", flash=flash, path=request.path, url=request.app.url_for, **context
    )
    return response.html(html, status=status)
