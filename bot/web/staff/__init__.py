"""The staff web app under /staff/: alerts, live handoff, cases, admin, reports.

Each area is a module with its own blueprint (`bp`); STAFF groups them under the
one prefix, and `register(app)` is called by bot/web/app.py. Links and redirects
are built from route names ("staff_cases.case") with Sanic's url_for, in Python
and in templates (`url(...)`), so only security.PREFIX says where the app lives.

Pages are rendered on the server (Jinja2, autoescaped); the only script is a
small self-hosted file that refreshes a transcript. Domain logic lives in bot/staff/.
"""

from __future__ import annotations

from sanic import Blueprint, Sanic

from bot.web.staff import (
    admin,
    admin_activities,
    admin_knowledge,
    admin_listings,
    admin_slots,
    admin_wording,
    alerts,
    assets,
    auth,
    cases,
    handoff,
    outcomes,
    reports,
    security,
)

# Registration order is route order where two patterns could match ("/admin/knowledge/new" before
# "/admin/knowledge/<topic>" is kept by each area's own order).
STAFF = Blueprint.group(
    auth.bp,
    alerts.bp,
    handoff.bp,
    cases.bp,
    admin.bp,
    admin_listings.bp,
    admin_slots.bp,
    admin_activities.bp,
    admin_knowledge.bp,
    admin_wording.bp,
    outcomes.bp,
    reports.bp,
    assets.bp,
    url_prefix=security.PREFIX,
)
STAFF.exception(Exception)(security.failed)  # kind error pages on every staff route, never a stack trace


def register(app: Sanic) -> None:
    app.blueprint(STAFF)
    app.register_middleware(security.add_headers, "response")
