"""What the worker says on the console: work done, not a line per job run.

APScheduler logs every run of every job at INFO ("Running job ...", "... executed
successfully"): with a job every 30 s that is hundreds of lines an hour, and the
addresses, the demo login and real errors scroll away under them. Its loggers go
to WARNING (a job that raises is still logged, at ERROR). Instead the worker
keeps a `Digest` of what it did and logs it as one line every few minutes, and
only when something was done: "last 5 min: sent 2 reminders, 1 alert; wiped 3
conversation trackers".
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable

logger = logging.getLogger("bot.worker")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# Loggers that speak at INFO about routine work. twilio.http_client logs each
# API request over several INFO lines (with the fake Twilio too).
QUIET = ("apscheduler", "twilio.http_client")
DIGEST_MINUTES = 5.0

# What a job's result counts, as "<verb> <n> <thing>". A job not listed here is
# reported as "<name>: <n>".
JOB_WORDS: dict[str, tuple[str, str, str]] = {
    "alert_notices": ("told", "staff member of new alerts", "staff members of new alerts"),
    "privacy_retention": ("deleted", "record past retention", "records past retention"),
    "tracker_erasure": ("wiped", "conversation tracker", "conversation trackers"),
    "sms_late_delivery_reports": ("applied", "late SMS delivery report", "late SMS delivery reports"),
}


def quiet_noisy_loggers() -> None:
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging() -> None:
    """INFO for what a person needs; routine chatter only at WARNING and above."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    quiet_noisy_loggers()


def plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return f"{n} {word[:-1]}ies"
    return f"{n} {word}s"


def amount(result: object) -> int:
    """How much a job did: its int result, or the sum of a dataclass's int fields
    (retention's `Purged`); anything else (None, a skipped run) counts 0."""
    if isinstance(result, bool):
        return 0
    if isinstance(result, int):
        return result
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return sum(v for v in dataclasses.asdict(result).values() if isinstance(v, int) and not isinstance(v, bool))
    return 0


def _span(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"{max(1, round(seconds))} s"
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes / 60:.1f} h"


class Digest:
    """Counts of work done since the last line; thread-safe (send lanes, scheduler threads)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, log: logging.Logger = logger):
        self._clock = clock
        self._log = log
        self._lock = threading.Lock()
        self._since = clock()
        self._sent: Counter[str] = Counter()
        self._retry: Counter[str] = Counter()
        self._failed: Counter[str] = Counter()
        self._jobs: Counter[str] = Counter()

    def delivered(self, kind: str, outcome: str) -> None:
        """One outbox message's outcome ("sent", "retry", "failed") from `deliver`."""
        counter = {"sent": self._sent, "retry": self._retry, "failed": self._failed}.get(outcome)
        if counter is not None:
            with self._lock:
                counter[kind or "message"] += 1

    def job_done(self, name: str, result: object) -> None:
        n = amount(result)
        if n:
            with self._lock:
                self._jobs[name] += n

    def wrap(self, name: str, fn: Callable[[], object]) -> Callable[[], object]:
        """The job as the scheduler runs it: its result counted; an exception still raised
        (APScheduler logs it at ERROR)."""

        @functools.wraps(fn)
        def job() -> object:
            result = fn()
            self.job_done(name, result)
            return result

        return job

    def take(self) -> str | None:
        """The line for the work done since the last one (None if nothing), and start again."""
        with self._lock:
            now = self._clock()
            span, self._since = now - self._since, now
            sent, retry, failed, jobs = self._sent, self._retry, self._failed, self._jobs
            self._sent, self._retry, self._failed, self._jobs = Counter(), Counter(), Counter(), Counter()
        parts = []
        if sent:
            parts.append("sent " + ", ".join(plural(n, kind) for kind, n in sorted(sent.items())))
        if retry:
            parts.append("to retry " + ", ".join(plural(n, kind) for kind, n in sorted(retry.items())))
        if failed:
            parts.append("gave up on " + ", ".join(plural(n, kind) for kind, n in sorted(failed.items())))
        for name, n in sorted(jobs.items()):
            if name in JOB_WORDS:
                verb, one, many = JOB_WORDS[name]
                parts.append(f"{verb} {n} {one if n == 1 else many}")
            else:
                parts.append(f"{name}: {n}")
        if not parts:
            return None
        return f"last {_span(span)}: " + "; ".join(parts)

    def flush(self) -> str | None:
        """Log the line, if there is one (a scheduler job, and once more at shutdown)."""
        line = self.take()
        if line:
            self._log.info(line)
        return line
