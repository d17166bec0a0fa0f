"""Log redaction and production start-up rules (no servers)."""

from __future__ import annotations

import logging

import pytest
import yaml

from bot import hardening
from bot.logging_config import REDACTED, install, redact
from bot.settings import load_settings
from bot.stack import Stack


@pytest.mark.parametrize(
    "raw, secret",
    [
        ("queued for +447700900123", "+447700900123"),
        ("number 07700 900123 given", "07700 900123"),
        ("from 447700900123", "447700900123"),
        ("postcode SE15 4QF ok", "SE15 4QF"),
        ("email jo@example.com", "jo@example.com"),
        ('{"sender": "s1", "text": "my name is Jo and he hits me"}', "my name is Jo"),
        ("Body=I+need+help&From=x", "I+need+help"),
        ("{'message': 'hello there'}", "hello there"),
    ],
)
def test_redact_removes_personal_detail(raw, secret):
    out = redact(raw)
    assert secret not in out and REDACTED in out


@pytest.mark.parametrize(
    "plain",
    ["outbox 42 sent in 0.123s", "claimed 12 rows", "2026-11-23 07:41:47 ok", "tracker erasure 3 failed (attempt 2)"],
)
def test_redact_keeps_operational_detail(plain):
    assert redact(plain) == plain


def test_installed_factory_redacts_any_handler(caplog):
    install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("user %s said %s", "+447700900123", {"text": "secret words"})
        try:
            raise ValueError("bad postcode SE15 4QF")
        except ValueError:
            logging.getLogger("x").exception("failed")
    text = caplog.text
    assert "+447700900123" not in text and "secret words" not in text and "SE15 4QF" not in text


def test_production_needs_a_rasa_token():
    prod = {"ELPIS_ENV": "production", "ELPIS_SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://db/e"}
    with pytest.raises(RuntimeError, match="ELPIS_RASA_TOKEN"):
        hardening.rasa_args(load_settings(prod))
    with pytest.raises(RuntimeError, match="ELPIS_RASA_TOKEN"):
        hardening.rasa_args(load_settings({**prod, "ELPIS_RASA_TOKEN": "dev-only-not-secret"}))
    args = hardening.rasa_args(load_settings({**prod, "ELPIS_RASA_TOKEN": "t" * 32}))
    assert args[args.index("--auth-token") + 1] == "t" * 32
    assert "--auth-token" not in hardening.rasa_args(load_settings({}))


def test_production_credentials_drop_the_open_rest_channel(tmp_path):
    prod = {"ELPIS_ENV": "production", "ELPIS_RASA_TOKEN": "t" * 32}
    stack = Stack(rasa_port=1, action_port=2, web_port=3, env=prod, log_dir=tmp_path)
    rasa = next(s for s in stack.build() if s.name == "rasa")
    creds = yaml.safe_load(open(rasa.argv[rasa.argv.index("--credentials") + 1]))
    assert "rest" not in creds and "bot.channels.rest.RestInput" not in creds
    # The web chat (our fixed socket.io channel) and SMS stay on.
    assert "bot.channels.socketio.SocketIOInput" in creds and "bot.channels.twilio_sms.TwilioSmsInput" in creds
    assert rasa.argv[rasa.argv.index("--auth-token") + 1] == "t" * 32
    allowed = Stack(rasa_port=1, action_port=2, web_port=3, env={**prod, "ELPIS_ALLOW_REST": "1"}, log_dir=tmp_path)
    rasa = next(s for s in allowed.build() if s.name == "rasa")
    assert "bot.channels.rest.RestInput" in yaml.safe_load(open(rasa.argv[rasa.argv.index("--credentials") + 1]))
    # Development is unchanged.
    dev = next(s for s in Stack(rasa_port=1, action_port=2, web_port=3).build() if s.name == "rasa")
    assert "--auth-token" not in dev.argv and dev.argv[dev.argv.index("--credentials") + 1].endswith("credentials.yml")


def test_action_server_listens_on_localhost_only():
    assert hardening.action_server_env() == {"SANIC_HOST": "127.0.0.1"}


def test_tracker_store_url_comes_from_the_production_endpoint_variables():
    s = load_settings(
        {
            "ELPIS_TRACKER_DB_HOST": "db",
            "ELPIS_TRACKER_DB_USER": "rasa",
            "ELPIS_TRACKER_DB_PASSWORD": "pw",
            "ELPIS_TRACKER_DB_NAME": "trackers",
        }
    )
    assert s.tracker_db_url == "postgresql://rasa:pw@db:5432/trackers"
    assert load_settings({}).tracker_db_url == ""
    assert load_settings({}).retention_tracker_days == 90 and load_settings({}).retention_closed_days == 730
