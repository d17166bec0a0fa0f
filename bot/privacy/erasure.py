"""Deleting everything we hold about one woman ("delete my data").

One transaction removes her record and everything hanging off it, unlinks
what staff keep for their own work (alerts stay, without her), and leaves one
anonymous audit row. Each feature erases its own tables (its hooks in
bot/privacy/registry.py, walked in order). Her Rasa trackers are queued for
the worker to wipe (bot/privacy/trackers.py). Called by the chat action and
the staff app.

What is kept, and why: an SMS opt-out (STOP) is by number and must keep
being honoured whoever the number belongs to; staff audit rows about her case
lose the link to her (subject_id set null) but keep who did what.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.appointments.data_hooks import caution_meetings_booked
from bot.db.models import AuditLog, Conversation, Pathway, Referral, TrackerErasure, Woman
from bot.db.types import utcnow
from bot.messaging.data_hooks import messages_to
from bot.privacy.hooks import Her
from bot.privacy.registry import HOOKS


@dataclass(frozen=True)
class Erased:
    referrals: int
    appointments: int
    messages: int
    conversations: int


def sender_ids_of(session: Session, woman_id: int) -> set[str]:
    ids = set(session.execute(select(Conversation.sender_id).where(Conversation.woman_id == woman_id)).scalars())
    ids |= {
        s for s in session.execute(select(Referral.conversation_id).where(Referral.woman_id == woman_id)).scalars() if s
    }
    return ids


def queue_tracker_erasure(session: Session, sender_ids: set[str]) -> None:
    known = (
        set(session.execute(select(TrackerErasure.sender_id).where(TrackerErasure.sender_id.in_(sender_ids))).scalars())
        if sender_ids
        else set()
    )
    for sender_id in sorted(sender_ids - known):
        session.add(TrackerErasure(sender_id=sender_id, requested_at=utcnow()))


def caution_at_stake(session: Session, woman_id: int) -> int | None:
    """Before she deletes: None if no caution is open for her, else how many caution
    meetings are booked (deleting cancels them, and a meeting missed is told to the police)."""
    open_cautions = list(
        session.execute(
            select(Referral.id).where(
                Referral.woman_id == woman_id,
                Referral.pathway == Pathway.POLICE_CAUTION,
                Referral.caution_completed_at.is_(None),
            )
        ).scalars()
    )
    if not open_cautions:
        return None
    return caution_meetings_booked(session, open_cautions)


def erase_woman(
    session: Session,
    woman_id: int,
    *,
    actor_type: str = "woman",
    actor_id: int | None = None,
    sender_ids: set[str] | None = None,
) -> Erased | None:
    """Delete her record and everything linked to it; None if there is no such record."""
    woman = session.get(Woman, woman_id, with_for_update=True)
    if woman is None:
        return None
    phone = woman.phone_e164
    senders = sender_ids_of(session, woman_id) | set(sender_ids or ())
    referral_ids = tuple(session.execute(select(Referral.id).where(Referral.woman_id == woman_id)).scalars())
    her = Her(
        woman_id=woman_id,
        phone=phone,
        senders=frozenset(senders),
        referral_ids=referral_ids,
        outbox_ids=tuple(messages_to(session, woman_id, phone)),
    )
    counts: Counter[str] = Counter()
    for hooks in HOOKS:  # each feature's rows, then her record (bot/privacy/registry.py)
        if hooks.erase:
            counts.update(hooks.erase(session, her))
    session.expunge(woman)

    queue_tracker_erasure(session, senders)
    # Anonymous: no id, number or reference that could point back to her.
    session.add(
        AuditLog(
            actor_type=actor_type,
            actor_id=actor_id,
            action="data_deleted",
            subject_type="woman",
            subject_id=None,
            at=utcnow(),
        )
    )
    session.flush()
    return Erased(counts["referrals"], counts["appointments"], counts["messages"], counts["conversations"])
