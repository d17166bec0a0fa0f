"""The demo admin for `make run` on the embedded default only (SQLite under var/).

Never on PostgreSQL or in production: a real service creates its first admin
with `python -m bot.staff create-admin`.
"""

from __future__ import annotations

import secrets

from bot.db.models import StaffRole
from bot.db.session import session_scope
from bot.settings import default_database_url, get_settings
from bot.staff.accounts import by_email, create_staff, set_password

DEMO_EMAIL = "admin@example.org"


def ensure_demo_admin(url: str | None = None) -> str | None:
    """Create (or reset) the demo admin with a fresh random password; print and return it."""
    settings = get_settings()
    url = url or settings.database_url
    if settings.is_production or url != default_database_url():
        return None
    password = secrets.token_urlsafe(12)
    with session_scope(url) as session:
        staff = by_email(session, DEMO_EMAIL)
        if staff is None:
            create_staff(session, email=DEMO_EMAIL, name="SAMPLE Admin", role=StaffRole.ADMIN, password=password)
        else:
            set_password(session, staff, password)
    print(f"[elpis] demo staff login (SAMPLE, this run only): {DEMO_EMAIL} / {password}  ->  /staff/login", flush=True)
    return password
