"""A listings file kept between its import preview and the admin's confirm.

The page carries a random token; the database keeps its sha256 with the staff
session that uploaded the file. Only that session finds it again, and only for
TTL: the file itself never travels in a form, so what is confirmed is what was
previewed. Expired files are removed whenever another is kept.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models.pending_imports import PendingImport
from bot.db.types import utcnow

TTL = timedelta(minutes=30)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def keep(session: Session, staff_id: int, staff_session_id: int, kind: str, filename: str, body: str) -> str:
    """Keep the file; returns the token that finds it again (for this staff session only)."""
    now = utcnow()
    session.execute(delete(PendingImport).where(PendingImport.expires_at <= now))
    token = secrets.token_urlsafe(32)
    session.add(
        PendingImport(
            token_hash=_digest(token),
            staff_id=staff_id,
            staff_session_id=staff_session_id,
            kind=kind,
            filename=filename[:200],
            body=body,
            created_at=now,
            expires_at=now + TTL,
        )
    )
    session.flush()
    return token


def find(session: Session, token: str, staff_session_id: int) -> PendingImport | None:
    """The file this staff session kept under `token`, if it has not expired."""
    if not token or len(token) > 100:
        return None
    return session.execute(
        select(PendingImport).where(
            PendingImport.token_hash == _digest(token),
            PendingImport.staff_session_id == staff_session_id,
            PendingImport.expires_at > utcnow(),
        )
    ).scalar_one_or_none()


def drop(session: Session, token: str, staff_session_id: int) -> None:
    session.execute(
        delete(PendingImport).where(
            PendingImport.token_hash == _digest(token), PendingImport.staff_session_id == staff_session_id
        )
    )
