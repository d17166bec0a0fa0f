"""Asking her for a check-in or the closing survey: when, how, and matching her reply.

The worker plans check-ins on the issue's rhythm: at the start (after her first meeting
attended), every three months while her case is open, and at the end (when it closes,
with the closing survey). A due invitation is texted when texts reach her safely (the
text names nothing: `say_discreet`), at a time she said is safe and out of quiet hours.
When texts don't reach her it waits: she can start it herself in the chat, and the
keyworker sees it on the case page. Staff can also ask for one now (bot/staff).

Her "yes" or "no" to the text is matched like a reply to a reminder
(bot/appointments/replies.py): the latest invitation sent to her, not yet answered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, select, text
from sqlalchemy.orm import Session

from bot.appointments.reminders import is_quiet, quiet_hours, safe_window, wall_clock
from bot.dates import london, today_london
from bot.db.models import OutboxMessage, OutboxStatus, Referral, ReferralStatus, Woman
from bot.db.models.appointments import Appointment, AppointmentStatus
from bot.db.models.outcomes import OutcomeReading, ReadingStage
from bot.db.models.support import OPEN_INVITATIONS, InvitationKind, InvitationStatus, SupportInvitation
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.messaging.outbox import enqueue
from bot.privacy import shared_numbers
from bot.wording.catalogue import using_language
from bot.wording.discreet import say_discreet

logger = logging.getLogger(__name__)

REVIEW_EVERY = timedelta(days=91)  # "every three months"
END_WITHIN = timedelta(days=30)  # a case closed longer ago than this is not asked any more
REPLY_WINDOW = timedelta(days=4)
SEARCH = timedelta(hours=72)
STEP = timedelta(minutes=15)
SENT = (OutboxStatus.SENT, OutboxStatus.DELIVERED)
_LOCK_KEY = 0x454C5053  # "ELPS": the planning run's advisory lock
TEXT_KEYS = {InvitationKind.CHECKIN: "support.invite_checkin", InvitationKind.SURVEY: "support.invite_survey"}


@dataclass(frozen=True)
class Pending:
    id: int
    kind: InvitationKind
    sent_at: datetime


def _add(session: Session, referral: Referral, kind: InvitationKind, stage, due: date, by: int | None = None):
    row = SupportInvitation(
        kind=kind, referral_id=referral.id, woman_id=referral.woman_id, stage=stage, due_on=due, scheduled_by_id=by
    )
    session.add(row)
    return row


def _has_invitation(kind: InvitationKind, stage: ReadingStage | None = None):
    cond = [SupportInvitation.referral_id == Referral.id, SupportInvitation.kind == kind]
    if stage is not None:
        cond.append(SupportInvitation.stage == stage)
    return exists().where(*cond)


def plan_due(session: Session, today: date | None = None, now: datetime | None = None) -> int:
    """Create the check-ins (and the closing survey) that are due; returns how many."""
    today = today or today_london()
    now = now or utcnow()
    added = 0
    attended = exists().where(Appointment.referral_id == Referral.id, Appointment.status == AppointmentStatus.ATTENDED)
    has_reading = exists().where(OutcomeReading.referral_id == Referral.id)
    open_case = Referral.status != ReferralStatus.CLOSED
    # The start: her first meeting is behind her and nobody has scored anything yet.
    for referral in session.execute(
        select(Referral).where(open_case, attended, ~has_reading, ~_has_invitation(InvitationKind.CHECKIN))
    ).scalars():
        _add(session, referral, InvitationKind.CHECKIN, ReadingStage.START, today)
        added += 1
    # Every three months: since her latest reading, or the latest check-in asked for.
    latest_reading = (
        select(func.max(OutcomeReading.taken_on)).where(OutcomeReading.referral_id == Referral.id).scalar_subquery()
    )
    latest_ask = (
        select(func.max(SupportInvitation.due_on))
        .where(SupportInvitation.referral_id == Referral.id, SupportInvitation.kind == InvitationKind.CHECKIN)
        .scalar_subquery()
    )
    open_ask = exists().where(
        SupportInvitation.referral_id == Referral.id,
        SupportInvitation.kind == InvitationKind.CHECKIN,
        SupportInvitation.status.in_(OPEN_INVITATIONS),
    )
    cutoff = today - REVIEW_EVERY
    for referral, reading_day, ask_day in session.execute(
        select(Referral, latest_reading, latest_ask).where(open_case, has_reading, ~open_ask)
    ):
        last = max(d for d in (reading_day, ask_day) if d is not None)
        if last <= cutoff:
            _add(session, referral, InvitationKind.CHECKIN, ReadingStage.REVIEW, today)
            added += 1
    # The end: a case closed lately, with some support given, gets the last check-in and the survey.
    for referral in session.execute(
        select(Referral).where(
            Referral.status == ReferralStatus.CLOSED,
            Referral.closed_at >= now - END_WITHIN,
            attended,
            ~_has_invitation(InvitationKind.SURVEY),
        )
    ).scalars():
        for row in session.execute(
            select(SupportInvitation).where(
                SupportInvitation.referral_id == referral.id, SupportInvitation.status.in_(OPEN_INVITATIONS)
            )
        ).scalars():
            row.status = InvitationStatus.CANCELLED  # superseded by the last one
        if has_reading_for(session, referral.id):
            _add(session, referral, InvitationKind.CHECKIN, ReadingStage.END, today)
            added += 1
        _add(session, referral, InvitationKind.SURVEY, None, today)
        added += 1
    session.flush()
    return added


def has_reading_for(session: Session, referral_id: int) -> bool:
    return bool(
        session.execute(select(OutcomeReading.id).where(OutcomeReading.referral_id == referral_id).limit(1)).first()
    )


def next_safe_time(woman: Woman, now: datetime) -> datetime:
    """The first moment from `now` that is out of quiet hours and in the times she said are safe."""
    quiet = quiet_hours()
    safe = safe_window(woman)
    probe = now.astimezone(london()).replace(second=0, microsecond=0)
    limit = probe + SEARCH
    while probe < limit:
        if not is_quiet(probe.time(), quiet) and (safe is None or safe.matches(probe)):
            return probe
        probe = wall_clock(probe.replace(tzinfo=None) + STEP)
    return now


def send_due(session: Session, now: datetime | None = None, today: date | None = None) -> int:
    """Text each due invitation that can reach her; the others wait for her in the chat."""
    now = now or utcnow()
    today = today or today_london()
    sent = 0
    rows = session.execute(
        select(SupportInvitation)
        .where(SupportInvitation.status == InvitationStatus.SCHEDULED, SupportInvitation.due_on <= today)
        .order_by(SupportInvitation.due_on, SupportInvitation.id)
        .with_for_update(skip_locked=True)
    ).scalars()
    for row in rows:
        woman = session.get(Woman, row.woman_id)
        if woman is None or not woman.phone_e164 or shared_numbers.hold(session, woman):
            continue
        # One text at a time: the survey waits until the last check-in is answered.
        earlier = session.execute(
            select(SupportInvitation.id).where(
                SupportInvitation.woman_id == row.woman_id,
                SupportInvitation.status == InvitationStatus.SENT,
                SupportInvitation.answered_at.is_(None),
                SupportInvitation.sent_at >= now - REPLY_WINDOW,
            )
        ).first()
        if earlier is not None:
            continue
        with using_language(woman.language):
            body = say_discreet(TEXT_KEYS[row.kind])
        message = enqueue(
            session,
            to=woman.phone_e164,
            body=body,
            kind="invitation",
            woman_id=woman.id,
            dedupe_key=f"invite:{row.id}",
            send_after=next_safe_time(woman, now),
            discreet=True,
        )
        if message is None:
            continue
        row.status = InvitationStatus.SENT
        row.outbox_message_id = message.id
        row.sent_at = message.send_after
        sent += 1
    session.flush()
    return sent


def run() -> dict[str, int]:
    """The worker's job: plan, then send. One unit of work each, so a failure in one leaves the other.
    Planning takes an advisory lock on PostgreSQL: two workers at once would each add the same check-in."""
    planned = 0
    with session_scope() as session:
        if session.get_bind().dialect.name == "postgresql":
            got = session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _LOCK_KEY}).scalar_one()
        else:
            got = True  # SQLite: one writer at a time anyway
        if got:
            planned = plan_due(session)
    with session_scope() as session:
        sent = send_due(session)
    return {"planned": planned, "sent": sent}


def pending_reply(session: Session, woman_id: int | None, now: datetime, *, to: str | None = None) -> Pending | None:
    """The invitation she is answering: texted to her (or to this number), not yet answered."""
    if woman_id is None and to is None:
        return None
    query = (
        select(SupportInvitation, OutboxMessage.sent_at)
        .join(OutboxMessage, SupportInvitation.outbox_message_id == OutboxMessage.id)
        .where(
            SupportInvitation.status == InvitationStatus.SENT,
            SupportInvitation.answered_at.is_(None),
            OutboxMessage.status.in_(SENT),
            OutboxMessage.sent_at >= now - REPLY_WINDOW,
        )
        .order_by(OutboxMessage.sent_at.desc(), SupportInvitation.id.desc())
        .limit(1)
    )
    query = query.where(OutboxMessage.to_address == to) if to else query.where(SupportInvitation.woman_id == woman_id)
    row = session.execute(query).first()
    return Pending(row[0].id, row[0].kind, row[1]) if row else None


def open_for(session: Session, woman_id: int, kind: InvitationKind | None = None) -> SupportInvitation | None:
    """Her oldest open invitation (of a kind): what she starts when she asks for a check-in."""
    query = select(SupportInvitation).where(
        SupportInvitation.woman_id == woman_id,
        SupportInvitation.status.in_(OPEN_INVITATIONS),
        SupportInvitation.due_on <= today_london(),
    )
    if kind is not None:
        query = query.where(SupportInvitation.kind == kind)
    return session.execute(query.order_by(SupportInvitation.due_on, SupportInvitation.id).limit(1)).scalar_one_or_none()


def answer(session: Session, invitation_id: int, status: InvitationStatus, now: datetime | None = None) -> None:
    """Her answer: DONE (with the reading, by the caller) or DECLINED; a repeat changes nothing."""
    row = session.get(SupportInvitation, invitation_id)
    if row is None or row.status not in OPEN_INVITATIONS:
        return
    row.status = status
    row.answered_at = now or utcnow()
