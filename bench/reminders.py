"""Benchmark: 10,000 due reminders sent by two worker processes at once, on PostgreSQL.

A fresh PostgreSQL database (beside TEST_DATABASE_URL, or BENCH_DATABASE_URL)
gets 10,000 due reminder rows in the outbox; two `python -m bot.worker
--no-jobs` processes send them through the Twilio client to the local fake
Twilio (bot/devtools/fake_twilio.py, in this process). Reported: seconds from
starting the workers until the last row is marked sent (process start-up
included), seconds from the first to the last message at the provider,
messages per second, and the exactly-once check (every reminder at the
provider once: none lost, none twice; every row `sent`).

    python -m bench.reminders [--count 10000] [--workers 2] [--concurrency 8]

Target (docs/design.md): under 60 s. Each worker sends on `--concurrency`
lanes (ELPIS_WORKER_CONCURRENCY, default 8): a send is
mostly waiting on PostgreSQL and the provider, so more lanes means more
throughput. The machine's load is printed too: the figure means little on a
machine busy with other work.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from bot.db import migrate
from bot.db.models import OutboxMessage, OutboxStatus
from bot.db.types import utcnow
from bot.devtools.fake_twilio import DEFAULT_SID, DEFAULT_TOKEN, FakeTwilio
from bot.settings import REPO_ROOT

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_S = 60.0


def fresh_database(name: str) -> str:
    base = make_url(os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG)
    admin = create_engine(base, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def queue_reminders(url: str, count: int) -> None:
    due = utcnow() - timedelta(seconds=1)
    now = utcnow()
    rows = [
        {
            "dedupe_key": f"appt:{i}:48h",
            "kind": "reminder",
            "channel": "sms",
            "to_address": f"+4477{i:09d}",
            "body": f"Hi, a reminder: you're booked on Thu 26 Nov at 2pm, {i} Example Road, SE15 5AA. "
            "Reply YES to confirm or CHANGE to rearrange.",
            "status": OutboxStatus.PENDING,
            "send_after": due,
            "attempts": 0,
            "created_at": now,
        }
        for i in range(count)
    ]
    engine = create_engine(url, future=True)
    with engine.begin() as conn:
        for start in range(0, count, 2000):
            conn.execute(insert(OutboxMessage), rows[start : start + 2000])
    engine.dispose()


def counts(engine) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def run(count: int = 10_000, workers: int = 2, concurrency: int = 8, timeout: float = 600.0) -> dict:
    url = fresh_database("elpis_bench_reminders")
    migrate.upgrade(url)
    queue_reminders(url, count)
    fake = FakeTwilio(auth_token=DEFAULT_TOKEN, account_sid=DEFAULT_SID, callbacks=False).start()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(REPO_ROOT),
        "TWILIO_ACCOUNT_SID": DEFAULT_SID,
        "TWILIO_AUTH_TOKEN": DEFAULT_TOKEN,
        "TWILIO_FROM_NUMBER": "+447700900000",
        "TWILIO_BASE_URL": fake.url,
    }
    engine = create_engine(url, future=True)
    load_before = os.getloadavg()[0]
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_before = time.process_time()
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.worker", "--no-jobs", "--concurrency", str(concurrency)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(workers)
    ]
    try:
        while time.perf_counter() - started < timeout:
            if counts(engine).get(OutboxStatus.SENT, 0) >= count:
                break
            if any(p.poll() is not None for p in procs):
                raise RuntimeError("a worker exited during the benchmark")
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (children.ru_utime + children.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
    fake_cpu = time.process_time() - own_before
    load_after = os.getloadavg()[0]
    sent = fake.sent()
    fake.stop()
    copies = Counter((m["to"], m["body"]) for m in sent)
    final = counts(engine)
    with engine.connect() as conn:
        per_worker = [
            n
            for _, n in conn.execute(
                select(OutboxMessage.claimed_by, func.count()).group_by(OutboxMessage.claimed_by)
            ).all()
        ]
    engine.dispose()
    first, last = (min(m["created_at"] for m in sent), max(m["created_at"] for m in sent)) if sent else (0, 0)
    result = {
        "reminders": count,
        "workers": workers,
        "lanes_per_worker": concurrency,
        "seconds": round(elapsed, 2),
        "messages_per_second": round(count / elapsed, 1) if elapsed else None,
        "send_seconds_first_to_last": round(last - first, 2),
        "at_provider": len(sent),
        "distinct_at_provider": len(copies),
        "duplicates": sum(v - 1 for v in copies.values()),
        "lost": count - len(copies),
        "rows_sent": final.get(OutboxStatus.SENT, 0),
        "per_worker_process": sorted(per_worker, reverse=True),
        "load_average_1m_before": round(load_before, 2),
        "load_average_1m_after": round(load_after, 2),
        # CPU used by the two workers and by the fake provider (this process),
        # PostgreSQL not counted: what the run would need on an otherwise idle machine.
        "worker_cpu_ms_per_message": round(worker_cpu * 1000 / count, 2),
        "fake_provider_cpu_ms_per_message": round(fake_cpu * 1000 / count, 2),
        "cpus": os.cpu_count(),
        "target_seconds": TARGET_S,
        "exactly_once": len(sent) == count == len(copies) and final.get(OutboxStatus.SENT, 0) == count,
    }
    print(
        f"   {count} reminders, {workers} workers x {concurrency} lanes: {result['seconds']} s "
        f"({result['messages_per_second']} msg/s; first-to-last {result['send_seconds_first_to_last']} s), "
        f"target < {TARGET_S:.0f} s: {'met' if elapsed < TARGET_S else 'NOT met'}\n"
        f"   exactly once: {result['exactly_once']} (duplicates {result['duplicates']}, lost {result['lost']}); "
        f"per worker process {result['per_worker_process']}\n"
        f"   CPU per message: workers {result['worker_cpu_ms_per_message']} ms, fake provider "
        f"{result['fake_provider_cpu_ms_per_message']} ms; load average {result['load_average_1m_before']} -> "
        f"{result['load_average_1m_after']} on {result['cpus']} CPUs",
        flush=True,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    result = run(args.count, args.workers, args.concurrency)
    assert result["exactly_once"], result
    return 0


if __name__ == "__main__":
    sys.exit(main())
