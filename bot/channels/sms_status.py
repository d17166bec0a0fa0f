"""Delivery reports from Twilio's status callback, stored per message.

Twilio reports queued, sent, delivered, undelivered or failed, possibly out
of order and possibly more than once. Each (message, status) is stored once;
the outbox row keeps the furthest status reached and never goes backwards.
A reminder that could not be delivered raises an alert for her keyworker.

A report can arrive before the sender has written Twilio's id on the outbox
row; it is stored unlinked and applied by `apply_unlinked`: tried again by the
process that took the report, and swept up by the worker (`link_late_reports`)
in case that process stopped.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.crud import sms as sms_crud
from bot.db.models import AlertReason, OutboxMessage, OutboxStatus
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.staff.alert_notify import raise_and_notify

# How far along each status is; a report never moves a message backwards.
RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "read": 5,
}
FINAL = {
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.DELIVERED,
    "undelivered": OutboxStatus.UNDELIVERED,
    "failed": OutboxStatus.FAILED,
}
NOT_DELIVERED = {"undelivered", "failed"}


def apply_status(session: Session, row: OutboxMessage, status: str, error_code: str | None) -> None:
    old = row.delivery_status
    old_rank = RANK.get(old or "", -1)
    if old_rank >= 4 and status != "read":
        return  # already final (a late "sent" after "delivered", or a second verdict)
    if RANK[status] < old_rank:
        return
    row.delivery_status = status
    if status in FINAL and row.status in (OutboxStatus.SENT, OutboxStatus.SENDING, OutboxStatus.DELIVERED):
        row.status = FINAL[status]
    if status in NOT_DELIVERED:
        row.last_error = f"twilio {status} {error_code or ''}".strip()[:250]
        if row.kind == "reminder" and row.woman_id is not None:
            # Her reminder never reached her phone: a person should follow up.
            raise_and_notify(session, AlertReason.UNDELIVERED, channel="sms", woman_id=row.woman_id)


def record_status(message_sid: str, status: str, error_code: str | None, url: str | None = None) -> str:
    """'applied', 'duplicate', 'unmatched' (no outbox row yet) or 'ignored' (unknown status)."""
    if status not in RANK:
        return "ignored"
    error_code = (error_code or "")[:10] or None
    try:
        with session_scope(url) as session:
            if sms_crud.delivery_event_exists(session, message_sid, status):
                return "duplicate"
            row = sms_crud.outbox_by_provider_id(session, message_sid)
            sms_crud.add_delivery_event(
                session,
                message_sid=message_sid,
                status=status,
                error_code=error_code,
                outbox_id=row.id if row else None,
            )
            if row is None:
                return "unmatched"
            apply_status(session, row, status, error_code)
            return "applied"
    except IntegrityError:
        return "duplicate"  # the same report, delivered twice at once


def apply_unlinked(message_sid: str, url: str | None = None) -> int:
    """Apply reports that arrived before the outbox row knew its Twilio id."""
    with session_scope(url) as session:
        row = sms_crud.outbox_by_provider_id(session, message_sid)
        if row is None:
            return 0
        events = sms_crud.unlinked_delivery_events(session, message_sid)
        applied = 0
        for event in sorted(events, key=lambda e: RANK.get(e.status, 0)):
            # Linked by a conditional update: two processes never both apply one report.
            if sms_crud.link_delivery_event(session, event.id, row.id):
                apply_status(session, row, event.status, event.error_code)
                applied += 1
        return applied


def link_late_reports(
    url: str | None = None, now: datetime | None = None, max_age: timedelta = timedelta(days=2)
) -> int:
    """Worker job: apply every recent report still waiting for its outbox row."""
    since = (now or utcnow()) - max_age
    with session_scope(url) as session:
        sids = sms_crud.sids_with_late_reports(session, since)
    return sum(apply_unlinked(sid, url) for sid in sids)
