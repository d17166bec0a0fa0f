"""Parts of the service break; she loses nothing and hears something calm.

Real processes, really broken: the action server SIGKILLed mid-form, the
PostgreSQL server stopped and started mid-conversation, the (local fake)
Twilio answering 500s and timing out. The worker killed mid-send and the same
webhook delivered twice are in test_worker_kill.py and tests/channels;
simultaneous messages from one woman in test_scale_out.py.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.db import migrate
from bot.db.models import Alert, AlertReason, OutboxMessage, OutboxStatus, Referral, Woman
from bot.db.session import run_db, session_scope
from bot.messaging.outbox import enqueue
from bot.ports import free_port
from bot.rasa_components.action_server_down import TEXT as ACTION_SERVER_DOWN
from bot.seed import seed
from bot.stack import Stack
from tests.conftest import REQUIRE_SERVICES, Chat, new_sender, pg_database, use_database
from tests.support.recording_sms_server import HoldingFakeTwilio
from tests.support.worker_process import start_worker as start_process

pytestmark = pytest.mark.slow


def run_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def fault_stack(model_path, tmp_path_factory, artifacts):
    """Rasa and the action server of our own, on PostgreSQL: these tests break them."""
    url = pg_database(f"elpis_faults_{os.getpid()}")
    migrate.upgrade(url)
    seed(url)
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        env={"DATABASE_URL": url, "ELPIS_DEV_INBOX": str(tmp_path_factory.mktemp("faults") / "inbox.jsonl")},
        model=model_path,
        log_dir=artifacts / "logs",
        roles=("actions", "rasa"),
    )
    stack.start()
    stack.database_url = url
    yield stack
    stack.stop()


def referrals_for(stack: Stack, sender: str) -> list[Referral]:
    engine = create_engine(stack.database_url, future=True)
    try:
        with Session(engine) as s:
            return list(s.execute(select(Referral).where(Referral.conversation_id == sender)).scalars())
    finally:
        engine.dispose()


def up_to_the_postcode(chat: Chat) -> None:
    chat.say("hi")
    chat.say("I want to refer myself")
    chat.say("yes")
    assert "postcode" in chat.say_joined("call me Jo")


def postcode_to_the_summary(chat: Chat) -> str:
    assert "mobile" in chat.say_joined("SE15 4QF")
    chat.say("07700 900123")
    chat.say("texts only")
    chat.say("weekdays after 10am")
    summary = chat.say_joined("1 2")
    assert "Name: Jo" in summary and "SE15 4QF (Southwark)" in summary
    return summary


def up_to_the_summary(chat: Chat) -> str:
    up_to_the_postcode(chat)
    return postcode_to_the_summary(chat)


# ---- the action server --------------------------------------------------------------------


def test_action_server_killed_mid_form_she_is_told_calmly_and_carries_on(fault_stack):
    chat = Chat(fault_stack, new_sender())
    up_to_the_postcode(chat)

    fault_stack.kill("actions")
    replies = chat.say("SE15 4QF")
    assert replies.count(ACTION_SERVER_DOWN) == 1, replies  # once, however often Rasa tries again
    assert "answers so far are saved" in ACTION_SERVER_DOWN and "999" in ACTION_SERVER_DOWN
    assert not any("Traceback" in r or "Exception" in r for r in replies)

    fault_stack.restart("actions")
    # She sends her answer again and the form goes on from where she was: her name was kept.
    postcode_to_the_summary(chat)
    reference = re.search(r"ELP-[A-Z0-9]{6}", chat.say_joined("yes")).group(0)
    assert [r.reference for r in referrals_for(fault_stack, chat.sender)] == [reference]


# ---- the database -------------------------------------------------------------------------


def _pg_ctl() -> list[str] | None:
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if not versions or not shutil.which("pg_ctlcluster") or os.geteuid() != 0:
        return None
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]


def pg(command: str) -> None:
    subprocess.run([*_pg_ctl(), command], check=True, capture_output=True, timeout=120)


def test_database_restarted_mid_conversation_loses_no_referral(fault_stack):
    if _pg_ctl() is None:
        if REQUIRE_SERVICES:
            pytest.fail("CI must be able to restart PostgreSQL (root and pg_ctlcluster)")
        pytest.skip("restarting PostgreSQL needs root and pg_ctlcluster (Debian's postgresql-common)")
    chat = Chat(fault_stack, new_sender())
    up_to_the_summary(chat)

    pg("stop")
    answer: dict = {}
    try:
        sending = threading.Thread(target=lambda: answer.setdefault("yes", chat.say_joined("yes")))
        sending.start()
        time.sleep(3)  # she says yes while the database is down...
    finally:
        pg("start")  # ...and it comes back a few seconds later
    sending.join(120)
    assert not sending.is_alive()
    reference = re.search(r"ELP-[A-Z0-9]{6}", answer["yes"])
    assert reference, answer["yes"]
    [referral] = referrals_for(fault_stack, chat.sender)  # one referral, not none, not two
    assert referral.reference == reference.group(0)


def test_run_db_tries_again_only_when_the_connection_is_lost():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))
        return "saved"

    assert asyncio.run(run_db(flaky)) == "saved" and len(calls) == 3

    def wrong():
        raise ValueError("a bug, not a lost connection")

    with pytest.raises(ValueError):
        asyncio.run(run_db(wrong))


# ---- Twilio -------------------------------------------------------------------------------


def start_worker(url: str, fake: HoldingFakeTwilio, log) -> subprocess.Popen:
    return start_process(
        url, fake, log, ELPIS_WORKER_BACKOFF_S="0.3", ELPIS_WORKER_MAX_ATTEMPTS="3", ELPIS_TWILIO_TIMEOUT_S="1"
    )


def reminder(phone: str, body: str) -> int:
    with session_scope() as s:
        woman = Woman(preferred_name="Jo", phone_e164=phone, safe_to_text=True)
        s.add(woman)
        s.flush()
        return enqueue(s, to=phone, body=body, kind="reminder", woman_id=woman.id).id


def outbox_row(row_id: int) -> OutboxMessage:
    with session_scope() as s:
        return s.get(OutboxMessage, row_id)


def test_twilio_500s_and_timeouts_are_retried_then_a_keyworker_is_alerted(monkeypatch, artifacts):
    url = pg_database(f"elpis_twilio_faults_{os.getpid()}")
    migrate.upgrade(url)
    use_database(monkeypatch, url)
    seed(url)
    fake = HoldingFakeTwilio().start()
    log_path = artifacts / "logs" / "worker-twilio-faults.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    worker = start_worker(url, fake, open(log_path, "ab"))
    try:
        # Two 500s, then Twilio is fine: sent on the third try, once.
        fake.configure({"fail_next": 2})
        first = reminder("+447700900701", "Reminder: Tuesday 10:00")
        row = run_until(lambda: (r := outbox_row(first)).status == OutboxStatus.SENT and r, 60, "the retried send")
        assert row.attempts == 3 and row.last_error is None

        # Twilio takes the message but answers too late: the worker cannot know it went.
        # The next try asks Twilio first and does not send it again.
        fake.configure({"slow_next": 1, "slow_s": 2.5})
        second = reminder("+447700900702", "Reminder: Wednesday 11:00")
        row = run_until(lambda: (r := outbox_row(second)).status == OutboxStatus.SENT and r, 60, "the timed-out send")
        assert row.attempts == 2 and row.in_doubt_since is None
        assert fake.copies()[("+447700900702", "Reminder: Wednesday 11:00")] == 1

        # Twilio keeps failing: after the last try the reminder is marked failed and her keyworker alerted.
        fake.configure({"errors": {"+447700900703": {"status": 503, "code": 20503}}})
        third = reminder("+447700900703", "Reminder: Thursday 12:00")
        row = run_until(lambda: (r := outbox_row(third)).status == OutboxStatus.FAILED and r, 60, "giving up")
        assert row.attempts == 3 and "503" in row.last_error
        with session_scope() as s:
            alerts = s.execute(select(Alert.reason, Alert.woman_id)).all()
        assert alerts == [(AlertReason.UNDELIVERED, row.woman_id)]
        assert fake.copies()[("+447700900703", "Reminder: Thursday 12:00")] == 0
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        fake.stop()
    with session_scope() as s:
        assert (
            s.execute(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)
            ).scalar_one()
            == 0
        )
