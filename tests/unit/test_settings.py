from pathlib import Path

import pytest

from bot.settings import DEV_DATA_KEY, DEV_SECRET, Settings, get_settings, load_settings


def test_defaults_are_embedded_sqlite():
    s = load_settings({})
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("var/elpis.db")
    assert not s.is_production


def test_production_refuses_default_secret_and_sqlite():
    s = load_settings({"ELPIS_ENV": "production"})
    with pytest.raises(RuntimeError, match="ELPIS_SECRET_KEY"):
        s.check()
    ok = load_settings(
        {
            "ELPIS_ENV": "production",
            "ELPIS_SECRET_KEY": "x" * 40,
            "DATABASE_URL": "postgresql://db/elpis",
            "ELPIS_LOOKUP_KEY": "l" * 32,
            "ELPIS_DATA_KEYS": "bm90LWEtcmVhbC1rZXktanVzdC0zMi1ieXRlcy1sb25n",
        }
    )
    ok.check()
    assert ok.secret_key != DEV_SECRET


def test_every_variable_read_today_keeps_its_name():
    names = {name.upper() for f in Settings.__fields__.values() for name in f.field_info.extra["env_names"]}
    assert {
        "ELPIS_ENV",
        "DATABASE_URL",
        "ELPIS_DEV_INBOX",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_FROM_NUMBER",
        "TWILIO_BASE_URL",
        "ELPIS_TWILIO_TIMEOUT_S",
        "ELPIS_SECRET_KEY",
        "ELPIS_DATA_KEYS",
        "ELPIS_LOOKUP_KEY",
        "ELPIS_REMINDER_OFFSETS_HOURS",
        "ELPIS_SMS_SEND_NOW",
        "ELPIS_ALLOW_REST",
        "ELPIS_TRACKER_DB_URL",
        "ELPIS_TRACKER_DB_HOST",
        "ELPIS_TRACKER_DB_PORT",
        "ELPIS_TRACKER_DB_NAME",
        "ELPIS_TRACKER_DB_USER",
        "ELPIS_TRACKER_DB_PASSWORD",
        "ELPIS_RASA_TOKEN",
    } <= names
    assert len(names) == len(Settings.__fields__)


def test_text_from_the_environment_becomes_typed_values():
    s = load_settings(
        {
            "ELPIS_REMINDER_OFFSETS_HOURS": "2, 48,24,2",
            "ELPIS_DATA_KEYS": " new , old,,",
            "ELPIS_STAFF_PORT": "8100",
            "ELPIS_PARSE_TIMEOUT_S": "1.5",
            "ELPIS_DEV_INBOX": "/tmp/inbox.jsonl",
            "ELPIS_SMS_SEND_NOW": " Off ",
            "ELPIS_ALLOW_REST": "YES",
        }
    )
    assert s.reminder_offsets_hours == (48, 24, 2)  # largest first: the order they are sent
    assert s.data_keys == ("new", "old")
    assert s.staff_port == 8100 and s.parse_timeout_s == 1.5
    assert s.dev_inbox_path == Path("/tmp/inbox.jsonl")
    assert s.sms_send_now is False and s.allow_rest is True
    assert load_settings({"ELPIS_ALLOW_REST": "maybe"}).allow_rest is False
    with pytest.raises(ValueError, match="staff_port"):
        load_settings({"ELPIS_STAFF_PORT": "eighty"})


def test_an_empty_variable_counts_as_unset():
    blank = {
        "ELPIS_ENV": "",
        "ELPIS_STAFF_PORT": "",
        "ELPIS_SMS_SEND_NOW": "",
        "ELPIS_DATA_KEYS": " , ",
        "ELPIS_REMINDER_OFFSETS_HOURS": "",
        "DATABASE_URL": "",
    }
    assert load_settings(blank) == load_settings({}) == Settings()


def test_tracker_store_url_is_built_from_its_parts_unless_given():
    parts = {"ELPIS_TRACKER_DB_HOST": "db", "ELPIS_TRACKER_DB_USER": "rasa", "ELPIS_TRACKER_DB_PASSWORD": "p@ss"}
    assert load_settings(parts).tracker_db_url == "postgresql://rasa:p%40ss@db:5432/rasa"
    assert (
        load_settings({**parts, "ELPIS_TRACKER_DB_PORT": "6543", "ELPIS_TRACKER_DB_NAME": "trk"}).tracker_db_url
        == "postgresql://rasa:p%40ss@db:6543/trk"
    )
    assert load_settings({**parts, "ELPIS_TRACKER_DB_URL": "postgresql://x/y"}).tracker_db_url == "postgresql://x/y"
    assert load_settings({"ELPIS_TRACKER_DB_USER": "rasa"}).tracker_db_url == ""


def test_settings_are_immutable_and_settings_alone_are_the_defaults(monkeypatch):
    monkeypatch.setenv("ELPIS_ENV", "production")
    assert Settings().environment == "development"  # only load_settings reads the environment
    assert load_settings().environment == "production"
    with pytest.raises(TypeError):
        Settings().environment = "production"  # type: ignore[misc]
    assert hash(Settings()) == hash(Settings())


def test_get_settings_reads_the_environment_once(monkeypatch):
    get_settings.cache_clear()
    try:
        monkeypatch.setenv("ELPIS_TEAM_HOURS", "Mon-Tue 09:00-12:00")
        first = get_settings()
        monkeypatch.setenv("ELPIS_TEAM_HOURS", "Mon-Fri 09:00-17:00")
        assert get_settings() is first and first.team_hours == "Mon-Tue 09:00-12:00"
    finally:
        get_settings.cache_clear()


def test_production_refuses_each_development_default():
    prod = {
        "ELPIS_ENV": "production",
        "ELPIS_SECRET_KEY": "x" * 40,
        "DATABASE_URL": "postgresql://db/elpis",
        "ELPIS_LOOKUP_KEY": "l" * 32,
        "ELPIS_DATA_KEYS": "bm90LWEtcmVhbC1rZXktanVzdC0zMi1ieXRlcy1sb25n",
    }
    load_settings(prod).check()
    for name, dev_value, complaint in [
        ("ELPIS_DATA_KEYS", DEV_DATA_KEY, "ELPIS_DATA_KEYS"),
        ("ELPIS_LOOKUP_KEY", "short", "ELPIS_LOOKUP_KEY"),
        ("ELPIS_SECRET_KEY", DEV_SECRET, "ELPIS_SECRET_KEY"),
        ("DATABASE_URL", "sqlite:///x.db", "DATABASE_URL"),
    ]:
        with pytest.raises(RuntimeError, match=complaint):
            load_settings({**prod, name: dev_value}).check()
