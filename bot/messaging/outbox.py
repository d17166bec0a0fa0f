"""Queueing messages in the outbox (same transaction as the change behind them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.crud import sms as sms_crud
from bot.db.models import OutboxMessage, OutboxStatus, Woman
from bot.db.types import utcnow


def enqueue(
    session: Session,
    *,
    to: str,
    body: str,
    kind: str,
    woman_id: int | None = None,
    dedupe_key: str | None = None,
    send_after: datetime | None = None,
    channel: str = "sms",
    conversational: bool = False,
    discreet: bool = False,
) -> OutboxMessage | None:
    """Queue a message; returns None when it must not be sent.

    Not sent: a number that opted out by SMS (STOP etc., whoever it belongs
    to), an opted-out woman, or one who said texts are not safe (SMS to her
    only happens when she said it is safe). `conversational` marks a reply in
    a conversation she is having with us by SMS from `to`: she is texting us,
    so her record's texts-are-safe does not apply (a STOP from `to` does).
    `discreet` marks a text that names nothing (no service, police, caution
    or abuse: appointment reminders): it may also go to a woman who did not
    say whether texts are safe, never to one who said they are not.
    A `dedupe_key` already queued returns the existing row, so retries of
    the caller never send twice.
    """
    if channel == "sms" and sms_crud.is_opted_out(session, to):
        return None
    if woman_id is not None and channel == "sms":
        woman = session.get(Woman, woman_id)
        unknown_ok = discreet and woman is not None and woman.safe_to_text is None and not woman.sms_opted_out
        if woman is None or not (conversational or woman.texts_are_safe or unknown_ok):
            return None
    if dedupe_key:
        existing = session.execute(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
        ).scalar_one_or_none()
        if existing is not None:
            return existing
    message = OutboxMessage(
        dedupe_key=dedupe_key,
        kind=kind,
        channel=channel,
        to_address=to,
        body=body,
        woman_id=woman_id,
        send_after=send_after or utcnow(),
        status=OutboxStatus.PENDING,
    )
    session.add(message)
    session.flush()
    return message


def cancel_pending(session: Session, dedupe_prefix: str) -> int:
    """Cancel queued, unsent messages whose key starts with `dedupe_prefix`."""
    rows = (
        session.execute(
            select(OutboxMessage).where(
                OutboxMessage.dedupe_key.like(f"{dedupe_prefix}%"),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
        )
        .scalars()
        .all()
    )
    for row in rows:
        row.status = OutboxStatus.CANCELLED
    return len(rows)
