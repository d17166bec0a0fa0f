"""The delivery loop: claim, send, record; several sends at once in threads."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from bot.messaging.delivery import Claimed, claim_next, deliver, reclaim_stale
from bot.messaging.providers import Provider, provider_from_settings
from bot.settings import get_settings

logger = logging.getLogger(__name__)


class Worker:
    def __init__(
        self,
        url: str | None = None,
        concurrency: int | None = None,
        providers: dict[str, Provider] | None = None,
        idle_sleep: float = 0.2,
        on_outcome: Callable[[Claimed, str], None] | None = None,
    ):
        settings = get_settings()
        self.url = url
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{id(self) % 10000}"
        self.concurrency = concurrency or settings.worker_concurrency
        self.providers = providers or {
            "sms": provider_from_settings(settings, "sms"),
            "email": provider_from_settings(settings, "email"),
        }
        self.idle_sleep = idle_sleep
        self.stopping = threading.Event()
        # When the outbox is empty only lane 0 polls it; it rings this to wake
        # the others when work arrives. Eight lanes each polling every 0.2 s
        # cost 40 queries a second of idle CPU, which the Rasa server on the
        # same machine needs (docs/benchmarks.md).
        self.work_arrived = threading.Condition()
        self.claims = 0  # how many times the outbox was asked (tests, benchmarks)
        self.sent = 0
        # Told each message's outcome ("sent", "retry", "failed"): the console digest.
        self.on_outcome = on_outcome

    def status_callback(self, message: Claimed) -> str | None:
        if message.channel != "sms":
            return None
        return f"{get_settings().public_base_url.rstrip('/')}/webhooks/sms/status"

    def _send_one(self, message: Claimed) -> None:
        provider = self.providers.get(message.channel) or self.providers["sms"]
        outcome = deliver(message, provider, self.url, self.status_callback)
        if outcome == "sent":
            self.sent += 1
        if self.on_outcome is not None:
            self.on_outcome(message, outcome)

    def _claim(self) -> Claimed | None:
        self.claims += 1
        return claim_next(self.worker_id, self.url)

    def _idle(self, lane: int) -> None:
        if lane == 0:
            self.stopping.wait(self.idle_sleep)
        else:
            with self.work_arrived:  # woken by lane 0; the timeout is a backstop
                self.work_arrived.wait(timeout=max(self.idle_sleep * 10, 1.0))

    def _lane(self, lane: int = 0) -> None:
        """One sending lane: claim a message, send it, repeat; rest when idle."""
        while not self.stopping.is_set():
            try:
                message = self._claim()
            except Exception:
                logger.exception("claim failed; retrying")  # e.g. database restarting
                self.stopping.wait(1.0)
                continue
            if message is None:
                self._idle(lane)
                continue
            if lane == 0:
                with self.work_arrived:
                    self.work_arrived.notify_all()
            try:
                self._send_one(message)
            except Exception:
                # E.g. the database went away before the outcome was written: the
                # row stays "sending" and is settled by recover() (find_sent first).
                # Without this the lane thread died and the worker sent less and less.
                logger.exception("outbox %s: outcome not recorded; left for recovery", message.id)
                self.stopping.wait(1.0)

    def recover(self) -> int:
        stale = reclaim_stale(self.worker_id, self.url)
        for message in stale:
            self._send_one(message)
        return len(stale)

    def run(self, until_idle: bool = False) -> int:
        """Run until stopped (or, with until_idle, until nothing is due)."""
        self.recover()
        if until_idle:
            while True:
                message = self._claim()
                if message is None:
                    return self.sent
                self._send_one(message)
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="send") as pool:
            lanes = [pool.submit(self._lane, lane) for lane in range(self.concurrency)]
            last_recover = time.monotonic()
            while not self.stopping.is_set():
                self.stopping.wait(1.0)
                if time.monotonic() - last_recover > 30:
                    try:
                        self.recover()
                    except Exception:
                        logger.exception("recovery failed; will retry")
                    last_recover = time.monotonic()
            for lane in lanes:
                lane.result()
        return self.sent

    def stop(self) -> None:
        self.stopping.set()
        with self.work_arrived:
            self.work_arrived.notify_all()
