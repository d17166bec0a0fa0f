"""Deleting everything we hold about one woman ("delete my data").

One transaction removes her record and everything hanging off it, unlinks
what staff keep for their own work (alerts stay, without her), and leaves one
anonymous audit row. Her Rasa trackers are queued for the worker to wipe
(bot/privacy/trackers.py). Called by the chat action and the staff app.

What is kept, and why: an SMS opt-out (STOP) is by number and must keep
being honoured whoever the number belongs to; staff audit rows about her case
lose the link to her (subject_id set null) but keep who did what.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, false, or_, select, update
from sqlalchemy.orm import Session

from bot.db.models import (
    Alert, AuditLog, Consent, Conversation, HandoffContact, OutboxMessage, Referral, ReferralNeed, TrackerErasure,
    Woman,
)
from bot.db.types import utcnow

try:  # Optional areas: erase their rows when the tables exist in this build.
    from bot.db.models.appointments import LIVE_STATUSES, Appointment, AppointmentMessage, AppointmentSlot
except ImportError:  # pragma: no cover - appointments not installed
    Appointment = AppointmentMessage = AppointmentSlot = None
    LIVE_STATUSES = ()
try:
    from bot.db.models.sms import SmsDeliveryEvent, SmsInbound, SmsOptionSet
except ImportError:  # pragma: no cover - SMS channel not installed
    SmsDeliveryEvent = SmsInbound = SmsOptionSet = None
try:
    from bot.db.models.staff_app import Handoff
except ImportError:  # pragma: no cover - staff app not installed
    Handoff = None


@dataclass(frozen=True)
class Erased:
    referrals: int
    appointments: int
    messages: int
    conversations: int


def sender_ids_of(session: Session, woman_id: int) -> set[str]:
    ids = set(session.execute(select(Conversation.sender_id).where(Conversation.woman_id == woman_id)).scalars())
    ids |= {
        s for s in session.execute(select(Referral.conversation_id).where(Referral.woman_id == woman_id)).scalars()
        if s
    }
    return ids


def queue_tracker_erasure(session: Session, sender_ids: set[str]) -> None:
    known = set(session.execute(
        select(TrackerErasure.sender_id).where(TrackerErasure.sender_id.in_(sender_ids))
    ).scalars()) if sender_ids else set()
    for sender_id in sorted(sender_ids - known):
        session.add(TrackerErasure(sender_id=sender_id, requested_at=utcnow()))


def caution_at_stake(session: Session, woman_id: int) -> int | None:
    """Before she deletes: None if no caution is open for her, else how many caution
    meetings are booked (deleting cancels them, and a meeting missed is told to the police)."""
    from bot.db.models import Pathway
    open_cautions = list(session.execute(select(Referral.id).where(
        Referral.woman_id == woman_id, Referral.pathway == Pathway.POLICE_CAUTION,
        Referral.caution_completed_at.is_(None))).scalars())
    if not open_cautions:
        return None
    if Appointment is None:
        return 0
    from bot.db.models.appointments import AppointmentKind
    return len(session.execute(select(Appointment.id).where(
        Appointment.referral_id.in_(open_cautions), Appointment.status.in_(LIVE_STATUSES),
        Appointment.kind.in_((AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2)))).scalars().all())


def erase_woman(
    session: Session, woman_id: int, *, actor_type: str = "woman", actor_id: int | None = None,
    sender_ids: set[str] | None = None,
) -> Erased | None:
    """Delete her record and everything linked to it; None if there is no such record."""
    woman = session.get(Woman, woman_id, with_for_update=True)
    if woman is None:
        return None
    phone = woman.phone_e164
    senders = sender_ids_of(session, woman_id) | set(sender_ids or ())
    referral_ids = list(session.execute(select(Referral.id).where(Referral.woman_id == woman_id)).scalars())

    appointments = 0
    if Appointment is not None:
        session.execute(delete(AppointmentMessage).where(AppointmentMessage.woman_id == woman_id))
        if referral_ids:
            # Her booked places go back to the slots, so others can have them.
            live = session.execute(select(Appointment.slot_id).where(
                Appointment.referral_id.in_(referral_ids), Appointment.status.in_(LIVE_STATUSES))).scalars().all()
            for slot_id in live:
                session.execute(update(AppointmentSlot).where(
                    AppointmentSlot.id == slot_id, AppointmentSlot.booked_count > 0
                ).values(booked_count=AppointmentSlot.booked_count - 1))
            # Links between her own appointments (moved from/to) go first.
            session.execute(update(Appointment).where(Appointment.referral_id.in_(referral_ids))
                            .values(moved_from_id=None, moved_to_id=None))
            appointments = session.execute(
                delete(Appointment).where(Appointment.referral_id.in_(referral_ids))
            ).rowcount

    # Every message to her: by record, and replies to her number in an SMS chat.
    to_her = OutboxMessage.woman_id == woman_id
    if phone:
        to_her = or_(to_her, OutboxMessage.to_address == phone)
    outbox_ids = list(session.execute(select(OutboxMessage.id).where(to_her)).scalars())
    if outbox_ids:
        if SmsDeliveryEvent is not None:
            session.execute(delete(SmsDeliveryEvent).where(SmsDeliveryEvent.outbox_id.in_(outbox_ids)))
        if AppointmentMessage is not None:
            session.execute(delete(AppointmentMessage).where(AppointmentMessage.outbox_message_id.in_(outbox_ids)))
        session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(outbox_ids)))

    if SmsInbound is not None and phone:
        session.execute(delete(SmsInbound).where(SmsInbound.from_number == phone))
    if senders:
        if SmsOptionSet is not None:
            session.execute(delete(SmsOptionSet).where(SmsOptionSet.sender_id.in_(senders)))
        if Handoff is not None:
            session.execute(delete(Handoff).where(Handoff.conversation_id.in_(senders)))
        # The safe contact she left with an alert is hers, though the alert stays.
        session.execute(delete(HandoffContact).where(or_(
            HandoffContact.conversation_id.in_(senders),
            HandoffContact.alert_id.in_(select(Alert.id).where(Alert.conversation_id.in_(senders))))),
            execution_options={"synchronize_session": False})
        session.execute(update(Alert).where(Alert.conversation_id.in_(senders)).values(conversation_id=None))

    # Alerts are the team's work record: they stay, without her.
    session.execute(update(Alert).where(Alert.woman_id == woman_id).values(woman_id=None))
    if referral_ids:
        session.execute(update(Alert).where(Alert.referral_id.in_(referral_ids)).values(referral_id=None))
        session.execute(update(AuditLog).where(AuditLog.subject_type == "referral",
                                               AuditLog.subject_id.in_(referral_ids)).values(subject_id=None))
    session.execute(update(AuditLog).where(AuditLog.subject_type == "woman", AuditLog.subject_id == woman_id)
                    .values(subject_id=None))

    conversations = session.execute(delete(Conversation).where(
        or_(Conversation.woman_id == woman_id, Conversation.sender_id.in_(senders) if senders else false())
    )).rowcount
    if referral_ids:
        session.execute(delete(ReferralNeed).where(ReferralNeed.referral_id.in_(referral_ids)))
        session.execute(delete(Referral).where(Referral.id.in_(referral_ids)))
    session.execute(delete(Consent).where(Consent.woman_id == woman_id))
    session.execute(delete(Woman).where(Woman.id == woman_id))
    session.expunge(woman)

    queue_tracker_erasure(session, senders)
    # Anonymous: no id, number or reference that could point back to her.
    session.add(AuditLog(actor_type=actor_type, actor_id=actor_id, action="data_deleted", subject_type="woman",
                         subject_id=None, at=utcnow()))
    session.flush()
    return Erased(len(referral_ids), appointments, len(outbox_ids), conversations)
