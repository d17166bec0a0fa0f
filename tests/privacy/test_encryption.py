"""Phone numbers, message texts and notes are encrypted at rest (bot/db/crypto.py)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from bot.db import crypto, migrate
from bot.db.crud.alerts import raise_alert
from bot.db.crud.sms import add_inbound, link_conversation
from bot.db.models import Alert, AlertReason, OutboxMessage, Woman
from bot.db.models.sms import SmsInbound
from bot.db.models.staff import Staff
from bot.db.session import session_scope
from bot.messaging.outbox import enqueue
from bot.settings import DEV_DATA_KEY, get_settings, load_settings

PHONE = "+447700900321"


def raw(sql: str) -> list:
    with session_scope() as s:
        return [tuple(r) for r in s.execute(text(sql))]


def test_what_would_hurt_her_is_unreadable_in_the_database(db_url):
    with session_scope() as s:
        woman = Woman(preferred_name="Jo", phone_e164=PHONE, safe_to_text=True)
        s.add(woman)
        s.flush()
        add_inbound(
            s, message_sid="SM1", from_number=PHONE, body="he hit me last night", num_media=0, status="received"
        )
        enqueue(s, to=PHONE, body="Your appointment is on Tuesday", kind="reminder", woman_id=woman.id)
        alert = raise_alert(s, AlertReason.CRISIS, conversation_id=PHONE, channel="sms", woman_id=woman.id)
        alert.resolution_note = "Called her; staying with her sister"
        s.add(Staff(email="kw@example.org", name="K W", phone_e164="+447700900999", role="keyworker"))
    stored = " ".join(
        str(v)
        for sql in (
            "SELECT phone_e164, phone_lookup FROM women",
            "SELECT body FROM sms_inbound",
            "SELECT body FROM outbox_messages",
            "SELECT resolution_note FROM alerts",
            "SELECT phone_e164 FROM staff",
        )
        for row in raw(sql)
        for v in row
    )
    for secret in ("7700900321", "hit me", "Tuesday", "sister", "7700900999"):
        assert secret not in stored
    # ...and reads back as written, and she is still found by her number.
    with session_scope() as s:
        assert s.execute(select(Woman.phone_e164).where(Woman.preferred_name == "Jo")).scalar_one() == PHONE
        assert (
            s.execute(select(SmsInbound.body).where(SmsInbound.message_sid == "SM1")).scalar_one()
            == "he hit me last night"
        )
        assert (
            s.execute(select(OutboxMessage.body).where(OutboxMessage.to_address == PHONE)).scalar_one()
            == "Your appointment is on Tuesday"
        )
        assert (
            s.execute(select(Alert.resolution_note).where(Alert.conversation_id == PHONE)).scalar_one()
            == "Called her; staying with her sister"
        )
        assert link_conversation(s, PHONE, PHONE).woman_id is not None


def test_the_lookup_hash_is_keyed():
    base = crypto.phone_lookup(PHONE)
    assert base != crypto.phone_lookup("+447700900322") and len(base) == 64
    import hashlib

    assert base != hashlib.sha256(PHONE.encode()).hexdigest()  # not reversible by hashing every number


def test_keys_rotate_and_a_wrong_key_refuses_to_read(monkeypatch):
    # (monkeypatch undoes the variables; `finally` drops the settings read from them)
    old = crypto.encrypt("+447700900321")
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv("ELPIS_DATA_KEYS", f"{new_key},{DEV_DATA_KEY}")
    get_settings.cache_clear()
    try:
        assert crypto.decrypt(old) == "+447700900321"  # the old key still reads
        rotated = crypto.rotate(old)
        monkeypatch.setenv("ELPIS_DATA_KEYS", new_key)
        get_settings.cache_clear()
        assert crypto.decrypt(rotated) == "+447700900321"  # the new key alone reads the rotated value
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(old)  # never the ciphertext handed on as if it were text
    finally:
        get_settings.cache_clear()


def test_production_refuses_the_development_keys():
    prod = {"ELPIS_ENV": "production", "ELPIS_SECRET_KEY": "s" * 32, "DATABASE_URL": "postgresql://elpis@db/elpis"}
    with pytest.raises(RuntimeError, match="ELPIS_DATA_KEYS.*ELPIS_LOOKUP_KEY"):
        load_settings(prod).check()
    load_settings({**prod, "ELPIS_DATA_KEYS": Fernet.generate_key().decode(), "ELPIS_LOOKUP_KEY": "l" * 32}).check()


def test_the_migration_encrypts_what_was_stored_in_clear(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url, "0010_sms_replay")
    engine = create_engine(url, future=True)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO women (preferred_name, phone_e164, sms_opted_out, created_at, updated_at) "
                "VALUES ('Jo', :p, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            ),
            {"p": PHONE},
        )
        conn.execute(
            text(
                "INSERT INTO sms_inbound (message_sid, from_number, body, num_media, status, received_at) "
                "VALUES ('SM1', :p, 'please call me', 0, 'processed', '2026-01-01 00:00:00')"
            ),
            {"p": PHONE},
        )
    migrate.upgrade(url)
    with engine.connect() as conn:
        phone, lookup = conn.execute(text("SELECT phone_e164, phone_lookup FROM women")).one()
        body = conn.execute(text("SELECT body FROM sms_inbound")).scalar_one()
    assert PHONE not in phone and "call me" not in body and lookup == crypto.phone_lookup(PHONE)
    with Session(engine) as s:
        assert (
            s.execute(select(Woman).where(Woman.phone_lookup == crypto.phone_lookup(PHONE))).scalar_one().phone_e164
            == PHONE
        )
        assert s.execute(select(SmsInbound.body)).scalar_one() == "please call me"
    migrate.downgrade(url, "0010_sms_replay")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT phone_e164 FROM women")).scalar_one() == PHONE
    engine.dispose()


def test_rotate_keys_moves_every_value_to_the_new_key(db_url):
    with session_scope() as s:
        s.add(Woman(preferred_name="Jo", phone_e164=PHONE))
        add_inbound(s, message_sid="SM9", from_number=PHONE, body="hello", num_media=0, status="processed")
    new_key = Fernet.generate_key().decode()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ELPIS_DATA_KEYS", f"{new_key},{DEV_DATA_KEY}")
        env.setenv("ELPIS_LOOKUP_KEY", "a-new-lookup-key-for-this-test")
        get_settings.cache_clear()
        assert crypto.rotate_all() >= 2
        env.setenv("ELPIS_DATA_KEYS", new_key)  # the old key retired
        get_settings.cache_clear()
        with session_scope() as s:
            woman = s.execute(select(Woman).where(Woman.phone_lookup == crypto.phone_lookup(PHONE))).scalar_one()
            assert woman.phone_e164 == PHONE
            assert s.execute(select(SmsInbound.body).where(SmsInbound.message_sid == "SM9")).scalar_one() == "hello"
    get_settings.cache_clear()
