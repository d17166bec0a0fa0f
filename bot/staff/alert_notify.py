"""Telling staff about alerts without flooding their phones.

A person gets at most one text (and one email) per burst: a digest counting
what they have not yet been told about ("3 new alerts in Elpis, 1 urgent.
Please log in."), never who or why (a phone or inbox may be seen by others).

The rule, per person:
- At least ELPIS_ALERT_NOTIFY_GAP_MINUTES between two notices. Alerts that
  arrive in between are counted in the next digest, which the worker sends
  once the gap has passed (`send_alert_notices`, every minute).
- Urgent is never held behind a notice that did not mention urgent: a new
  urgent alert goes at once (from raise_and_notify's transaction) unless the
  person's last notice, inside the gap, already counted an urgent alert; then
  it waits for the end of that gap at most. So a gap holds at most two
  notices, one plain and one urgent.
- New alerts go to active, unlocked, on-duty staff (nobody on duty: to the
  active, unlocked admins). Plain alerts are counted, and sent by the worker.
- Escalation (urgent, still open after ELPIS_ALERT_ESCALATION_MINUTES) goes to
  the same people and to every active, unlocked admin, as part of the same
  digest ("2 urgent alerts in Elpis not yet seen") and under the same gap
  rule. Never to a locked, inactive or off-duty keyworker.
- Worse: when what she says next makes an open alert more serious (a threat,
  then an overdose), the same people are told at once that an alert is more
  serious now, once per grade (a repeat at the same grade sends nothing).
  Not held by the gap: a grade only goes up, so this is a few texts at most.

Exactly once with several workers: a notice is claimed by a conditional UPDATE
of the person's Staff.alert_notice_seq. Only the transaction whose update hit
queues the messages (outbox dedupe key per person and notice) and records the
alerts it counted (AlertNotice), so nothing is counted twice or sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from bot.db.crud.alerts import open_alert, raise_alert
from bot.db.models import Alert, AlertReason, AlertStatus, AlertUrgency, Staff
from bot.db.models.alerts import AlertNotice
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.messaging.outbox import enqueue
from bot.settings import get_settings
from bot.staff.accounts import active_admins, on_duty_staff
from bot.wording import say as _say_to_her

NEW, ESCALATED = "new", "escalated"
STAFF_LANGUAGE = "en"  # staff texts stay in the team's language, whatever hers is


def say(key: str, /, **values: object) -> str:
    return _say_to_her(key, STAFF_LANGUAGE, **values)


# Kept as a name for the tests that compare the texts sent with it.
WORSE_TEXT = say("alerts.worse")
# A person just told by someone else is looked at again this many times
# (an urgent alert may still go if that notice counted no urgent one).
CLAIM_TRIES = 3


@dataclass(frozen=True)
class Pending:
    """What one person has not yet been told about."""

    new: dict[int, bool]  # alert id -> urgent
    escalated: list[int]

    @property
    def urgent(self) -> bool:
        return bool(self.escalated) or any(self.new.values())

    def __bool__(self) -> bool:
        return bool(self.new or self.escalated)


def _counted(n: int, one: str, many: str) -> str:
    return say(one if n == 1 else many, n=n)


def digest_text(new: int, urgent: int, overdue: int) -> str:
    """Counts only: never a name, reason or anything she said."""
    late = _counted(overdue, "alerts.urgent_alerts_one", "alerts.urgent_alerts_many")
    if not new:
        return say("alerts.digest_overdue", overdue=late)
    fresh = _counted(new, "alerts.new_alerts_one", "alerts.new_alerts_many")
    if urgent and overdue:
        return say("alerts.digest_new_urgent_overdue", new=fresh, urgent=urgent, overdue=late)
    if urgent:
        return say("alerts.digest_new_urgent", new=fresh, urgent=urgent)
    if overdue:
        return say("alerts.digest_new_overdue", new=fresh, overdue=late)
    return say("alerts.digest_new", new=fresh)


def recipients(session: Session, now: datetime) -> dict[int, set[str]]:
    """Staff id -> what they hear about, in id order (one lock order for all)."""
    on_duty, admins = on_duty_staff(session, now), active_admins(session, now)
    people: dict[int, set[str]] = {person.id: {NEW} for person in on_duty or admins}
    # Escalation: the person on duty did not answer, so the admins hear too (and
    # every on-duty person again, the one who missed it included).
    for person in on_duty + admins:
        people.setdefault(person.id, set()).add(ESCALATED)
    return dict(sorted(people.items()))


def _not_told(staff_id: int, kind: str):
    return ~exists().where(AlertNotice.staff_id == staff_id, AlertNotice.alert_id == Alert.id, AlertNotice.kind == kind)


def pending_for(session: Session, staff_id: int, kinds: set[str]) -> Pending:
    """Open (unacknowledged) alerts this person has not been told about."""
    new: dict[int, bool] = {}
    escalated: list[int] = []
    if NEW in kinds:
        rows = session.execute(
            select(Alert.id, Alert.urgency)
            .where(Alert.status == AlertStatus.OPEN, _not_told(staff_id, NEW))
            .order_by(Alert.id)
        )
        new = {alert_id: urgency == AlertUrgency.URGENT for alert_id, urgency in rows}
    if ESCALATED in kinds:
        escalated = list(
            session.execute(
                select(Alert.id)
                .where(
                    Alert.status == AlertStatus.OPEN, Alert.escalated_at.is_not(None), _not_told(staff_id, ESCALATED)
                )
                .order_by(Alert.id)
            ).scalars()
        )
    return Pending(new, escalated)


def is_due(person: Staff, pending: Pending, now: datetime) -> bool:
    last = person.alert_notified_at
    if last is None or now >= last + timedelta(minutes=get_settings().alert_notify_gap_minutes):
        return True
    # Inside the gap only urgent news goes, and only if their last notice had none.
    return pending.urgent and not person.alert_notified_urgent


def _send_to(session: Session, staff: Staff, body: str, key: str) -> int:
    sent = 0
    if staff.phone_e164:
        sent += (
            enqueue(session, to=staff.phone_e164, body=body, kind="alert", channel="sms", dedupe_key=f"{key}:sms")
            is not None
        )
    if staff.email:
        sent += (
            enqueue(session, to=staff.email, body=body, kind="alert", channel="email", dedupe_key=f"{key}:email")
            is not None
        )
    return sent


def _try_notify(session: Session, staff_id: int, kinds: set[str], now: datetime) -> str:
    """One attempt: "sent", "not due" (nothing new, or the gap holds it) or "lost"."""
    # The person first, then what is pending: anything another transaction
    # recorded after this read also bumped the seq, so our claim below fails.
    person = session.execute(
        select(Staff).where(Staff.id == staff_id).execution_options(populate_existing=True)
    ).scalar_one()
    seq = person.alert_notice_seq
    pending = pending_for(session, staff_id, kinds)
    if not pending or not is_due(person, pending, now):
        return "not due"
    won = session.execute(
        update(Staff)
        .where(Staff.id == staff_id, Staff.alert_notice_seq == seq)
        .values(alert_notice_seq=seq + 1, alert_notified_at=now, alert_notified_urgent=pending.urgent)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        return "lost"
    seen = [(alert_id, NEW) for alert_id in pending.new] + [(alert_id, ESCALATED) for alert_id in pending.escalated]
    session.add_all(
        AlertNotice(staff_id=staff_id, alert_id=alert_id, kind=kind, notice_seq=seq + 1, at=now)
        for alert_id, kind in seen
    )
    # An alert both new to them and overdue is counted once, as not yet seen.
    overdue = set(pending.escalated)
    fresh = [urgent for alert_id, urgent in pending.new.items() if alert_id not in overdue]
    body = digest_text(len(fresh), sum(fresh), len(pending.escalated))
    _send_to(session, person, body, f"alert-notice:{staff_id}:{seq + 1}")
    session.flush()
    return "sent"


def notify_person(session: Session, staff_id: int, kinds: set[str], now: datetime) -> bool:
    """Send this person their digest if the rule allows it now; True if queued."""
    for _ in range(CLAIM_TRIES):
        outcome = _try_notify(session, staff_id, kinds, now)
        if outcome != "lost":
            return outcome == "sent"
    return False


def notify_new_alert(session: Session, alert: Alert) -> int:
    """An urgent alert tells whoever may be told at once (same transaction).

    Plain alerts wait for the worker's digest. Returns how many people were told.
    """
    if alert.urgency != AlertUrgency.URGENT:
        return 0
    now = utcnow()
    told = 0
    for staff_id, kinds in recipients(session, now).items():
        if NEW in kinds:
            told += notify_person(session, staff_id, kinds, now)
    return told


def notify_worse(session: Session, alert: Alert, grade: str) -> int:
    """The alert became more serious (now `grade`): tell its people again, at once.

    The dedupe key (alert, grade, person) makes it once per grade and person,
    whoever writes it. Returns how many people were told."""
    now = utcnow()
    told = 0
    for staff_id, kinds in recipients(session, now).items():
        if NEW in kinds or (alert.escalated_at is not None and ESCALATED in kinds):
            person = session.get(Staff, staff_id)
            told += bool(_send_to(session, person, say("alerts.worse"), f"alert-worse:{alert.id}:{grade}:{staff_id}"))
    return told


def raise_and_notify(
    session: Session,
    reason: AlertReason,
    *,
    conversation_id: str | None = None,
    channel: str | None = None,
    woman_id: int | None = None,
    referral_id: int | None = None,
    urgency: AlertUrgency | None = None,
    summary: str | None = None,
    worse: str | None = None,
) -> Alert:
    """Raise an alert (or update the conversation's open one) and tell staff.

    What every caller uses: the row and its notice are written in one
    transaction. A new urgent alert is told at once, a plain one in the next
    digest, a repeat not again. `worse` names the open alert's new grade when
    this update makes it more serious (bot/safety/after_crisis.py decides);
    then its people are told again (notify_worse).
    """
    before = open_alert(session, conversation_id, reason) if conversation_id else None
    alert = raise_alert(
        session,
        reason,
        conversation_id=conversation_id,
        channel=channel,
        woman_id=woman_id,
        referral_id=referral_id,
        urgency=urgency,
        summary=summary,
    )
    if before is None:
        notify_new_alert(session, alert)
    elif worse:
        notify_worse(session, alert, worse)
    return alert


def escalate_overdue(url: str | None = None, now: datetime | None = None) -> int:
    """Mark urgent alerts still open after the set time as escalated.

    One conditional UPDATE (escalated_at IS NULL): with several workers each
    alert is escalated once. Nothing is sent here: the digest tells people.
    """
    now = now or utcnow()
    cutoff = now - timedelta(minutes=get_settings().alert_escalation_minutes)
    with session_scope(url) as session:
        return session.execute(
            update(Alert)
            .where(
                Alert.status == AlertStatus.OPEN,
                Alert.urgency == AlertUrgency.URGENT,
                Alert.escalated_at.is_(None),
                Alert.created_at <= cutoff,
            )
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount


def send_alert_notices(url: str | None = None, now: datetime | None = None) -> int:
    """The worker's job: escalate what is overdue, then send each person's digest
    if their gap has passed (one transaction per person). Returns people told."""
    now = now or utcnow()
    escalate_overdue(url, now)
    with session_scope(url) as session:
        people = recipients(session, now)
    told = 0
    for staff_id, kinds in people.items():
        with session_scope(url) as session:
            told += notify_person(session, staff_id, kinds, now)
    return told
