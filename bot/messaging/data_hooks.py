"""Messages to and from her (the outbox, the SMS channel's records), for bot/privacy."""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import OutboxMessage, OutboxStatus
from bot.db.models.appointments import AppointmentMessage
from bot.db.models.sms import SmsDeliveryEvent, SmsInbound, SmsOptionSet
from bot.privacy.hooks import DataHooks, Her, Stale
from bot.wording import say

FINAL = (
    OutboxStatus.SENT,
    OutboxStatus.DELIVERED,
    OutboxStatus.UNDELIVERED,
    OutboxStatus.FAILED,
    OutboxStatus.CANCELLED,
)


def messages_to(session: Session, woman_id: int, phone: str | None) -> list[int]:
    """Every message to her: by record, and replies to her number in an SMS chat."""
    to_her = OutboxMessage.woman_id == woman_id
    if phone:
        to_her = or_(to_her, OutboxMessage.to_address == phone)
    return list(session.execute(select(OutboxMessage.id).where(to_her)).scalars())


def _erase(session: Session, her: Her) -> dict[str, int]:
    if her.outbox_ids:
        session.execute(delete(SmsDeliveryEvent).where(SmsDeliveryEvent.outbox_id.in_(her.outbox_ids)))
        session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(her.outbox_ids)))
    if her.phone:
        session.execute(delete(SmsInbound).where(SmsInbound.from_number == her.phone))
    if her.senders:
        session.execute(delete(SmsOptionSet).where(SmsOptionSet.sender_id.in_(her.senders)))
    return {"messages": len(her.outbox_ids)}


def _summarise(session: Session, her: Her) -> list[str]:
    sent = session.execute(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.woman_id == her.woman_id)
    ).scalar_one()
    return [say("privacy.summary_texts", count=sent)] if sent else []


def _retain(session: Session, stale: Stale) -> dict[str, int]:
    inbound = session.execute(delete(SmsInbound).where(SmsInbound.received_at < stale.cutoff)).rowcount
    session.execute(delete(SmsOptionSet).where(SmsOptionSet.offered_at < stale.cutoff))
    # Finished messages tied to no case (replies in a chat, staff alerts); those
    # tied to a case stay with it and go when it goes.
    messages = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.woman_id.is_(None),
            OutboxMessage.status.in_(FINAL),
            OutboxMessage.created_at < stale.cutoff,
            ~OutboxMessage.id.in_(select(AppointmentMessage.outbox_message_id)),
        ),
        execution_options={"synchronize_session": False},
    ).rowcount
    return {"sms_inbound": inbound, "messages": messages}


HOOKS = DataHooks(
    feature="messaging",
    tables=("outbox_messages", "sms_delivery_events", "sms_inbound", "sms_option_sets"),
    kept={"sms_opt_outs": "a STOP is by number and must keep being honoured whoever the number belongs to"},
    erase=_erase,
    summarise=_summarise,
    retain=_retain,
)
