"""Throughput with 1 and 2 Rasa processes sharing the production stores.

Both runs use what several processes need: the PostgreSQL tracker store and
the Redis lock store (endpoints like endpoints.production.yml), one action
server, the case database on PostgreSQL. With 2 processes each message goes
to the next server in turn, as a load balancer without sticky sessions would
send it. On a 2-core machine the two Rasa processes share the cores with the
action server and PostgreSQL, so this shows the cost of the shared stores and
what a second process adds, not what a second machine would.

    python -m bench.scale_out
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.latency import OUR_SCRIPT, run_load
from bench.reminders import fresh_database
from bot.db import migrate
from bot.ports import free_port
from bot.seed import seed
from bot.stack import Stack

CONCURRENCY = 20
REDIS = os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"


def _endpoints(path: Path, action_port: int, tracker_db: str) -> Path:
    pg, redis = make_url(tracker_db), make_url(REDIS)
    path.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f"tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: {pg.host}\n  port: {pg.port or 5432}\n"
        f"  db: {pg.database}\n  username: {pg.username or 'postgres'}\n  password: '{pg.password or ''}'\n"
        f"lock_store:\n  type: bot.rasa_components.lock_store.AtomicRedisLockStore\n  url: {redis.host}\n  port: {redis.port or 6379}\n  db: 2\n"
        f"  key_prefix: elpisbench{os.getpid()}\n"
    )
    return path


def run() -> dict:
    try:
        case_db, tracker_db = fresh_database("elpis_bench_scale"), fresh_database("elpis_bench_trackers")
        import redis

        redis.Redis.from_url(REDIS).ping()
    except Exception as exc:  # the bench runs where the stores are; say so plainly otherwise
        print(f"   skipped: needs PostgreSQL and Redis ({type(exc).__name__})")
        return {"skipped": str(exc)[:200]}
    migrate.upgrade(case_db)
    seed(case_db)
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        action_port = free_port()
        endpoints = _endpoints(Path(tmp) / "endpoints.yml", action_port, tracker_db)
        env = {"DATABASE_URL": case_db, "ELPIS_DEV_INBOX": str(Path(tmp) / "inbox.jsonl")}
        first = Stack(
            rasa_port=free_port(),
            action_port=action_port,
            web_port=free_port(),
            env=env,
            endpoints=endpoints,
            log_dir=Path(tmp) / "logs",
            roles=("actions", "rasa"),
        )
        second = Stack(
            rasa_port=free_port(),
            action_port=action_port,
            env=env,
            endpoints=endpoints,
            log_dir=Path(tmp) / "logs",
            roles=("rasa",),
        )
        first.start()
        try:
            second.start()
            urls = [f"{s.rasa_url}/webhooks/rest/webhook" for s in (first, second)]
            run_load(urls, OUR_SCRIPT, 2, 1)  # warm both
            results["one_process"] = run_load(urls[:1], OUR_SCRIPT, CONCURRENCY, 1)
            results["two_processes"] = run_load(urls, OUR_SCRIPT, CONCURRENCY, 1)
        finally:
            second.stop()
            first.stop()
    one, two = results["one_process"], results["two_processes"]
    print(f"{CONCURRENCY} concurrent conversations, PostgreSQL tracker store + Redis lock store")
    print(f"{'rasa processes':>15} {'msg/s':>7} {'median':>8} {'p95':>8}")
    for label, r in (("1", one), ("2", two)):
        print(f"{label:>15} {r['msg_per_s']:>7.1f} {r['median_ms']:>6.0f}ms {r['p95_ms']:>6.0f}ms")
    results["speedup"] = two["msg_per_s"] / one["msg_per_s"]
    print(f"   2 processes / 1: {results['speedup']:.2f}x")
    return results


if __name__ == "__main__":
    run()
