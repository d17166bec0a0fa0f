"""`python -m bot.worker` killed with SIGKILL mid-batch, then restarted, on PostgreSQL.

Real appointments are booked (their reminders go to the outbox), made due,
and sent by a real worker process through the Twilio client to the local fake
Twilio. The fake holds one message it has already recorded, so the worker is
killed while a send is in flight: the provider has it, the database still says
"sending". After a restart every reminder must have reached the provider
exactly once: none lost, none twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import timedelta

from sqlalchemy import func, select, update

from bot.appointments import booking
from bot.db import migrate
from bot.db.models import OutboxMessage, OutboxStatus
from bot.db.models.appointments import AppointmentKind
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.seed import seed
from tests.conftest import pg_database, use_database
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot, working_day
from tests.support.recording_sms_server import HoldingFakeTwilio
from tests.support.worker_process import start_worker as start_process

WOMEN = 100  # two reminders each


def start_worker(url: str, fake: HoldingFakeTwilio, log) -> subprocess.Popen:
    return start_process(url, fake, log, ELPIS_WORKER_CLAIM_TIMEOUT_S="1", ELPIS_WORKER_CONCURRENCY="4")


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def statuses() -> dict:
    with session_scope() as s:
        return dict(s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def book_reminders(due_in: float = -1.0) -> int:
    with session_scope() as s:
        clear_slots(s)
        for i in range(WOMEN):
            referral = make_referral(s, phone=f"+4477009{i:05d}", name=f"Jo{i}")
            slot = make_slot(s, local(working_day(3 + i // 16), 9 + (i % 16) // 2, 30 * (i % 2)))
            booking.book(s, referral.id, slot.id, AppointmentKind.ASSESSMENT)
        s.execute(
            update(OutboxMessage)
            .values(send_after=utcnow() + timedelta(seconds=due_in))
            .execution_options(synchronize_session=False)
        )
        return s.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()


def test_worker_killed_mid_batch_loses_and_repeats_nothing(monkeypatch, artifacts):
    url = pg_database(f"elpis_kill_{os.getpid()}")
    migrate.upgrade(url)
    use_database(monkeypatch, url)
    seed(url)
    total = book_reminders()
    assert total == 2 * WOMEN

    fake = HoldingFakeTwilio(hold_at=total // 3, delay=0.01).start()
    log = open(artifacts / "logs" / "worker-kill.log", "ab") if (artifacts / "logs").exists() else subprocess.DEVNULL
    try:
        first = start_worker(url, fake, log)
        wait_until(fake.held.is_set, 90, "the held send")
        in_flight = statuses().get(OutboxStatus.SENDING, 0)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        fake.release()
        sent_before = fake.count
        assert 0 < sent_before < total, "the kill must land mid-batch"
        assert in_flight >= 1  # at least the held one: the provider has it, the database says "sending"

        time.sleep(1.5)  # the dead worker's claims go stale (ELPIS_WORKER_CLAIM_TIMEOUT_S=1)
        second = start_worker(url, fake, log)
        try:
            wait_until(lambda: statuses().get(OutboxStatus.SENT, 0) == total, 120, "every reminder sent")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
        copies = fake.copies()
        assert len(copies) == total, "a reminder was lost"
        assert set(copies.values()) == {1}, [k for k, v in copies.items() if v > 1]
        assert statuses() == {OutboxStatus.SENT: total}
    finally:
        fake.release()
        fake.stop()


def test_two_worker_processes_send_each_reminder_once(monkeypatch, artifacts):
    url = pg_database(f"elpis_two_{os.getpid()}")
    migrate.upgrade(url)
    use_database(monkeypatch, url)
    seed(url)
    total = book_reminders(due_in=10)  # due once both workers are up, so both take part
    fake = HoldingFakeTwilio(delay=0.005).start()
    log = open(artifacts / "logs" / "worker-two.log", "ab") if (artifacts / "logs").exists() else subprocess.DEVNULL
    workers = [start_worker(url, fake, log) for _ in range(2)]
    try:
        wait_until(lambda: statuses().get(OutboxStatus.SENT, 0) == total, 120, "every reminder sent")
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
        fake.stop()
    copies = fake.copies()
    assert len(copies) == total and set(copies.values()) == {1}
    with session_scope() as s:
        by_worker = dict(
            s.execute(select(OutboxMessage.claimed_by, func.count()).group_by(OutboxMessage.claimed_by)).all()
        )
    assert len(by_worker) == 2, "both workers should have sent some"
