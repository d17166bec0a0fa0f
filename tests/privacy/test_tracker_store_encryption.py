"""The encrypting SQL tracker store (production's), on SQLite and PostgreSQL.

Her words, name, number and postcode go into Rasa's `events` table only as
ciphertext, under a hashed conversation id; Rasa reads the conversation back
whole, and keys rotate like the case database's.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import datetime, timezone

import pytest
from cryptography.fernet import Fernet
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.db.crypto import DecryptionError
from bot.privacy import trackers
from bot.privacy.tracker_crypto import reseal_events, sender_key
from bot.rasa_components.encrypted_tracker_store import EncryptedSQLTrackerStore
from bot.settings import DEV_DATA_KEY, get_settings
from tests.conftest import pg_database

SENDER = "+447700900321"  # an SMS conversation's id is her number
SECRETS = ("Zephyrine", "7700900321", "7700 900321", "SW9 7AB", "SW97AB", "hits me")
DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, inform]
slots:
  preferred_name: {type: text, mappings: [{type: custom}]}
  phone_e164: {type: text, mappings: [{type: custom}]}
  postcode: {type: text, mappings: [{type: custom}]}
responses:
  utter_ask_name: [{text: "What shall we call you?"}]
""")


def conversation(at: float = 1_700_000_000.0) -> list:
    return [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
        UserUttered(
            "call me Zephyrine, 07700 900321, SW9 7AB, he hits me",
            {"name": "inform", "confidence": 0.9},
            timestamp=at + 1,
        ),
        SlotSet("preferred_name", "Zephyrine", timestamp=at + 2),
        SlotSet("phone_e164", "+447700900321", timestamp=at + 2),
        SlotSet("postcode", "SW9 7AB", timestamp=at + 2),
        ActionExecuted("utter_ask_name", timestamp=at + 3),
        BotUttered("Thank you, Zephyrine", timestamp=at + 3),
        UserUttered("/07700900321", {"name": "/07700900321", "confidence": 1.0}, timestamp=at + 4),
        ActionExecuted("action_listen", timestamp=at + 5),
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'trackers.db'}"
    return pg_database(f"elpis_trackers_enc_{os.getpid()}")


@pytest.fixture(autouse=True)
def fresh_settings():
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def open_store(url: str, cls=EncryptedSQLTrackerStore):
    u = make_url(url)
    if u.drivername.startswith("sqlite"):
        return cls(domain=DOMAIN, dialect="sqlite", db=u.database)
    return cls(
        domain=DOMAIN,
        dialect="postgresql",
        host=u.host,
        port=u.port,
        db=u.database,
        username=u.username,
        password=u.password,
    )


def save(store, sender: str = SENDER, events=None) -> None:
    tracker = DialogueStateTracker.from_events(sender, events or conversation(), DOMAIN.slots)
    asyncio.run(store.save(tracker))


def rows(url: str) -> list[dict]:
    engine = create_engine(url, future=True)
    with engine.connect() as conn:
        found = [dict(r._mapping) for r in conn.execute(text("SELECT * FROM events ORDER BY id"))]
    engine.dispose()
    return found


def set_keys(monkeypatch, data_keys: str | None = None, lookup_key: str | None = None) -> None:
    if data_keys:
        monkeypatch.setenv("ELPIS_DATA_KEYS", data_keys)
    if lookup_key:
        monkeypatch.setenv("ELPIS_LOOKUP_KEY", lookup_key)
    get_settings.cache_clear()


def test_the_table_holds_nothing_she_said_and_rasa_reads_it_back(tracker_url):
    store = open_store(tracker_url)
    try:
        save(store)
        stored = rows(tracker_url)
        dump = json.dumps(stored, default=str)
        for secret in SECRETS:
            assert secret not in dump, secret
        assert {r["sender_id"] for r in stored} == {sender_key(SENDER)}
        # Names the model defines stay queryable; one typed by her ("/07700900321") does not.
        assert [r["intent_name"] for r in stored if r["type_name"] == "user"] == ["inform", None]
        assert {r["action_name"] for r in stored} >= {"action_listen", "utter_ask_name", "preferred_name"}

        tracker = asyncio.run(store.retrieve(SENDER))
        assert tracker.sender_id == SENDER
        assert tracker.get_slot("preferred_name") == "Zephyrine" and tracker.get_slot("postcode") == "SW9 7AB"
        assert [e.text for e in tracker.events if isinstance(e, UserUttered)][0].startswith("call me Zephyrine")
        assert [e.as_dict() for e in tracker.events] == [e.as_dict() for e in conversation()]
        assert asyncio.run(store.keys()) == [SENDER]
        assert asyncio.run(store.retrieve("someone-else")) is None

        # The next turn appends only the new events (Rasa counts what is stored).
        later = conversation() + [UserUttered("hello again", timestamp=1_700_000_100.0)]
        save(store, events=later)
        assert len(rows(tracker_url)) == len(later)
        assert len(asyncio.run(store.retrieve_full_tracker(SENDER)).events) == len(later)
    finally:
        store.engine.dispose()


def test_only_the_latest_session_is_read_and_the_full_tracker_has_all(tracker_url):
    store = open_store(tracker_url)
    try:
        second = conversation(at=1_700_100_000.0)
        save(store, events=conversation() + second)
        assert len(asyncio.run(store.retrieve(SENDER)).events) == len(second)
        assert len(asyncio.run(store.retrieve_full_tracker(SENDER)).events) == 2 * len(second)
    finally:
        store.engine.dispose()


def test_keys_rotate_and_the_old_key_still_reads(tracker_url, monkeypatch):
    store = open_store(tracker_url)
    try:
        save(store)  # under the development key
        new_key = Fernet.generate_key().decode()
        set_keys(monkeypatch, data_keys=f"{new_key},{DEV_DATA_KEY}")
        assert asyncio.run(store.retrieve(SENDER)).get_slot("preferred_name") == "Zephyrine"  # old key reads
        assert reseal_events(tracker_url) == len(conversation())
        set_keys(monkeypatch, data_keys=new_key)  # the old key dropped
        assert asyncio.run(store.retrieve(SENDER)).get_slot("phone_e164") == "+447700900321"

        # A new lookup key: the hashed ids are recomputed from the sealed ones.
        set_keys(monkeypatch, lookup_key="another-lookup-key-for-tests")
        assert asyncio.run(store.retrieve(SENDER)) is None  # not found until rotate-keys runs
        reseal_events(tracker_url)
        assert asyncio.run(store.retrieve(SENDER)).get_slot("postcode") == "SW9 7AB"
        assert {r["sender_id"] for r in rows(tracker_url)} == {sender_key(SENDER)}

        set_keys(monkeypatch, data_keys=Fernet.generate_key().decode())  # a wrong key never reads as text
        with pytest.raises(DecryptionError):
            asyncio.run(store.retrieve(SENDER))
    finally:
        store.engine.dispose()


def test_rows_rasas_own_store_wrote_in_clear_are_sealed_by_rotate_keys(tracker_url):
    # (Rasa names only the model's intents: an unknown "/intent" is parsed as no intent.)
    events = conversation()[:-2]
    plain = open_store(tracker_url, SQLTrackerStore)
    try:
        save(plain, events=events)
        assert "Zephyrine" in json.dumps(rows(tracker_url))  # what production stored before
    finally:
        plain.engine.dispose()
    assert reseal_events(tracker_url) == len(events)
    dump = json.dumps(rows(tracker_url), default=str)
    assert not any(secret in dump for secret in SECRETS)
    store = open_store(tracker_url)
    try:
        assert asyncio.run(store.retrieve(SENDER)).get_slot("preferred_name") == "Zephyrine"
    finally:
        store.engine.dispose()


def test_erasure_and_retention_find_the_hashed_rows(tracker_url, monkeypatch):
    store = open_store(tracker_url)
    try:
        save(store)
        save(store, sender="web-chat-1", events=conversation(at=1_600_000_000.0))  # long ago
        monkeypatch.setenv("ELPIS_TRACKER_DB_URL", tracker_url)
        get_settings.cache_clear()
        trackers._tracker_engine.cache_clear()
        now = datetime.fromtimestamp(1_700_000_000.0 + 86400, tz=timezone.utc)
        assert trackers.purge_old_trackers(now, days=90) == len(conversation())
        assert asyncio.run(store.keys()) == [SENDER]
        trackers.wipe_tracker(SENDER)
        assert rows(tracker_url) == []
    finally:
        store.engine.dispose()
        trackers._tracker_engine.cache_clear()
