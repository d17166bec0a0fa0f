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
    summary: str | None = None,
) -> Alert:
    """Write an alert row, or update the open one for the same reason and conversation.

    One open alert per reason per conversation: a woman repeating herself must
    not bury the queue, but what is new reaches it: the open alert takes a new
    `summary` and links her record and referral once they are known. The
    summary is fixed text chosen by the caller (default: by reason), never her words.
    Only the row: telling staff is the caller's (bot.staff.alert_notify.raise_and_notify).
    """
    if conversation_id:
        existing = open_alert(session, conversation_id, reason)
        if existing:
            update_alert(existing, summary=summary, woman_id=woman_id, referral_id=referral_id)
            return existing
    alert = Alert(
        reason=reason,
        urgency=urgency or (AlertUrgency.URGENT if reason in URGENT_REASONS else AlertUrgency.NORMAL),
        conversation_id=conversation_id,
        channel=channel,
        woman_id=woman_id,
        referral_id=referral_id,
        summary=(summary or SUMMARIES[reason])[:200],
    )
    session.add(alert)
    session.flush()
    return alert


def open_alert(session: Session, conversation_id: str, reason: AlertReason) -> Alert | None:
    """The conversation's open (not yet acknowledged) alert for `reason`, if any."""
    return (
        session.execute(
            select(Alert)
            .where(
                Alert.conversation_id == conversation_id,
                Alert.reason == reason,
                Alert.status == AlertStatus.OPEN,
            )
            .order_by(Alert.id.desc())
        )
        .scalars()
        .first()
    )


def latest_unresolved(session: Session, conversation_id: str, reason: AlertReason) -> Alert | None:
    """The conversation's newest alert for `reason` not yet resolved (open or acknowledged)."""
    return (
        session.execute(
            select(Alert)
            .where(
                Alert.conversation_id == conversation_id,
                Alert.reason == reason,
                Alert.status != AlertStatus.RESOLVED,
            )
            .order_by(Alert.id.desc())
        )
        .scalars()
        .first()
    )


def update_alert(
    alert: Alert, *, summary: str | None = None, woman_id: int | None = None, referral_id: int | None = None
) -> Alert:
    """New fixed summary, and her record and referral when first known (a link is never
    changed to another woman's: a shared phone must not merge two cases)."""
    if summary:
        alert.summary = summary[:200]
    if woman_id is not None and alert.woman_id is None:
        alert.woman_id = woman_id
    if referral_id is not None and alert.referral_id is None:
        alert.referral_id = referral_id
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
