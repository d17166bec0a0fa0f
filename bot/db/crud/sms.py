"""SMS channel queries: inbound messages, opt-outs, offered options, delivery events."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db.crud import conversations as convo_crud
from bot.db.crypto import phone_lookup
from bot.db.models import Conversation, OutboxMessage, OutboxStatus, Woman
from bot.db.models.sms import SmsDeliveryEvent, SmsInbound, SmsOptionSet, SmsOptOut
from bot.db.types import utcnow

# ---- inbound ---------------------------------------------------------------


def inbound_exists(session: Session, message_sid: str) -> bool:
    return session.execute(select(SmsInbound.id).where(SmsInbound.message_sid == message_sid)).first() is not None


def add_inbound(
    session: Session, *, message_sid: str, from_number: str, body: str, num_media: int, status: str
) -> SmsInbound:
    row = SmsInbound(
        message_sid=message_sid, from_number=from_number[:40], body=body, num_media=num_media, status=status
    )
    session.add(row)
    session.flush()  # the unique MessageSid is checked here
    return row


def count_inbound_since(session: Session, from_number: str, since: datetime, up_to_id: int | None = None) -> int:
    """Messages from this number since `since` (up to and including row `up_to_id`)."""
    query = (
        select(func.count())
        .select_from(SmsInbound)
        .where(SmsInbound.from_number == from_number, SmsInbound.received_at >= since)
    )
    if up_to_id is not None:
        query = query.where(SmsInbound.id <= up_to_id)
    return session.execute(query).scalar_one()


def set_inbound_status(session: Session, inbound_id: int, status: str) -> None:
    session.execute(update(SmsInbound).where(SmsInbound.id == inbound_id).values(status=status, processed_at=utcnow()))


def stuck_inbound(session: Session, received_before: datetime, limit: int = 200) -> list[SmsInbound]:
    """Messages still 'received' (being handled) since before `received_before`."""
    return list(
        session.execute(
            select(SmsInbound)
            .where(SmsInbound.status == "received", SmsInbound.received_at < received_before)
            .order_by(SmsInbound.id)
            .limit(limit)
        ).scalars()
    )


def claim_inbound(session: Session, inbound_id: int, status: str, now: datetime) -> bool:
    """Move a 'received' message to `status`; False if another process already did."""
    return (
        session.execute(
            update(SmsInbound)
            .where(SmsInbound.id == inbound_id, SmsInbound.status == "received")
            .values(status=status, processed_at=now)
        ).rowcount
        == 1
    )


def link_delivery_event(session: Session, event_id: int, outbox_id: int) -> bool:
    """Link a waiting delivery report to its outbox row; False if another process already did."""
    return (
        session.execute(
            update(SmsDeliveryEvent)
            .where(SmsDeliveryEvent.id == event_id, SmsDeliveryEvent.outbox_id.is_(None))
            .values(outbox_id=outbox_id)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def sids_with_late_reports(session: Session, since: datetime, limit: int = 500) -> list[str]:
    """Twilio ids with reports still unlinked although their outbox row now knows the id."""
    return list(
        session.execute(
            select(SmsDeliveryEvent.message_sid)
            .where(SmsDeliveryEvent.outbox_id.is_(None), SmsDeliveryEvent.received_at >= since)
            .join(OutboxMessage, OutboxMessage.provider_id == SmsDeliveryEvent.message_sid)
            .distinct()
            .limit(limit)
        ).scalars()
    )


# ---- opt-outs --------------------------------------------------------------


def is_opted_out(session: Session, phone_e164: str) -> bool:
    return (
        session.execute(
            select(SmsOptOut.phone_e164).where(SmsOptOut.phone_e164 == phone_e164, SmsOptOut.opted_in_at.is_(None))
        ).first()
        is not None
    )


def record_opt_out(session: Session, phone_e164: str, keyword: str) -> int:
    """Opt the number out: no SMS to it from now on. Returns queued texts cancelled."""
    row = session.get(SmsOptOut, phone_e164)
    if row is None:
        session.add(SmsOptOut(phone_e164=phone_e164, keyword=keyword[:16], opted_out_at=utcnow()))
    else:
        row.keyword, row.opted_out_at, row.opted_in_at = keyword[:16], utcnow(), None
    session.execute(update(Woman).where(Woman.phone_lookup == phone_lookup(phone_e164)).values(sms_opted_out=True))
    # Reminders and alerts already queued for this number must not go either.
    return session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == "sms",
            OutboxMessage.to_address == phone_e164,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED, last_error="recipient opted out")
        .execution_options(synchronize_session=False)
    ).rowcount


def record_opt_in(session: Session, phone_e164: str) -> None:
    row = session.get(SmsOptOut, phone_e164)
    if row is not None and row.opted_in_at is None:
        row.opted_in_at = utcnow()
    session.execute(update(Woman).where(Woman.phone_lookup == phone_lookup(phone_e164)).values(sms_opted_out=False))


# ---- conversations -----------------------------------------------------------


def link_conversation(session: Session, sender_id: str, phone_e164: str) -> Conversation:
    """Her SMS conversation, linked to the latest record with this number (if any)."""
    convo = convo_crud.get_or_create(session, sender_id, "sms")
    if convo.woman_id is None:
        convo.woman_id = (
            session.execute(
                select(Woman.id)
                .where(Woman.phone_lookup == phone_lookup(phone_e164))
                .order_by(Woman.updated_at.desc(), Woman.id.desc())
            )
            .scalars()
            .first()
        )
    return convo


def conversation_paused(session: Session, sender_id: str) -> bool:
    return bool(
        session.execute(select(Conversation.paused).where(Conversation.sender_id == sender_id)).scalar_one_or_none()
    )


# ---- numbered options ---------------------------------------------------------


def save_options(session: Session, sender_id: str, options: list[dict[str, str]]) -> None:
    row = session.get(SmsOptionSet, sender_id)
    if not options:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(SmsOptionSet(sender_id=sender_id, options=json.dumps(options), offered_at=utcnow()))
    else:
        row.options, row.offered_at = json.dumps(options), utcnow()


def load_options(session: Session, sender_id: str, offered_since: datetime) -> list[dict[str, str]]:
    row = session.get(SmsOptionSet, sender_id)
    if row is None or row.offered_at < offered_since:
        return []
    try:
        data = json.loads(row.options)
    except ValueError:
        return []
    return [o for o in data if isinstance(o, dict) and o.get("title") and o.get("payload")]


# ---- delivery reports ---------------------------------------------------------


def outbox_by_provider_id(session: Session, provider_id: str) -> OutboxMessage | None:
    return session.execute(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id)).scalars().first()


def delivery_event_exists(session: Session, message_sid: str, status: str) -> bool:
    return (
        session.execute(
            select(SmsDeliveryEvent.id).where(
                SmsDeliveryEvent.message_sid == message_sid, SmsDeliveryEvent.status == status
            )
        ).first()
        is not None
    )


def add_delivery_event(
    session: Session, *, message_sid: str, status: str, error_code: str | None, outbox_id: int | None
) -> SmsDeliveryEvent:
    event = SmsDeliveryEvent(message_sid=message_sid, status=status, error_code=error_code, outbox_id=outbox_id)
    session.add(event)
    session.flush()
    return event


def unlinked_delivery_events(session: Session, message_sid: str) -> list[SmsDeliveryEvent]:
    return list(
        session.execute(
            select(SmsDeliveryEvent)
            .where(SmsDeliveryEvent.message_sid == message_sid, SmsDeliveryEvent.outbox_id.is_(None))
            .order_by(SmsDeliveryEvent.id)
        ).scalars()
    )
