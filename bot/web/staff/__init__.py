"""The staff web app under /staff/: alerts, live handoff, cases, admin, reports.

`register(app)` is called by bot/web/app.py. Pages are rendered on the server
(Jinja2, autoescaped); the only script is a small self-hosted file that
refreshes a transcript. Domain logic lives in bot/staff/.
"""
from __future__ import annotations

from sanic import Blueprint, Sanic

from bot.web.staff import admin, alerts, auth, cases, handoff, reports, security


def build_blueprint() -> Blueprint:
    bp = Blueprint("staff", url_prefix="/staff")
    for area in (auth, alerts, handoff, cases, admin, reports, security):
        area.add_routes(bp)
    return bp


def register(app: Sanic) -> None:
    app.blueprint(build_blueprint())
    app.register_middleware(security.add_headers, "response")
