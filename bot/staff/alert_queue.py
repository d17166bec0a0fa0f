"""The alert queue: urgent first, then newest; filters, a "new since you last looked"
marker, assigning an alert to a keyworker; acknowledge and resolve with a note."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.conversation.contact import format_mobile
from bot.db.crud.conversations import language_for
from bot.db.models import Alert, AlertReason, AlertStatus, AlertUrgency, HandoffContact, Referral, Staff, Woman
from bot.db.types import utcnow
from bot.staff import audit

MAX_NOTE = 2000

# The reason filter's words (the alert's own summary says more).
REASON_LABELS = {
    AlertReason.CRISIS.value: "Crisis words",
    AlertReason.DISTRESS.value: "Distress or fear",
    AlertReason.HUMAN_REQUESTED.value: "Asked for a person",
    AlertReason.BOT_STUCK.value: "Assistant did not understand",
    AlertReason.MISSED_APPOINTMENT.value: "Missed appointment",
    AlertReason.NO_SLOT.value: "No slot before the caution deadline",
    AlertReason.CAUTION_DEADLINE.value: "Caution deadline near, meeting not booked",
    AlertReason.UNDELIVERED.value: "Text not delivered",
    AlertReason.OUT_OF_COVERAGE.value: "Outside the covered boroughs",
}
CHANNELS = ("socketio", "sms", "rest")
WHO = ("mine", "unassigned")
STATUSES = (AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value)


class AlertError(ValueError):
    pass


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters as the GET form sends them; anything unknown is no filter."""

    urgency: str = ""
    reason: str = ""
    channel: str = ""
    who: str = ""  # mine | unassigned
    status: str = ""  # open | acknowledged (resolved alerts are never in the queue)
    page: int = 1

    @classmethod
    def clean(cls, page: int = 1, **given: str) -> QueueFilters:
        allowed = {
            "urgency": {u.value for u in AlertUrgency},
            "reason": set(REASON_LABELS),
            "channel": set(CHANNELS),
            "who": set(WHO),
            "status": set(STATUSES),
        }
        return cls(page=max(1, page), **{k: (v if v in allowed[k] else "") for k, v in given.items() if k in allowed})

    def params(self) -> dict[str, str]:
        """The filters set, for links (the pager, the live list)."""
        return {
            k: v
            for k, v in (
                ("urgency", self.urgency),
                ("reason", self.reason),
                ("channel", self.channel),
                ("who", self.who),
                ("status", self.status),
            )
            if v
        }


@dataclass(frozen=True)
class QueueItem:
    id: int
    reason: str
    urgent: bool
    status: str
    summary: str
    created_at: datetime
    channel: str | None
    conversation_id: str | None
    who: str  # her name and reference, or "Not known yet"
    referral_id: int | None
    acknowledged_by: str | None
    escalated: bool
    resolution_note: str | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    safe_contact: str | None = None  # how she said a person may reach her (talk to a person, #19 point 12)
    assigned_to: str | None = None
    assigned_to_id: int | None = None
    language: str | None = None  # the conversation's (bot/wording), shown on the alert


class _People:
    """Who each alert is about, loaded in a few queries for the whole queue (not per alert)."""

    def __init__(self, session: Session, alerts: list[Alert]):
        def ids(attr: str) -> set:
            return {getattr(a, attr) for a in alerts if getattr(a, attr)}

        referral_ids, woman_ids, convos = ids("referral_id"), ids("woman_id"), ids("conversation_id")
        found: list[Referral] = []
        if referral_ids or woman_ids or convos:
            found = list(
                session.execute(
                    select(Referral)
                    .where(
                        or_(
                            Referral.id.in_(referral_ids or [-1]),
                            Referral.woman_id.in_(woman_ids or [-1]),
                            Referral.conversation_id.in_(convos or [""]),
                        )
                    )
                    .order_by(Referral.id)
                ).scalars()
            )
        self.by_id = {r.id: r for r in found}
        self.by_woman = {r.woman_id: r for r in found}  # the latest wins (ordered by id)
        self.by_convo = {r.conversation_id: r for r in found if r.conversation_id}
        woman_ids |= {r.woman_id for r in found}
        self.women = {w.id: w for w in session.execute(select(Woman).where(Woman.id.in_(woman_ids or [-1]))).scalars()}
        staff_ids = {i for a in alerts for i in (a.acknowledged_by_id, a.resolved_by_id, a.assigned_to_id)} - {None}
        self.staff = dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(staff_ids or [-1]))).all())

    def who(self, alert: Alert) -> tuple[str, int | None]:
        referral = (
            self.by_id.get(alert.referral_id)
            or self.by_woman.get(alert.woman_id)
            or self.by_convo.get(alert.conversation_id)
        )
        woman = self.women.get(alert.woman_id or (referral.woman_id if referral else None))
        name = (woman.preferred_name if woman else None) or ("Name not given" if woman else "Not known yet")
        if referral is not None:
            return f"{name} ({referral.reference})", referral.id
        return name, None


def item(session: Session, alert: Alert, people: _People | None = None) -> QueueItem:
    people = people or _People(session, [alert])
    who, referral_id = people.who(alert)
    return QueueItem(
        alert.id,
        alert.reason.value,
        alert.urgency.value == "urgent",
        alert.status.value,
        alert.summary,
        alert.created_at,
        alert.channel,
        alert.conversation_id,
        who,
        referral_id,
        people.staff.get(alert.acknowledged_by_id),
        alert.escalated_at is not None,
        alert.resolution_note,
        people.staff.get(alert.resolved_by_id),
        alert.resolved_at,
        assigned_to=people.staff.get(alert.assigned_to_id),
        assigned_to_id=alert.assigned_to_id,
    )


# A page the keyworker can scan; urgent alerts always sort onto the first pages.
PAGE_SIZE = 50


def _matching(filters: QueueFilters, staff_id: int):
    stmt = select(Alert).where(Alert.status != AlertStatus.RESOLVED)
    if filters.urgency:
        stmt = stmt.where(Alert.urgency == AlertUrgency(filters.urgency))
    if filters.reason:
        stmt = stmt.where(Alert.reason == AlertReason(filters.reason))
    if filters.channel:
        stmt = stmt.where(Alert.channel == filters.channel)
    if filters.who == "mine":
        stmt = stmt.where(Alert.assigned_to_id == staff_id)
    elif filters.who == "unassigned":
        stmt = stmt.where(Alert.assigned_to_id.is_(None))
    if filters.status:
        stmt = stmt.where(Alert.status == AlertStatus(filters.status))
    return stmt


def queue(
    session: Session, filters: QueueFilters, staff_id: int, page_size: int = PAGE_SIZE
) -> tuple[list[QueueItem], int]:
    """One page of unresolved alerts matching the filters (urgent first, then newest), and how many match."""
    stmt = _matching(filters, staff_id)
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    alerts = list(
        session.execute(
            stmt.order_by((Alert.urgency == AlertUrgency.URGENT).desc(), Alert.created_at.desc(), Alert.id.desc())
            .offset((filters.page - 1) * page_size)
            .limit(page_size)  # id breaks ties: pages never overlap
        ).scalars()
    )
    people = _People(session, alerts)
    return [item(session, a, people) for a in alerts], total


def look(session: Session, staff_id: int) -> datetime | None:
    """She is looking at the queue now: when she last looked before (None: never), and remember now."""
    me = session.get(Staff, staff_id)
    if me is None:
        return None
    before, me.alerts_seen_at = me.alerts_seen_at, utcnow()
    return before


def new_since(session: Session, since: datetime | None) -> int:
    """How many unresolved alerts came after `since` (never looked: none are marked new)."""
    if since is None:
        return 0
    return session.execute(
        select(func.count()).select_from(Alert).where(Alert.status != AlertStatus.RESOLVED, Alert.created_at > since)
    ).scalar_one()


def keyworkers(session: Session) -> list[tuple[int, str]]:
    """Who an alert can be given to: every active staff account."""
    return [
        tuple(row)
        for row in session.execute(
            select(Staff.id, Staff.name).where(Staff.active.is_(True)).order_by(Staff.name, Staff.id)
        ).all()
    ]


def assign(session: Session, alert_id: int, assignee_id: int | None, staff_id: int) -> None:
    """Give the alert to a keyworker (None: to nobody); audited."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise LookupError("no such alert")
    if alert.status == AlertStatus.RESOLVED:
        raise AlertError("This alert was already resolved.")
    if assignee_id is not None:
        assignee = session.get(Staff, assignee_id)
        if assignee is None or not assignee.active:
            raise AlertError("Choose a keyworker from the list.")
    alert.assigned_to_id = assignee_id
    alert.assigned_at = utcnow() if assignee_id is not None else None
    audit.record(session, staff_id, "assign_alert" if assignee_id is not None else "unassign_alert", "alert", alert_id)


def recently_resolved(session: Session, limit: int = 30) -> list[QueueItem]:
    rows = (
        session.execute(
            select(Alert).where(Alert.status == AlertStatus.RESOLVED).order_by(Alert.resolved_at.desc()).limit(limit)
        )
        .scalars()
        .all()
    )
    people = _People(session, list(rows))
    return [item(session, a, people) for a in rows]


def view(session: Session, alert_id: int, staff_id: int) -> QueueItem | None:
    alert = session.get(Alert, alert_id)
    if alert is None:
        return None
    audit.record(session, staff_id, "view_alert", "alert", alert.id)
    found = item(session, alert)
    language = language_for(session, found.conversation_id) if found.conversation_id else None
    return replace(found, safe_contact=safe_contact(session, alert.id), language=language)


def safe_contact(session: Session, alert_id: int) -> str | None:
    """ "07700 900123 (mobile), weekday mornings", or that she said no: shown on the alert only."""
    left = (
        session.execute(
            select(HandoffContact).where(HandoffContact.alert_id == alert_id).order_by(HandoffContact.id.desc())
        )
        .scalars()
        .first()
    )
    if left is None:
        return None
    if left.declined or not left.contact:
        return "She did not want to be contacted. Reply in the chat."
    shown = format_mobile(left.contact) if left.contact_kind == "mobile" else left.contact
    return f"{shown} ({left.contact_kind})" + (f", {left.safe_times}" if left.safe_times else "")


def acknowledge(session: Session, alert_id: int, staff_id: int) -> bool:
    """Open -> acknowledged; False if someone else got there first (nothing changes)."""
    won = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.status == AlertStatus.OPEN)
        .values(status=AlertStatus.ACKNOWLEDGED, acknowledged_at=utcnow(), acknowledged_by_id=staff_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won:
        audit.record(session, staff_id, "acknowledge_alert", "alert", alert_id)
    return bool(won)


def resolve(session: Session, alert_id: int, staff_id: int, note: str) -> None:
    note = (note or "").strip()
    if not note:
        raise AlertError("Write a short note on what was done.")
    if len(note) > MAX_NOTE:
        raise AlertError(f"Keep the note under {MAX_NOTE} characters.")
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise LookupError("no such alert")
    if alert.status == AlertStatus.RESOLVED:
        raise AlertError("This alert was already resolved.")
    now = utcnow()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by_id = now, staff_id
    alert.status, alert.resolved_at, alert.resolved_by_id, alert.resolution_note = (
        AlertStatus.RESOLVED,
        now,
        staff_id,
        note,
    )
    audit.record(session, staff_id, "resolve_alert", "alert", alert_id)
