"""The local fake Twilio (bot/devtools/fake_twilio.py), able to hold a send mid-flight.

`HoldingFakeTwilio(hold_at=K)` records the K-th message, then keeps the HTTP
answer back until `release()`: the worker that sent it is stuck "mid-send"
with the provider already holding the message, the most awkward moment to
kill it. `delay` slows every answer a little so a batch takes a while.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from bot.devtools.fake_twilio import DEFAULT_SID, DEFAULT_TOKEN, FakeTwilio

FROM_NUMBER = "+447700900000"


class HoldingFakeTwilio(FakeTwilio):
    def __init__(self, *, hold_at: int | None = None, delay: float = 0.0, **kw: Any):
        kw.setdefault("callbacks", False)
        super().__init__(auth_token=DEFAULT_TOKEN, account_sid=DEFAULT_SID, **kw)
        self.hold_at = hold_at
        self.delay = delay
        self.held = threading.Event()
        self._release = threading.Event()
        self._count = 0
        self._count_lock = threading.Lock()

    def create_message(self, account_sid: str, form: dict[str, str]):
        status, payload = super().create_message(account_sid, form)
        with self._count_lock:
            self._count += status == 201
            n = self._count
        if self.hold_at is not None and n == self.hold_at:
            self.held.set()
            self._release.wait(60)
        elif self.delay:
            time.sleep(self.delay)
        return status, payload

    @property
    def count(self) -> int:
        with self._count_lock:
            return self._count

    def release(self) -> None:
        self._release.set()

    def copies(self) -> Counter:
        """How many times each (to, body) arrived: exactly once means all values are 1."""
        return Counter((m["to"], m["body"]) for m in self.sent())

    def env(self) -> dict[str, str]:
        """Environment for a worker process sending through this fake."""
        return {
            "TWILIO_ACCOUNT_SID": DEFAULT_SID,
            "TWILIO_AUTH_TOKEN": DEFAULT_TOKEN,
            "TWILIO_FROM_NUMBER": FROM_NUMBER,
            "TWILIO_BASE_URL": self.url,
        }
