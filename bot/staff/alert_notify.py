"""Telling staff about urgent alerts: at once to whoever is on duty, and again
to the admins when nobody has acknowledged it in time.

The text carries no personal detail (a phone or inbox may be seen by others);
the keyworker logs in to see who and why. Every message goes through the
outbox with a dedupe key, so a retry or a second worker never sends twice.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Alert, AlertStatus, AlertUrgency, Staff
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.messaging.outbox import enqueue
from bot.settings import get_settings
from bot.staff.accounts import active_admins, on_duty_staff

URGENT_TEXT = "Urgent alert in Elpis: please log in."
ESCALATED_TEXT = "Urgent alert in Elpis not yet seen: please log in."


def _send_to(session: Session, staff: Staff, body: str, key: str) -> int:
    sent = 0
    if staff.phone_e164:
        sent += enqueue(session, to=staff.phone_e164, body=body, kind="alert", channel="sms",
                        dedupe_key=f"{key}:{staff.id}:sms") is not None
    if staff.email:
        sent += enqueue(session, to=staff.email, body=body, kind="alert", channel="email",
                        dedupe_key=f"{key}:{staff.id}:email") is not None
    return sent


def notify_new_alert(session: Session, alert: Alert) -> int:
    """Queue the on-duty notifications for a new urgent alert (same transaction).

    Nobody on duty: the admins are told straight away rather than no one.
    """
    if alert.urgency != AlertUrgency.URGENT:
        return 0
    people = on_duty_staff(session) or active_admins(session)
    return sum(_send_to(session, person, URGENT_TEXT, f"alert:{alert.id}:new") for person in people)


def escalation_targets(session: Session) -> list[Staff]:
    """Who hears next: the admins and every keyworker who was not on duty."""
    return list(session.execute(
        select(Staff).where(Staff.active.is_(True), Staff.on_duty.is_(False)).order_by(Staff.role.desc(), Staff.id)
    ).scalars()) + [s for s in active_admins(session) if s.on_duty]


def escalate_overdue(url: str | None = None, now: datetime | None = None) -> int:
    """Escalate urgent alerts still open (unacknowledged) after the set time.

    Safe with several workers: each alert is taken by a conditional UPDATE
    (escalated_at IS NULL -> now); only the worker whose update hit queues the
    messages, in the same transaction.
    """
    now = now or utcnow()
    cutoff = now - timedelta(minutes=get_settings().alert_escalation_minutes)
    escalated = 0
    with session_scope(url) as session:
        overdue = session.execute(
            select(Alert.id).where(
                Alert.status == AlertStatus.OPEN, Alert.urgency == AlertUrgency.URGENT,
                Alert.escalated_at.is_(None), Alert.created_at <= cutoff,
            ).order_by(Alert.id).limit(100)
        ).scalars().all()
        targets = escalation_targets(session) if overdue else []
        for alert_id in overdue:
            won = session.execute(
                update(Alert).where(Alert.id == alert_id, Alert.escalated_at.is_(None),
                                    Alert.status == AlertStatus.OPEN)
                .values(escalated_at=now).execution_options(synchronize_session=False)
            ).rowcount
            if won != 1:
                continue
            for person in targets:
                _send_to(session, person, ESCALATED_TEXT, f"alert:{alert_id}:escalated")
            escalated += 1
    return escalated
