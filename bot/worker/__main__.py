"""`python -m bot.worker`: deliver the outbox and run periodic jobs until stopped.

SIGTERM/Ctrl-C finish the message in hand, then stop: nothing is left in doubt.
"""
from __future__ import annotations

import argparse
import logging
import signal

from apscheduler.schedulers.background import BackgroundScheduler

from bot.worker.jobs import JOBS
from bot.worker.loop import Worker


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.worker")
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--no-jobs", action="store_true", help="deliver only (e.g. extra workers)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    worker = Worker(concurrency=args.concurrency)
    scheduler = BackgroundScheduler(timezone="UTC")
    if not args.no_jobs:
        for name, seconds, fn in JOBS:
            scheduler.add_job(fn, "interval", seconds=seconds, id=name, max_instances=1, coalesce=True)
    scheduler.start()
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    signal.signal(signal.SIGINT, lambda *_: worker.stop())
    try:
        worker.run()
    finally:
        scheduler.shutdown(wait=False)


if __name__ == "__main__":
    main()
