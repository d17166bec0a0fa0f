"""Two Rasa servers share a PostgreSQL tracker store and a Redis lock store.

Messages of the same conversations go to both servers, interleaved: every
conversation's tracker must hold every message once, in order, and every
message must get its reply.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bot.db import migrate
from bot.ports import free_port
from bot.seed import seed
from bot.stack import Stack
from tests.conftest import REDIS_URL, _service_missing, new_sender, pg_database

SCRIPT = ["hi", "i want to refer myself", "yes", "Jo", "SE15 4QF", "07700 900123"]


def _redis_or_skip() -> tuple[str, int]:
    if not REDIS_URL:
        _service_missing("Redis", "set TEST_REDIS_URL=redis://127.0.0.1:6379/0")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as exc:
        _service_missing("Redis", str(exc))
    kwargs = client.connection_pool.connection_kwargs
    return kwargs.get("host", "127.0.0.1"), int(kwargs.get("port", 6379))


@pytest.fixture(scope="module")
def two_servers(model_path, tmp_path_factory, artifacts):
    redis_host, redis_port = _redis_or_skip()
    case_db = pg_database(f"elpis_scale_{os.getpid()}")
    tracker_db = pg_database(f"elpis_tracker_{os.getpid()}")
    migrate.upgrade(case_db)
    seed(case_db)
    action_port = free_port()
    endpoints = tmp_path_factory.mktemp("scale") / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: 127.0.0.1\n  port: 5432\n"
        f"  db: {tracker_db.rsplit('/', 1)[1]}\n  username: postgres\n  password: ''\n"
        f"lock_store:\n  type: bot.rasa_components.lock_store.AtomicRedisLockStore\n  url: {redis_host}\n  port: {redis_port}\n  db: 1\n"
        f"  key_prefix: elpistest{os.getpid()}\n"
    )
    env = {"DATABASE_URL": case_db}
    first = Stack(
        rasa_port=free_port(),
        action_port=action_port,
        web_port=free_port(),
        env=env,
        model=model_path,
        log_dir=artifacts / "logs",
        endpoints=endpoints,
        roles=("actions", "rasa"),
    )
    second = Stack(
        rasa_port=free_port(),
        action_port=action_port,
        env=env,
        model=model_path,
        log_dir=artifacts / "logs",
        endpoints=endpoints,
        roles=("rasa",),
    )
    first.start()
    try:
        second.start()
    except Exception:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()


def _converse(servers, sender: str) -> list[int]:
    reply_counts = []
    for i, text in enumerate(SCRIPT):
        server = servers[(i + hash(sender)) % 2]  # alternate servers within the conversation
        resp = requests.post(
            f"{server.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120
        )
        resp.raise_for_status()
        reply_counts.append(len(resp.json()))
    return reply_counts


def test_interleaved_conversations_keep_every_event_once_and_in_order(two_servers):
    senders = [new_sender() for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda s: _converse(two_servers, s), senders))
    for counts in replies:
        assert all(n >= 1 for n in counts), "every message got a reply"
    for sender in senders:
        for server in two_servers:
            tracker = requests.get(f"{server.rasa_url}/conversations/{sender}/tracker", timeout=30).json()
            said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
            assert said == SCRIPT
        assert tracker["slots"]["preferred_name"] == "Jo"
        assert tracker["slots"]["requested_slot"] == "contact_safety"


def test_simultaneous_messages_from_one_woman_are_processed_in_turn(two_servers):
    sender = new_sender()
    requests.post(
        f"{two_servers[0].rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "i want to refer myself"},
        timeout=60,
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(
            pool.map(
                lambda pair: requests.post(
                    f"{pair[0].rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": pair[1]}, timeout=60
                ),
                [(two_servers[0], "yes"), (two_servers[1], "yes")],
            )
        )
    tracker = requests.get(f"{two_servers[1].rasa_url}/conversations/{sender}/tracker", timeout=30).json()
    slots = tracker["slots"]
    # Both answers were applied one after the other: the first to consent (and age), the second
    # met the name question, which does not take a bare "yes" as her name and asks again.
    assert slots["consent"] == "yes" and slots["age_ok"] == "adult"
    assert slots["requested_slot"] == "preferred_name" and slots["preferred_name"] is None
    said = [e.get("text") or "" for e in tracker["events"] if e["event"] == "bot"]
    assert any("Any first name is fine" in t for t in said), said
