"""How a conversation's events are kept in the SQL tracker store's `events` table.

Rasa writes one row per event: `sender_id`, `type_name`, `timestamp`,
`intent_name`, `action_name` and `data` (the whole event as JSON, with her
words and every slot value). Our store
(bot/rasa_components/encrypted_tracker_store.py) writes instead:

- `data`: a Fernet token (bot/db/crypto.py, ELPIS_DATA_KEYS, rotated like the
  case database) of {"sender_id": ..., "event": ...}. Her id is sealed with
  each event so the hashed key below can be recomputed when ELPIS_LOOKUP_KEY
  changes, and the store can list conversations.
- `sender_id`: `sender_key(id)`, a keyed HMAC: an SMS conversation's id is her
  phone number.

This module needs no Rasa, so the worker (erasure, retention) and
`python -m bot.db rotate-keys` use it without loading Rasa.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import create_engine, text

from bot.db.crypto import decrypt, encrypt
from bot.settings import get_settings

# Keeps these hashes distinct from `women.phone_lookup` under the same key.
_SENDER_CONTEXT = b"rasa-tracker-sender\x00"


def sender_key(sender_id: str) -> str:
    """What the `events` table stores as `sender_id` (64 hex characters)."""
    key = get_settings().lookup_key.encode("utf-8")
    return hmac.new(key, _SENDER_CONTEXT + sender_id.encode("utf-8"), hashlib.sha256).hexdigest()


def seal(sender_id: str, event: dict[str, Any]) -> str:
    return encrypt(json.dumps({"sender_id": sender_id, "event": event}, ensure_ascii=False))


def unseal(token: str) -> tuple[str, dict[str, Any]]:
    """(sender id, event dict); raises bot.db.crypto.DecryptionError on a wrong key."""
    sealed = json.loads(decrypt(token))
    return sealed["sender_id"], sealed["event"]


def is_plain(data: str | None) -> bool:
    """A row written by Rasa's own SQL store (JSON), not yet sealed."""
    return data is not None and data.lstrip().startswith("{")


def reseal_events(url: str | None = None, batch: int = 500) -> int:
    """Rewrite every `events` row under the newest data key and the current
    lookup key; rows Rasa's own store wrote in clear are sealed and their
    sender ids hashed. Run with Rasa stopped when converting plain rows
    (a half-converted conversation would be read short). Safe to run again;
    returns the rows rewritten."""
    url = url or get_settings().tracker_db_url
    if not url:
        return 0
    engine = create_engine(url, future=True)
    try:
        return _reseal_all(engine, batch)
    finally:
        engine.dispose()


def _reseal_all(engine, batch: int) -> int:
    from sqlalchemy import inspect

    if not inspect(engine).has_table("events"):
        return 0
    done, last_id = 0, 0
    while True:  # one transaction per batch: a long table never holds one huge lock
        with engine.begin() as conn:
            rows = conn.execute(
                text("SELECT id, sender_id, data FROM events WHERE id > :last ORDER BY id LIMIT :n"),
                {"last": last_id, "n": batch},
            ).all()
            for row_id, stored_sender, data in rows:
                if data is None:
                    continue
                if is_plain(data):
                    sender_id, event = stored_sender, json.loads(data)
                else:
                    sender_id, event = unseal(data)
                conn.execute(
                    text("UPDATE events SET sender_id = :s, data = :d WHERE id = :id"),
                    {"s": sender_key(sender_id), "d": seal(sender_id, event), "id": row_id},
                )
        if not rows:
            return done
        last_id, done = rows[-1][0], done + len(rows)
