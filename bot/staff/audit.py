"""The audit log: every view of and change to a woman's record, and staff admin.

Rows hold who, what and which record, never message text or personal detail.
Written in the same transaction as the change (or the read) they describe.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import AuditLog


def record(session: Session, staff_id: int | None, action: str, subject_type: str, subject_id: int | None) -> AuditLog:
    row = AuditLog(
        actor_type="staff" if staff_id else "system",
        actor_id=staff_id,
        action=action[:60],
        subject_type=subject_type[:40],
        subject_id=subject_id,
    )
    session.add(row)
    session.flush()
    return row


def recent(session: Session, limit: int = 200) -> list[AuditLog]:
    return list(session.execute(select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)).scalars())
