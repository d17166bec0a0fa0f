"""Delivering outbox rows exactly once, with several workers at a time.

Each message goes: pending --claim--> sending --provider--> sent
                                              \\-error--> pending (later) | failed
A claim is a conditional UPDATE (status='pending' -> 'sending'), so two workers
can never both own a row; on PostgreSQL candidates are picked with
FOR UPDATE SKIP LOCKED so workers don't queue behind each other.
Rows are claimed one at a time, so a worker killed mid-send leaves at most one
message in doubt. Such a stale claim is settled by asking the provider whether
it already has that message (`find_sent`) before sending it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.db.models import AlertReason, OutboxMessage, OutboxStatus
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.messaging.providers import Provider, ProviderError
from bot.settings import get_settings
from bot.staff.alert_notify import raise_and_notify

logger = logging.getLogger(__name__)

BACKOFF_MAX_S = 15 * 60


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s ... (ELPIS_WORKER_BACKOFF_S doubling) capped at 15 minutes."""
    base = get_settings().worker_backoff_s
    return timedelta(seconds=min(BACKOFF_MAX_S, base * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Claimed:
    id: int
    channel: str
    to: str
    body: str
    attempts: int
    woman_id: int | None
    kind: str
    # A previous claim went stale: the provider may already have it.
    in_doubt_since: datetime | None = None


def _candidates(session: Session, now: datetime, limit: int) -> list[int]:
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.send_after <= now)
        .order_by(OutboxMessage.send_after, OutboxMessage.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.execute(query).scalars())


_CLAIMED_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.channel,
    OutboxMessage.to_address,
    OutboxMessage.body,
    OutboxMessage.attempts,
    OutboxMessage.woman_id,
    OutboxMessage.kind,
    OutboxMessage.in_doubt_since,
)


# Built once: SQLAlchemy then reuses the compiled SQL instead of rebuilding
# the statement for every message (the worker's hot path).
_PICK_DUE = (
    select(OutboxMessage.id)
    .where(
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.send_after <= bindparam("p_now", type_=OutboxMessage.send_after.type),
    )
    .order_by(OutboxMessage.send_after, OutboxMessage.id)
    .limit(1)
    .with_for_update(skip_locked=True)
    .scalar_subquery()
)
_CLAIM_PG = (
    update(OutboxMessage)
    .where(OutboxMessage.id == _PICK_DUE, OutboxMessage.status == OutboxStatus.PENDING)
    .values(
        status=OutboxStatus.SENDING,
        claimed_by=bindparam("p_worker"),
        claimed_at=bindparam("p_now", type_=OutboxMessage.claimed_at.type),
        attempts=OutboxMessage.attempts + 1,
    )
    .returning(*_CLAIMED_COLUMNS)
    .execution_options(synchronize_session=False)
)
_MARK_SENT = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("p_id"))
    .values(
        status=OutboxStatus.SENT,
        provider_id=bindparam("p_provider"),
        sent_at=bindparam("p_sent_at", type_=OutboxMessage.sent_at.type),
        last_error=None,
        in_doubt_since=None,
    )
    .execution_options(synchronize_session=False)
)


def _claim_one_pg(session: Session, worker_id: str, now: datetime) -> Claimed | None:
    """PostgreSQL: pick (SKIP LOCKED), claim and read the row in one statement.

    Same rule as the portable path below (a row goes pending -> sending once),
    in one round trip instead of four: under load the worker spends its time
    waiting on the database, not on the provider.
    """
    row = session.execute(_CLAIM_PG, {"p_now": now, "p_worker": worker_id}).first()
    return Claimed(*row) if row else None


def claim_next(worker_id: str, url: str | None = None, now: datetime | None = None) -> Claimed | None:
    """Take one due message for this worker, or None when nothing is due."""
    now = now or utcnow()
    with session_scope(url) as session:
        if session.bind.dialect.name == "postgresql":
            return _claim_one_pg(session, worker_id, now)
        for message_id in _candidates(session, now, limit=5):
            claimed = claim_row(session, message_id, worker_id, now)
            if claimed is not None:
                return claimed
    return None


def claim_row(session: Session, message_id: int, worker_id: str, now: datetime) -> Claimed | None:
    """Take one pending row if nobody else has: the conditional UPDATE is the guarantee."""
    taken = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_by=worker_id, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        return None
    row = session.get(OutboxMessage, message_id)
    session.refresh(row)
    return Claimed(
        row.id,
        row.channel,
        row.to_address,
        row.body,
        row.attempts,
        row.woman_id,
        row.kind,
        in_doubt_since=row.in_doubt_since,
    )


def reclaim_stale(worker_id: str, url: str | None = None, now: datetime | None = None) -> list[Claimed]:
    """Take over rows whose worker died mid-send (claim older than the timeout)."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=get_settings().worker_claim_timeout_s)
    taken: list[Claimed] = []
    with session_scope(url) as session:
        stale = session.execute(
            select(OutboxMessage.id, OutboxMessage.claimed_at).where(
                OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < cutoff
            )
        ).all()
        for message_id, claimed_at in stale:
            won = session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.status == OutboxStatus.SENDING,
                    OutboxMessage.claimed_at == claimed_at,
                )
                .values(claimed_by=worker_id, claimed_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if won == 1:
                row = session.get(OutboxMessage, message_id)
                session.refresh(row)
                taken.append(
                    Claimed(
                        row.id,
                        row.channel,
                        row.to_address,
                        row.body,
                        row.attempts,
                        row.woman_id,
                        row.kind,
                        in_doubt_since=claimed_at - timedelta(seconds=5),
                    )
                )
    return taken


def _finish(
    message: Claimed, url: str | None, *, provider_id: str | None = None, error: ProviderError | None = None
) -> None:
    with session_scope(url) as session:
        if error is None:  # the common case: one UPDATE, no read
            session.execute(_MARK_SENT, {"p_id": message.id, "p_provider": provider_id, "p_sent_at": utcnow()})
            return
        row = session.get(OutboxMessage, message.id)
        row.last_error = str(error)[:250]
        if error.in_doubt and row.in_doubt_since is None:
            # Keep the earliest: the provider may hold any attempt since then.
            row.in_doubt_since = (row.claimed_at or utcnow()) - timedelta(seconds=5)
        if error.retryable and row.attempts < get_settings().worker_max_attempts:
            row.status, row.send_after = OutboxStatus.PENDING, utcnow() + backoff(row.attempts)
            return
        row.status = OutboxStatus.FAILED
        if row.kind == "reminder" and row.woman_id is not None:
            # A reminder that could not go is a missed chance to keep her engaged.
            raise_and_notify(session, AlertReason.UNDELIVERED, woman_id=row.woman_id)


def deliver(
    message: Claimed,
    provider: Provider,
    url: str | None = None,
    status_callback: Callable[[Claimed], str | None] | None = None,
) -> str:
    """Send one claimed message and record the outcome. Returns the new status."""
    try:
        provider_id = None
        if message.in_doubt_since is not None:
            provider_id = provider.find_sent(message.to, message.body, message.in_doubt_since)
        if provider_id is None:
            callback = status_callback(message) if status_callback else None
            provider_id = provider.send(message.to, message.body, callback)
    except ProviderError as exc:
        logger.warning("outbox %s: send failed (%s)", message.id, exc)
        _finish(message, url, error=exc)
        return "retry" if exc.retryable else "failed"
    _finish(message, url, provider_id=provider_id)
    return "sent"
