"""A number on more than one woman's record: a shared or controlled phone.

Whoever reads that phone may not be her, so nothing about an appointment goes
to it (HMPPS's probation reminders skip such numbers too): reminders are held,
any queued ones are called off, and each case gets an alert for its keyworker.
A keyworker who has checked with her (it is her sister's phone, say) clears
it on the case page; that clears it for the women on the number at that time.
A woman added to the number later makes it shared again.

Numbers are compared by their keyed hash (`Woman.phone_lookup`): the number
itself is encrypted at rest.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Alert, AlertReason, AlertStatus, AlertUrgency, AuditLog, OutboxMessage, OutboxStatus, Woman
from bot.db.types import utcnow

# Alerts carry fixed text, never her details.
# Set on the reminders it calls off, so clearing puts back only those.
HELD_MARK = "held: number on more than one record"
SUMMARY = "Her mobile is on more than one woman's record: reminders held until a keyworker clears it"


def others_on_number(session: Session, woman: Woman) -> list[Woman]:
    if not woman.phone_lookup:
        return []
    return list(
        session.execute(
            select(Woman).where(Woman.phone_lookup == woman.phone_lookup, Woman.id != woman.id).order_by(Woman.id)
        ).scalars()
    )


def _cleared_for(woman: Woman, others: list[Woman]) -> bool:
    # Cleared covers the women on the number when the keyworker looked, no later ones.
    cleared = woman.shared_number_cleared_at
    return cleared is not None and all(o.created_at is None or o.created_at <= cleared for o in others)


def is_held(session: Session, woman: Woman) -> bool:
    """True when her number is on another record and no keyworker has cleared it."""
    others = others_on_number(session, woman)
    return bool(others) and not _cleared_for(woman, others)


def _alert(session: Session, woman: Woman) -> None:
    open_one = session.execute(
        select(Alert.id).where(
            Alert.woman_id == woman.id, Alert.summary == SUMMARY, Alert.status != AlertStatus.RESOLVED
        )
    ).first()
    if open_one is not None:
        return
    referral_id = woman.referrals[-1].id if woman.referrals else None
    # UNDELIVERED: her reminders will not go (no new reason: that needs the enum changed).
    session.add(
        Alert(
            reason=AlertReason.UNDELIVERED,
            urgency=AlertUrgency.NORMAL,
            woman_id=woman.id,
            referral_id=referral_id,
            summary=SUMMARY,
        )
    )


def hold(session: Session, woman: Woman) -> bool:
    """If her number is shared and not cleared: call off queued reminders to it and
    alert each case on it. True when held (then queue no reminder)."""
    others = others_on_number(session, woman)
    if not others:
        return False
    held = [w for w in (woman, *others) if not _cleared_for(w, [o for o in (woman, *others) if o.id != w.id])]
    if not held:
        return False
    ids = [w.id for w in held]
    for row in session.execute(
        select(OutboxMessage).where(
            OutboxMessage.woman_id.in_(ids),
            OutboxMessage.kind == "reminder",
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    ).scalars():
        row.status, row.last_error = OutboxStatus.CANCELLED, HELD_MARK
    for w in held:
        _alert(session, w)
    session.flush()
    return woman in held


def clear(session: Session, woman_id: int, staff_id: int | None, now: datetime | None = None) -> Woman | None:
    """A keyworker checked: texts to her number may go again. Her live appointments'
    reminders are queued again; the alert about it is resolved."""
    woman = session.get(Woman, woman_id)
    if woman is None:
        return None
    now = now or utcnow()
    woman.shared_number_cleared_at = now
    for alert in session.execute(
        select(Alert).where(Alert.woman_id == woman_id, Alert.summary == SUMMARY, Alert.status != AlertStatus.RESOLVED)
    ).scalars():
        alert.status, alert.resolved_at, alert.resolved_by_id = AlertStatus.RESOLVED, now, staff_id
    session.add(
        AuditLog(
            actor_type="staff",
            actor_id=staff_id,
            action="shared_number_cleared",
            subject_type="woman",
            subject_id=woman_id,
            at=now,
        )
    )
    session.flush()
    from bot.appointments import reminders  # late: reminders imports this module

    reminders.refresh_for(session, woman, now)
    return woman
