"""Retention and erasure against Rasa's own SQL tracker store on PostgreSQL (production's).

Rasa's SQLTrackerStore writes real conversations into a PostgreSQL database;
the worker's jobs then delete by age (retention) and by request (erasure).
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.db.models import TrackerErasure
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.privacy import trackers
from bot.settings import get_settings
from tests.conftest import pg_database

DAY = 24 * 3600


def tracker_store(url: str) -> SQLTrackerStore:
    u = make_url(url)
    return SQLTrackerStore(
        dialect="postgresql", host=u.host, port=u.port, db=u.database, username=u.username, password=u.password
    )


def save(store: SQLTrackerStore, sender: str, age_days: float) -> None:
    at = time.time() - age_days * DAY
    tracker = DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen", timestamp=at),
            UserUttered("hello", timestamp=at + 1),
        ],
    )
    asyncio.run(store.save(tracker))


def senders(store: SQLTrackerStore) -> set[str]:
    return set(asyncio.run(store.keys()))


def test_old_conversations_go_and_erasure_requests_are_carried_out(db_url, monkeypatch):
    url = pg_database("elpis_trackers_purge")
    store = tracker_store(url)
    save(store, "old-chat", age_days=120)
    save(store, "recent-chat", age_days=3)
    save(store, "asked-to-be-forgotten", age_days=1)
    assert senders(store) == {"old-chat", "recent-chat", "asked-to-be-forgotten"}

    monkeypatch.setenv("ELPIS_TRACKER_DB_URL", url)
    get_settings.cache_clear()
    trackers._tracker_engine.cache_clear()
    try:
        assert trackers.purge_old_trackers(utcnow(), days=90) == 2  # both events of the old chat
        assert senders(store) == {"recent-chat", "asked-to-be-forgotten"}

        with session_scope() as s:
            s.add(TrackerErasure(sender_id="asked-to-be-forgotten", requested_at=utcnow() - timedelta(minutes=1)))
        assert trackers.erase_pending() == 1
        assert senders(store) == {"recent-chat"}
        with session_scope() as s:
            assert s.execute(select(func.count()).select_from(TrackerErasure)).scalar_one() == 0  # done
    finally:
        store.engine.dispose()
        trackers._tracker_engine.cache_clear()
        get_settings.cache_clear()
