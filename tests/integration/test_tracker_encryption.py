"""Production's tracker store keeps none of her words, name, number or postcode.

A real Rasa server runs with endpoints.production.yml itself (the encrypting
SQL tracker store on PostgreSQL, the Redis lock store), a woman refers herself
with distinctive answers, and the tracker database is then read with plain
SQL, every table and column.
"""

from __future__ import annotations

import json
import os
import re
import time

import pytest
import requests
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from bot.db import migrate
from bot.ports import free_port
from bot.seed import seed
from bot.settings import REPO_ROOT
from bot.stack import Stack
from tests.conftest import PG_URL, pg_database
from tests.integration.test_scale_out import _redis_or_skip

SENDER = "+447700900555"  # as an SMS conversation's id: her number
NAME, POSTCODE, TIMES = "Zephyrine", "SW9 7AB", "only tuesday mornings quietly"
PHONE_FORMS = ("07700 900321", "07700900321", "+447700900321", "447700900321", "7700900321")
SCRIPT = ["I want to refer myself", "yes", f"call me {NAME}", POSTCODE, "07700 900321", "texts only", TIMES, "1 2"]


@pytest.fixture(scope="module")
def production_stack(model_path, artifacts):
    redis_host, redis_port = _redis_or_skip()
    case_db = pg_database(f"elpis_enc_case_{os.getpid()}")
    tracker_db = pg_database(f"elpis_enc_tracker_{os.getpid()}")
    migrate.upgrade(case_db)
    seed(case_db)
    pg = make_url(PG_URL)
    action_port = free_port()
    env = {
        "DATABASE_URL": case_db,
        "ELPIS_ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "ELPIS_TRACKER_DB_HOST": pg.host or "127.0.0.1",
        "ELPIS_TRACKER_DB_PORT": str(pg.port or 5432),
        "ELPIS_TRACKER_DB_NAME": make_url(tracker_db).database,
        "ELPIS_TRACKER_DB_USER": pg.username or "postgres",
        "ELPIS_TRACKER_DB_PASSWORD": pg.password or "",
        "ELPIS_REDIS_HOST": redis_host,
        "ELPIS_REDIS_PORT": str(redis_port),
        "ELPIS_REDIS_DB": "3",
    }
    stack = Stack(
        rasa_port=free_port(),
        action_port=action_port,
        web_port=free_port(),
        env=env,
        model=model_path,
        log_dir=artifacts / "logs",
        endpoints=REPO_ROOT / "endpoints.production.yml",
        roles=("actions", "rasa"),
    )
    stack.start()
    stack.tracker_db = tracker_db
    yield stack
    stack.stop()


def say(stack: Stack, message: str) -> str:
    resp = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": SENDER, "message": message}, timeout=120
    )
    assert resp.status_code == 200, resp.text
    return "\n".join(m.get("text", "") for m in resp.json())


def whole_database(url: str) -> str:
    """Every row of every table, as plain SQL reads it."""
    engine = create_engine(url, future=True)
    try:
        dump = []
        with engine.connect() as conn:
            for table in inspect(conn).get_table_names():
                dump += [list(row) for row in conn.execute(text(f'SELECT * FROM "{table}"'))]
        return json.dumps(dump, default=str, ensure_ascii=False)
    finally:
        engine.dispose()


def test_the_tracker_database_holds_none_of_her_words(production_stack):
    replies = [say(production_stack, message) for message in SCRIPT]
    # The bot remembers across turns: the summary she checks repeats her answers.
    assert NAME in replies[-1] and POSTCODE in replies[-1], replies[-1]
    # Rasa's API hands back the conversation decrypted.
    tracker = requests.get(f"{production_stack.rasa_url}/conversations/{SENDER}/tracker", timeout=30).json()
    assert tracker["sender_id"] == SENDER
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == SCRIPT
    assert tracker["slots"]["preferred_name"] == NAME and tracker["slots"]["postcode"] == POSTCODE
    assert tracker["slots"]["phone_e164"] == "+447700900321"
    assert re.search(r"ELP-[A-Z0-9]{6}", say(production_stack, "yes"))  # the referral is sent

    stored = whole_database(production_stack.tracker_db)
    assert "action_listen" in stored and "user" in stored  # the events are there, names in clear...
    for secret in (NAME, POSTCODE, "SW97AB", TIMES, "refer myself", "texts only", SENDER, "7700900555", *PHONE_FORMS):
        assert secret not in stored, f"{secret!r} in the tracker database"  # ...but none of hers


def test_a_warning_quoting_her_message_is_redacted_in_rasas_log(production_stack, artifacts):
    # Rasa warns "Failed to parse arguments in line '<her whole message>'" through Python's warnings.
    say(production_stack, '/deny{"phone": "07700 900321", "where": "SW9 7AB"')
    time.sleep(1.0)
    log = (artifacts / "logs" / f"rasa-{production_stack.rasa_port}.log").read_text(errors="replace")
    assert "Failed to parse arguments" in log
    for secret in (*PHONE_FORMS, POSTCODE):
        assert secret not in log, secret
