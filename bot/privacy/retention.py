"""Deleting what is past its time (worker job, hourly).

Defaults (docs/security.md): a closed case is kept 730 days (2 years) after it
closed (ELPIS_RETENTION_CLOSED_DAYS), long enough for a returning woman and
for the service's reporting year plus a year of complaints; conversations,
inbound SMS, delivered messages not tied to a case, and Rasa trackers
90 days after the last message (ELPIS_RETENTION_TRACKER_DAYS). Open cases are
never deleted by time.

Safe with several workers: on PostgreSQL one worker at a time holds an
advisory lock for the run (the others skip it); every delete is by condition,
so a repeated run finds nothing more to do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import Session

from bot.db.models import Conversation, Referral, ReferralStatus
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.privacy.erasure import erase_woman, queue_tracker_erasure
from bot.privacy.hooks import Stale
from bot.privacy.registry import HOOKS
from bot.privacy.trackers import purge_old_trackers
from bot.settings import get_settings

logger = logging.getLogger(__name__)
_LOCK_KEY = 0x454C5049  # "ELPI": the retention run's advisory lock


@dataclass
class Purged:
    women: int = 0
    referrals: int = 0
    conversations: int = 0
    sms_inbound: int = 0
    messages: int = 0
    tracker_events: int = 0
    skipped: bool = False


def _delete_referral(session: Session, referral_id: int) -> None:
    """One expired case of a woman who has a newer one: only that case goes (each feature's part)."""
    for hooks in HOOKS:
        if hooks.drop_case:
            hooks.drop_case(session, referral_id)


def _closed_cases(session: Session, now: datetime, days: int, result: Purged) -> None:
    cutoff = now - timedelta(days=days)
    expired = session.execute(
        select(Referral.id, Referral.woman_id).where(
            Referral.status == ReferralStatus.CLOSED,
            Referral.closed_at.is_not(None),
            Referral.closed_at < cutoff,
        )
    ).all()
    for woman_id in {w for _, w in expired}:
        others = session.execute(
            select(func.count())
            .select_from(Referral)
            .where(
                Referral.woman_id == woman_id,
                ~and_(
                    Referral.status == ReferralStatus.CLOSED,
                    Referral.closed_at.is_not(None),
                    Referral.closed_at < cutoff,
                ),
            )
        ).scalar_one()
        mine = [r for r, w in expired if w == woman_id]
        if others == 0:
            if erase_woman(session, woman_id, actor_type="system") is not None:
                result.women += 1
                result.referrals += len(mine)
        else:
            for referral_id in mine:
                _delete_referral(session, referral_id)
                result.referrals += 1


def _stale_records(session: Session, now: datetime, days: int, result: Purged) -> None:
    cutoff = now - timedelta(days=days)
    # Conversations not tied to a case: the sender id may be her phone number.
    stale = tuple(
        session.execute(
            select(Conversation.sender_id).where(Conversation.woman_id.is_(None), Conversation.last_seen_at < cutoff)
        ).scalars()
    )
    if stale:
        queue_tracker_erasure(session, set(stale))
    for hooks in HOOKS:  # each feature's records past their time (bot/privacy/registry.py)
        if hooks.retain:
            for name, count in hooks.retain(session, Stale(cutoff, stale)).items():
                setattr(result, name, getattr(result, name) + count)


def purge_expired(now: datetime) -> Purged:
    settings = get_settings()
    result = Purged()
    with session_scope() as session:
        if session.get_bind().dialect.name == "postgresql":
            got = session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _LOCK_KEY}).scalar_one()
            if not got:
                result.skipped = True
                return result
        _closed_cases(session, now, settings.retention_closed_days, result)
        _stale_records(session, now, settings.retention_tracker_days, result)
    result.tracker_events = purge_old_trackers(now, settings.retention_tracker_days)
    # An hourly job: a line in the console only when it deleted something.
    done = any(
        (
            result.women,
            result.referrals,
            result.conversations,
            result.sms_inbound,
            result.messages,
            result.tracker_events,
        )
    )
    logger.log(logging.INFO if done else logging.DEBUG, "retention: %s", result)
    return result


def run_retention() -> Purged:
    """The worker's job: no arguments, the clock is now."""
    return purge_expired(utcnow())
