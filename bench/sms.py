"""Benchmark: signed inbound SMS from 20 concurrent senders.

Starts the whole stack in dev mode (Rasa server with the SMS channel, action
server, worker, web, and the local fake Twilio) on free ports, then 20 women
text at once, each a short self-referral opening ("hi", "1", "yes", ...),
each waiting for the reply before sending the next. Measured per message:

- webhook: from sending the signed POST to Twilio getting its answer (TwiML);
- reply: from sending the POST to the bot's reply reaching the fake Twilio.

    python -m bench.sms [--senders 20] [--messages 6]

Uses ELPIS_TEST_MODEL (or models/elpis.tar.gz) and a temporary SQLite
database, or PostgreSQL with --postgres (TEST_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

from bot.db import migrate
from bot.devtools.fake_twilio import DEFAULT_SID, DEFAULT_TOKEN, FakeTwilioClient
from bot.ports import free_port
from bot.seed import seed
from bot.stack import MODEL, Stack

SCRIPT = ["hi", "1", "yes", "Jo", "SE15 4QF", "07700 900123", "2", "any time"]
PUBLIC_URL = "https://sms.bench.elpis.test"
WEBHOOK = "/webhooks/sms/webhook"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(values) * 1000, 1) if values else float("nan"),
        "p95_ms": round(percentile(values, 95) * 1000, 1),
        "max_ms": round(max(values, default=0) * 1000, 1),
    }


class Sender(threading.Thread):
    def __init__(self, stack: Stack, fake: FakeTwilioClient, number: str, messages: list[str], start: threading.Event):
        super().__init__(daemon=True)
        self.stack, self.fake, self.number, self.messages, self.start_event = stack, fake, number, messages, start
        self.webhook: list[float] = []
        self.reply: list[float] = []
        self.errors: list[str] = []
        self.replies = 0

    def run(self) -> None:
        session = requests.Session()
        validator = RequestValidator(DEFAULT_TOKEN)
        after = 0
        self.start_event.wait()
        for body in self.messages:
            sid = "SM" + uuid.uuid4().hex
            params = {
                "MessageSid": sid,
                "SmsSid": sid,
                "AccountSid": DEFAULT_SID,
                "From": self.number,
                "To": "+447700900000",
                "Body": body,
                "NumMedia": "0",
                "ApiVersion": "2010-04-01",
            }
            headers = {
                "X-Twilio-Signature": validator.compute_signature(PUBLIC_URL + WEBHOOK, params),
                "Content-Type": "application/x-www-form-urlencoded",
            }
            sent_at = time.time()
            try:
                resp = session.post(
                    self.stack.rasa_url + WEBHOOK, data=urllib.parse.urlencode(params), headers=headers, timeout=60
                )
            except requests.RequestException as exc:
                self.errors.append(f"webhook: {type(exc).__name__}")
                continue
            self.webhook.append(time.time() - sent_at)
            if resp.status_code != 200:
                self.errors.append(f"webhook HTTP {resp.status_code}")
                continue
            found = self.fake.wait_for(self.number, count=1, after=after, timeout=60)
            if not found:
                self.errors.append("no reply within 60 s")
                continue
            first = min(found, key=lambda m: m["seq"])
            self.reply.append(first["created_at"] - sent_at)  # the fake's clock is this machine's clock
            time.sleep(0.3)  # let a split reply's later parts land before the next message
            found = self.fake.sent(to=self.number, after=after)
            self.replies += 1
            after = max(m["seq"] for m in found)


def _drop(base, name: str, create: bool = False) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def run(senders: int = 20, messages: int = 6, postgres: bool = False, model: Path | None = None) -> dict:
    model = model or Path(os.environ.get("ELPIS_TEST_MODEL") or MODEL)
    tmp = Path(tempfile.mkdtemp(prefix="bench-sms-"))
    if postgres:
        base = make_url(os.environ["TEST_DATABASE_URL"])
        name = f"elpis_bench_sms_{os.getpid()}"
        _drop(base, name, create=True)
        url = base.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp / 'bench.db'}"
    migrate.upgrade(url)
    seed(url)
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        fake_twilio_port=free_port(),
        env={"DATABASE_URL": url, "ELPIS_PUBLIC_BASE_URL": PUBLIC_URL, "ELPIS_DEV_INBOX": str(tmp / "inbox.jsonl")},
        model=model,
        log_dir=tmp / "logs",
    )
    stack.start()
    try:
        fake = FakeTwilioClient(f"http://127.0.0.1:{stack.fake_twilio_port}")
        # Warm up (first model call, connection pools) outside the measurement.
        warm = Sender(stack, fake, "+447700900999", ["hi", "1"], threading.Event())
        warm.start_event.set()
        warm.run()
        go = threading.Event()
        numbers = [f"+447700900{100 + i:03d}" for i in range(senders)]
        threads = [Sender(stack, fake, n, SCRIPT[:messages], go) for n in numbers]
        for t in threads:
            t.start()
        started = time.monotonic()
        go.set()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        stack.stop()
        if not os.environ.get("ELPIS_BENCH_KEEP"):  # set it to keep the logs and database
            shutil.rmtree(tmp, ignore_errors=True)
            if postgres:
                _drop(base, name)
    webhook = [v for t in threads for v in t.webhook]
    reply = [v for t in threads for v in t.reply]
    errors = [e for t in threads for e in t.errors]
    result = {
        "database": "postgresql" if postgres else "sqlite",
        "senders": senders,
        "messages": senders * messages,
        "answered": sum(t.replies for t in threads),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "seconds": round(elapsed, 1),
        "messages_per_s": round(senders * messages / elapsed, 1),
        "webhook": summary(webhook),
        "reply": summary(reply),
    }
    report(result)
    return result


def report(result: dict) -> None:
    print(
        f"SMS channel, {result['senders']} concurrent senders, {result['messages']} signed inbound SMS "
        f"({result['database']}): {result['answered']} answered, {result['errors']} errors "
        f"{result['error_kinds'] or ''}, {result['seconds']} s, {result['messages_per_s']} msg/s"
    )
    print(f"{'':24}{'median':>10}{'p95':>10}{'max':>10}")
    for key, label in (("webhook", "webhook response"), ("reply", "reply at fake Twilio")):
        r = result[key]
        print(f"{label:24}{r['median_ms']:>8} ms{r['p95_ms']:>7} ms{r['max_ms']:>7} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sms", description=__doc__.splitlines()[0])
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--messages", type=int, default=6, help=f"per sender, at most {len(SCRIPT)}")
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (TEST_DATABASE_URL)")
    args = parser.parse_args()
    run(args.senders, min(args.messages, len(SCRIPT)), args.postgres)


if __name__ == "__main__":
    main()
