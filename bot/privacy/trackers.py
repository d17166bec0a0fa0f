"""Wiping Rasa's record of a conversation (its tracker).

Production keeps trackers in PostgreSQL (endpoints.production.yml, our
encrypting SQL tracker store, table `events`): we delete the rows, found by
the hashed conversation id the store writes (bot/privacy/tracker_crypto.py)
and by the plain id of rows Rasa's own SQL store wrote before it. In
development Rasa keeps them in memory: we ask Rasa's HTTP API to replace the conversation's events
with none (PUT /conversations/<id>/tracker/events, which takes Rasa's lock for
that conversation). Only the worker does this, after the turn that asked for it
has been saved, so Rasa cannot write the history back.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import create_engine, delete, select, text
from sqlalchemy.engine import Engine

from bot.db.models import TrackerErasure
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.privacy.tracker_crypto import sender_key
from bot.settings import get_settings

logger = logging.getLogger(__name__)

# Long enough for Rasa to have saved the turn that asked for erasure.
SETTLE_SECONDS = 5


@lru_cache(maxsize=4)
def _tracker_engine(url: str) -> Engine:
    return create_engine(url, future=True, pool_pre_ping=True)


def _has_events_table(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return inspect(engine).has_table("events")


def wipe_tracker(sender_id: str) -> None:
    """Remove every stored event of one conversation; raises if it could not."""
    settings = get_settings()
    if settings.tracker_db_url:
        engine = _tracker_engine(settings.tracker_db_url)
        if _has_events_table(engine):
            with engine.begin() as conn:
                conn.execute(
                    text("DELETE FROM events WHERE sender_id IN (:plain, :hashed)"),
                    {"plain": sender_id, "hashed": sender_key(sender_id)},
                )
        return
    url = f"{settings.rasa_url}/conversations/{urllib.parse.quote(sender_id, safe='')}/tracker/events"
    if settings.rasa_token:
        url += "?" + urllib.parse.urlencode({"token": settings.rasa_token})
    req = urllib.request.Request(url, data=b"[]", method="PUT", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = json.loads(resp.read() or b"{}")
    if body.get("events"):
        raise RuntimeError("Rasa kept events after the wipe")


def erase_pending(now: datetime | None = None) -> int:
    """Wipe queued trackers (worker job). Safe with several workers: rows are claimed."""
    now = now or utcnow()
    done = 0
    with session_scope() as session:
        query = (
            select(TrackerErasure)
            .where(TrackerErasure.requested_at <= now - timedelta(seconds=SETTLE_SECONDS))
            .order_by(TrackerErasure.id)
            .limit(50)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        for row in session.execute(query).scalars().all():
            try:
                wipe_tracker(row.sender_id)
            except Exception as exc:
                row.attempts += 1
                row.last_error = type(exc).__name__[:250]  # never the sender id
                logger.warning("tracker erasure %s failed (attempt %s): %s", row.id, row.attempts, type(exc).__name__)
                continue
            session.execute(delete(TrackerErasure).where(TrackerErasure.id == row.id))
            done += 1
    if done:
        logger.info("wiped %s conversation trackers", done)
    return done


def purge_old_trackers(now: datetime, days: int) -> int:
    """Delete SQL-store trackers whose last event is older than `days`; 0 with the in-memory store."""
    url = get_settings().tracker_db_url
    if not url:
        return 0
    engine = _tracker_engine(url)
    if not _has_events_table(engine):
        return 0
    cutoff = (now - timedelta(days=days)).timestamp()
    with engine.begin() as conn:
        result = conn.execute(
            text(
                "DELETE FROM events WHERE sender_id IN "
                "(SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff)"
            ),
            {"cutoff": cutoff},
        )
    return result.rowcount or 0
