"""Check-ins and the closing survey as the case page sees them: her invitations, a
keyworker's "ask her for a check-in now", and cancelling one still open (each audited).

Only the rows: the worker texts a due invitation and the chat takes her answers
(bot/support/). A check-in asked now is due today, so the worker's next pass sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.dates import today_london
from bot.db.models import Referral
from bot.db.models.outcomes import OutcomeReading, ReadingStage
from bot.db.models.support import OPEN_INVITATIONS, InvitationKind, InvitationStatus, SupportInvitation
from bot.staff import audit

KIND_WORDS = {InvitationKind.CHECKIN.value: "Check-in", InvitationKind.SURVEY.value: "Closing survey"}
STATUS_WORDS = {
    InvitationStatus.SCHEDULED.value: "Waiting for its day",
    InvitationStatus.SENT.value: "Sent, not answered yet",
    InvitationStatus.DONE.value: "Answered",
    InvitationStatus.DECLINED.value: "She said not now",
    InvitationStatus.CANCELLED.value: "Cancelled by staff",
}


class InvitationError(ValueError):
    """The change can't be made; the message says why (nothing changed)."""


@dataclass(frozen=True)
class InvitationRow:
    id: int
    kind: str  # words
    stage: str | None  # "start" | "review" | "end" (check-ins)
    due_on: date
    status: str  # words
    sent_at: datetime | None
    open: bool


def for_case(session: Session, referral_id: int) -> list[InvitationRow]:
    """Her invitations, the latest due first."""
    rows = session.execute(
        select(SupportInvitation)
        .where(SupportInvitation.referral_id == referral_id)
        .order_by(SupportInvitation.due_on.desc(), SupportInvitation.id.desc())
    ).scalars()
    return [
        InvitationRow(
            r.id,
            KIND_WORDS[r.kind.value],
            r.stage.value if r.stage else None,
            r.due_on,
            STATUS_WORDS[r.status.value],
            r.sent_at,
            r.status in OPEN_INVITATIONS,
        )
        for r in rows
    ]


def create_checkin(session: Session, referral_id: int, staff_id: int, today: date | None = None) -> SupportInvitation:
    """A check-in due today: at the review stage, or the start when she has no reading yet.
    InvitationError when a check-in is already open (scheduled or sent); LookupError: no such case."""
    # The case row locked (PostgreSQL) so two clicks at once cannot open two check-ins.
    referral = session.execute(
        select(Referral).where(Referral.id == referral_id).with_for_update()
    ).scalar_one_or_none()
    if referral is None:
        raise LookupError("no such case")
    already = session.execute(
        select(SupportInvitation.id).where(
            SupportInvitation.referral_id == referral_id,
            SupportInvitation.kind == InvitationKind.CHECKIN,
            SupportInvitation.status.in_(OPEN_INVITATIONS),
        )
    ).first()
    if already is not None:
        raise InvitationError("A check-in is already open for her: cancel it first to ask again.")
    has_reading = session.execute(
        select(OutcomeReading.id).where(OutcomeReading.referral_id == referral_id).limit(1)
    ).first()
    row = SupportInvitation(
        kind=InvitationKind.CHECKIN,
        referral_id=referral.id,
        woman_id=referral.woman_id,
        stage=ReadingStage.REVIEW if has_reading else ReadingStage.START,
        due_on=today or today_london(),
        status=InvitationStatus.SCHEDULED,
        scheduled_by_id=staff_id,
    )
    session.add(row)
    session.flush()
    audit.record(session, staff_id, "ask_checkin", "support_invitation", row.id)
    return row


def cancel(session: Session, invitation_id: int, staff_id: int, referral_id: int | None = None) -> SupportInvitation:
    """Cancel an open invitation (scheduled or sent), audited. LookupError: no such invitation
    (or not this case's, when `referral_id` is given); InvitationError: it is no longer open."""
    row = session.execute(
        select(SupportInvitation).where(SupportInvitation.id == invitation_id).with_for_update()
    ).scalar_one_or_none()
    if row is None or (referral_id is not None and row.referral_id != referral_id):
        raise LookupError("no such invitation")
    if row.status not in OPEN_INVITATIONS:
        raise InvitationError("That invitation is no longer open (answered, declined or cancelled): nothing changed.")
    row.status = InvitationStatus.CANCELLED
    audit.record(session, staff_id, "cancel_support_invitation", "support_invitation", row.id)
    return row
