"""A caution deadline is near and a mandatory meeting is not booked: one alert for the
keyworkers, once per referral (the worker runs this hourly, bot/worker/jobs.py).

Booking already alerts when no slot fits before the deadline (booking.warn_no_slot);
this catches the woman who has not booked at all. Missed and not rebooked counts as
not booked. Safe with several workers: referrals.deadline_alerted_at is set by a
conditional UPDATE, and only the worker that set it raises the alert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.appointments import rules
from bot.dates import london
from bot.db.models import AlertReason, AlertUrgency, Pathway, Referral, ReferralStatus
from bot.db.models.appointments import AppointmentKind
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.staff.alert_notify import raise_and_notify

WARN_DAYS = 14
MANDATORY = (AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2)


def _summary(days_left: int, missing: list[AppointmentKind]) -> str:
    which = " and ".join(str(MANDATORY.index(k) + 1) for k in missing)
    when = "today" if days_left == 0 else "in 1 day" if days_left == 1 else f"in {days_left} days"
    return f"Caution deadline {when}: meeting {which} not booked"


def warn_near_deadlines(session: Session, now: datetime | None = None) -> int:
    """Alert for each open caution due within WARN_DAYS with a meeting not booked; how many."""
    now = now or utcnow()
    today = now.astimezone(london()).date()
    candidates = (
        session.execute(
            select(Referral)
            .where(
                Referral.pathway == Pathway.POLICE_CAUTION,
                Referral.status != ReferralStatus.CLOSED,
                Referral.caution_completed_at.is_(None),
                Referral.deadline_alerted_at.is_(None),
            )
            .order_by(Referral.id)
        )
        .scalars()
        .all()
    )
    raised = 0
    for referral in candidates:
        deadline = rules.deadline_for(referral)
        if deadline is None or not today <= deadline <= today + timedelta(days=WARN_DAYS):
            continue  # far off, or already passed (a late alert would not help her)
        have = rules.by_kind(session, referral.id)  # booked, confirmed or attended
        missing = [k for k in MANDATORY if k not in have]
        if not missing:
            continue
        won = session.execute(
            update(Referral)
            .where(Referral.id == referral.id, Referral.deadline_alerted_at.is_(None))
            .values(deadline_alerted_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won:
            raise_and_notify(
                session,
                AlertReason.CAUTION_DEADLINE,
                conversation_id=referral.conversation_id,
                channel=referral.channel,
                woman_id=referral.woman_id,
                referral_id=referral.id,
                urgency=AlertUrgency.NORMAL,
                summary=_summary((deadline - today).days, missing),
            )
            raised += 1
    return raised


def run() -> int:
    """The worker's job: one transaction."""
    with session_scope() as session:
        return warn_near_deadlines(session)
