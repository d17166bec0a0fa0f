"""Server-side login sessions and their CSRF tokens.

The cookie carries a random token; the database keeps its sha256, the staff
member it belongs to and that session's CSRF token. A form posted with another
session's token, or a cookie that was logged out, revoked or expired, fails.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Staff
from bot.db.models.staff_app import StaffSession
from bot.db.types import utcnow

IDLE_TIMEOUT = timedelta(hours=1)
ABSOLUTE_TIMEOUT = timedelta(hours=10)  # one working day
# last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class CurrentStaff:
    """What a request knows about the person logged in (plain data, no ORM)."""

    staff_id: int
    session_id: int
    name: str
    email: str
    role: str
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, staff_id: int, now: datetime | None = None) -> str:
    """A new session (always new on login: no session fixation). Returns the cookie token."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_digest(token),
            staff_id=staff_id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + ABSOLUTE_TIMEOUT,
        )
    )
    session.flush()
    return token


def load_session(session: Session, token: str | None, now: datetime | None = None) -> CurrentStaff | None:
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    row = session.execute(select(StaffSession).where(StaffSession.token_hash == _digest(token))).scalar_one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= now or row.last_seen_at + IDLE_TIMEOUT <= now:
        return None
    staff = session.get(Staff, row.staff_id)
    if staff is None or not staff.active or (staff.locked_until and staff.locked_until > now):
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    return CurrentStaff(staff.id, row.id, staff.name, staff.email, staff.role.value, row.csrf_token)


def end_session(session: Session, token: str | None) -> None:
    if not token:
        return
    row = session.execute(select(StaffSession).where(StaffSession.token_hash == _digest(token))).scalar_one_or_none()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def csrf_ok(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
