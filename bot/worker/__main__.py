"""`python -m bot.worker`: deliver the outbox and run periodic jobs until stopped.

SIGTERM/Ctrl-C finish the message in hand, then stop: nothing is left in doubt.
The console gets a line at start, a digest of work done every few minutes (only
if there was some), warnings and errors: not a line per job run (bot/worker/console.py).
"""

from __future__ import annotations

import argparse
import logging
import signal
from collections.abc import Callable, Iterable

from apscheduler.schedulers.background import BackgroundScheduler

from bot.db.crud import wording as wording_corrections
from bot.worker.console import DIGEST_MINUTES, Digest, configure_logging
from bot.worker.jobs import JOBS
from bot.worker.loop import Worker

logger = logging.getLogger("bot.worker")


def build_scheduler(
    jobs: Iterable[tuple[str, float, Callable[[], object]]], digest: Digest, digest_seconds: float
) -> BackgroundScheduler:
    """Every job, each counted into `digest`, and the digest's own line every `digest_seconds`."""
    scheduler = BackgroundScheduler(timezone="UTC")
    for name, seconds, fn in jobs:
        scheduler.add_job(digest.wrap(name, fn), "interval", seconds=seconds, id=name, max_instances=1, coalesce=True)
    scheduler.add_job(
        digest.flush, "interval", seconds=digest_seconds, id="console_digest", max_instances=1, coalesce=True
    )
    return scheduler


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.worker")
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--no-jobs", action="store_true", help="deliver only (e.g. extra workers)")
    parser.add_argument(
        "--digest-minutes",
        type=float,
        default=DIGEST_MINUTES,
        help="log what was done at most this often (nothing done: no line)",
    )
    args = parser.parse_args()
    configure_logging()
    wording_corrections.install()  # staff corrections of a text reach the reminders it sends
    digest = Digest()
    worker = Worker(
        concurrency=args.concurrency, on_outcome=lambda message, outcome: digest.delivered(message.kind, outcome)
    )
    jobs = [] if args.no_jobs else JOBS
    scheduler = build_scheduler(jobs, digest, args.digest_minutes * 60)
    scheduler.start()
    logger.info(
        "worker ready: %s sending lanes, %s periodic jobs; what they do is summed up every %g min "
        "(no line when there was nothing to do)",
        worker.concurrency,
        len(jobs),
        args.digest_minutes,
    )
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    signal.signal(signal.SIGINT, lambda *_: worker.stop())
    try:
        worker.run()
    finally:
        scheduler.shutdown(wait=False)
        digest.flush()  # what was done since the last line is not lost at shutdown


if __name__ == "__main__":
    main()
