"""Alerts for keyworkers."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Alert, AlertReason, AlertStatus, AlertUrgency

URGENT_REASONS = {AlertReason.CRISIS, AlertReason.MISSED_APPOINTMENT, AlertReason.NO_SLOT}

SUMMARIES = {
    AlertReason.CRISIS: "Crisis words in a conversation",
    AlertReason.HUMAN_REQUESTED: "Asked to talk to a person",
    AlertReason.BOT_STUCK: "Assistant did not understand twice",
    AlertReason.MISSED_APPOINTMENT: "Missed appointment",
    AlertReason.UNDELIVERED: "A text could not be delivered",
    AlertReason.NO_SLOT: "No appointment slot before the caution deadline",
    AlertReason.OUT_OF_COVERAGE: "Referral from outside the covered boroughs",
    AlertReason.DISTRESS: "She wrote of distress or fear (no danger now)",
}


def raise_alert(
    session: Session,
    reason: AlertReason,
    *,
    conversation_id: str | None = None,
    channel: str | None = None,
    woman_id: int | None = None,
    referral_id: int | None = None,
    urgency: AlertUrgency | None = None,
) -> Alert:
    """Create an alert, or return the open one for the same reason and conversation.

    One open alert per reason per conversation: a woman repeating herself must
    not bury the queue. The summary is fixed text, never her words.
    """
    if conversation_id:
        existing = session.execute(
            select(Alert).where(
                Alert.conversation_id == conversation_id,
                Alert.reason == reason,
                Alert.status == AlertStatus.OPEN,
            )
        ).scalars().first()
        if existing:
            return existing
    alert = Alert(
        reason=reason,
        urgency=urgency or (AlertUrgency.URGENT if reason in URGENT_REASONS else AlertUrgency.NORMAL),
        conversation_id=conversation_id,
        channel=channel,
        woman_id=woman_id,
        referral_id=referral_id,
        summary=SUMMARIES[reason],
    )
    session.add(alert)
    session.flush()
    # Urgent: the on-duty text/email is queued in this transaction (alert and
    # notice exist together or not at all), unless the person was just told of an
    # urgent one; everything else is counted in the worker's next digest.
    from bot.staff.alert_notify import notify_new_alert  # late: the staff package imports crud

    notify_new_alert(session, alert)
    return alert


def open_alerts(session: Session, offset: int = 0, limit: int | None = None) -> list[Alert]:
    """Not yet resolved: urgent first, then oldest first (id breaks ties, so pages never overlap)."""
    query = (
        select(Alert)
        .where(Alert.status != AlertStatus.RESOLVED)
        .order_by((Alert.urgency == AlertUrgency.URGENT).desc(), Alert.created_at, Alert.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.execute(query).scalars())


def count_open_alerts(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(Alert).where(Alert.status != AlertStatus.RESOLVED)
    ).scalar_one()
