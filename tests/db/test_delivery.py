"""Outbox delivery: exactly once, retries, stale claims, opt-outs (both databases)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update

from bot.db.models import Alert, AlertReason, OutboxMessage, OutboxStatus, Woman
from bot.db.session import session_scope
from bot.messaging.delivery import claim_next, deliver, reclaim_stale
from bot.messaging.outbox import cancel_pending, enqueue
from bot.messaging.providers import ProviderError
from bot.worker.loop import Worker


class RecordingProvider:
    """Stands in for Twilio's remote API: records what it was asked to send."""

    name = "recording"

    def __init__(self, fail_with: ProviderError | None = None):
        self.sent: list[tuple[str, str, datetime]] = []
        self.fail_with = fail_with
        self.lock = threading.Lock()

    def send(self, to, body, status_callback=None):
        if self.fail_with:
            raise self.fail_with
        with self.lock:
            self.sent.append((to, body, datetime.now(timezone.utc)))
            return f"SM{len(self.sent):032d}"

    def find_sent(self, to, body, since):
        for i, (t, b, at) in enumerate(self.sent):
            if t == to and b == body and at >= since:
                return f"SM{i + 1:032d}"
        return None


def woman(session, safe=True) -> int:
    w = Woman(phone_e164="+447700900001", safe_to_text=safe)
    session.add(w)
    session.flush()
    return w.id


def statuses():
    with session_scope() as s:
        return Counter(s.execute(select(OutboxMessage.status)).scalars())


def test_enqueue_respects_safety_opt_out_and_dedupe(db_url):
    with session_scope() as s:
        safe, unsafe = woman(s, True), woman(s, False)
        assert enqueue(s, to="+447700900001", body="hi", kind="reminder", woman_id=unsafe) is None
        a = enqueue(s, to="+447700900001", body="hi", kind="reminder", woman_id=safe, dedupe_key="r:1:48h")
        b = enqueue(s, to="+447700900001", body="hi", kind="reminder", woman_id=safe, dedupe_key="r:1:48h")
        assert a.id == b.id
        s.get(Woman, safe).sms_opted_out = True
        assert enqueue(s, to="+447700900001", body="x", kind="reminder", woman_id=safe) is None
    assert statuses() == Counter({OutboxStatus.PENDING: 1})


def test_two_workers_send_every_message_exactly_once(db_url):
    with session_scope() as s:
        for i in range(60):
            enqueue(s, to=f"+4477009{i:05d}", body=f"message {i}", kind="notice")
    provider = RecordingProvider()
    workers = [Worker(providers={"sms": provider}, concurrency=1) for _ in range(2)]
    threads = [threading.Thread(target=w.run, kwargs={"until_idle": True}) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bodies = Counter(body for _, body, _ in provider.sent)
    assert len(bodies) == 60 and set(bodies.values()) == {1}
    assert statuses() == Counter({OutboxStatus.SENT: 60})


def test_retryable_error_backs_off_then_fails_with_alert(db_url, monkeypatch):
    with session_scope() as s:
        wid = woman(s)
        enqueue(s, to="+447700900001", body="reminder", kind="reminder", woman_id=wid)
    flaky = RecordingProvider(ProviderError("503", retryable=True))
    message = claim_next("w1")
    assert deliver(message, flaky) == "retry"
    with session_scope() as s:
        row = s.execute(select(OutboxMessage)).scalar_one()
        assert row.status == OutboxStatus.PENDING and row.attempts == 1
        assert row.send_after > datetime.now(timezone.utc)
        assert claim_next("w1") is None  # not due yet: backing off
        row.send_after = datetime.now(timezone.utc) - timedelta(seconds=1)
    fatal = RecordingProvider(ProviderError("21610 unsubscribed", retryable=False))
    assert deliver(claim_next("w1"), fatal) == "failed"
    with session_scope() as s:
        assert s.execute(select(OutboxMessage.status)).scalar_one() == OutboxStatus.FAILED
        [alert] = s.execute(select(Alert)).scalars().all()
        assert alert.reason == AlertReason.UNDELIVERED and alert.woman_id == wid


def test_stale_claim_is_not_sent_twice_if_the_provider_has_it(db_url):
    with session_scope() as s:
        enqueue(s, to="+447700900001", body="already gone", kind="notice")
        enqueue(s, to="+447700900002", body="never sent", kind="notice")
    provider = RecordingProvider()
    first, _second = claim_next("dead-worker"), claim_next("dead-worker")
    provider.send(first.to, first.body)  # the dead worker got this one out, then died
    with session_scope() as s:
        s.execute(update(OutboxMessage).values(claimed_at=datetime.now(timezone.utc) - timedelta(hours=1)))
    for message in reclaim_stale("new-worker"):
        deliver(message, provider)
    assert Counter(b for _, b, _ in provider.sent) == Counter({"already gone": 1, "never sent": 1})
    assert statuses() == Counter({OutboxStatus.SENT: 2})


def test_cancel_pending_by_key_prefix(db_url):
    with session_scope() as s:
        enqueue(s, to="+447700900001", body="a", kind="reminder", dedupe_key="appt:7:48h")
        enqueue(s, to="+447700900001", body="b", kind="reminder", dedupe_key="appt:7:2h")
        enqueue(s, to="+447700900001", body="c", kind="reminder", dedupe_key="appt:8:2h")
        assert cancel_pending(s, "appt:7:") == 2
    with session_scope() as s:
        assert s.execute(select(func.count()).where(OutboxMessage.status == OutboxStatus.CANCELLED)).scalar_one() == 2


def test_idle_worker_polls_with_one_lane_and_wakes_the_others_for_a_burst(db_url):
    """Eight idle lanes used to ask the outbox 40 times a second between them;
    now lane 0 watches alone, and a burst still goes out over several lanes."""

    class LaneRecordingProvider(RecordingProvider):
        def send(self, to, body, status_callback=None):
            lanes.add(threading.current_thread().name)
            time.sleep(0.05)  # a real send takes a while, so lanes overlap
            return super().send(to, body, status_callback)

    lanes: set[str] = set()
    provider = LaneRecordingProvider()
    worker = Worker(providers={"sms": provider}, concurrency=8, idle_sleep=0.2)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        time.sleep(2.0)
        idle_claims = worker.claims
        # 2 s idle: lane 0 asks about 10 times, the others once each on start
        # (plus at most one backstop wake each); 8 polling lanes asked ~80.
        assert idle_claims <= 30, idle_claims
        with session_scope() as s:
            for i in range(40):
                enqueue(s, to=f"+4477009{i:05d}", body=f"burst {i}", kind="notice")
        deadline = time.monotonic() + 20
        while len(provider.sent) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert Counter(body for _, body, _ in provider.sent) == Counter(f"burst {i}" for i in range(40))
    assert len(lanes) >= 3, lanes  # woken lanes shared the burst
    assert statuses() == Counter({OutboxStatus.SENT: 40})
