"""The real Rasa server with the SMS channel loaded, its action server, worker
and the local fake Twilio, started the way `make run` starts dev mode
(Stack(fake_twilio_port=...)), on free ports, once per database backend.

The bot is told its public URL is https://sms.elpis.test (as behind a proxy):
Twilio signs over that URL, and the fake delivers to the local port.
"""

from __future__ import annotations

import os
import time
import urllib.parse
import uuid

import pytest
import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from bot.db import migrate
from bot.db.models.sms import SmsInbound
from bot.devtools.fake_twilio import DEFAULT_SID, DEFAULT_TOKEN, FakeTwilioClient
from bot.ports import free_port
from bot.seed import seed
from bot.stack import Stack
from tests.conftest import pg_database

PUBLIC_URL = "https://sms.elpis.test"


@pytest.fixture(scope="package", params=["sqlite", "postgresql"])
def sms_stack(request, model_path, tmp_path_factory, artifacts):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sms') / 'elpis.db'}"
    else:
        url = pg_database(f"elpis_sms_{os.getpid()}")
    migrate.upgrade(url)
    seed(url)
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        fake_twilio_port=free_port(),
        env={
            "DATABASE_URL": url,
            "ELPIS_PUBLIC_BASE_URL": PUBLIC_URL,
            "ELPIS_DEV_INBOX": str(tmp_path_factory.mktemp("sms-inbox") / "inbox.jsonl"),
            # Look for messages a stopped process left unanswered every 2 s, not every minute.
            "ELPIS_SMS_REPLAY_INTERVAL_S": "2",
        },
        model=model_path,
        log_dir=artifacts / "logs",
    )
    stack.start()
    stack.database_url = url
    stack.fake = FakeTwilioClient(f"http://127.0.0.1:{stack.fake_twilio_port}")
    yield stack
    stack.stop()


class Phone:
    """One woman texting the bot through the fake Twilio."""

    def __init__(self, stack: Stack, number: str | None = None):
        self.stack = stack
        self.fake: FakeTwilioClient = stack.fake
        self.number = number or unique_number(stack)
        self.after = self.fake.last_seq()

    def send(self, text: str, **kwargs) -> dict:
        result = self.fake.send_inbound(self.number, text, **kwargs)
        assert result["status"] == 200, result
        return result

    def text(self, text: str, replies: int = 1, timeout: float = 60.0) -> str:
        """Send `text`; wait for the bot's reply texts and return them joined."""
        self.after = max(self.after, self.fake.last_seq())
        self.send(text)
        return "\n".join(m["body"] for m in self.wait(replies, timeout))

    def wait(self, count: int = 1, timeout: float = 60.0) -> list[dict]:
        found = self.fake.wait_for(self.number, count=count, after=self.after, timeout=timeout)
        assert len(found) >= count, f"expected {count} texts to {self.number}, got {found}"
        time.sleep(0.3)  # let any further part of a split reply land too
        found = self.fake.sent(to=self.number, after=self.after)
        self.after = max(m["seq"] for m in found)
        return found

    def nothing_for(self, seconds: float) -> bool:
        return self.fake.wait_for(self.number, count=1, after=self.after, timeout=seconds) == []


# The fake's own number, the seeded keyworker's phone (staff alerts go there) and the
# page's default number are never handed to a test woman.
_numbers: set[str] = {"+447700900000", "+447700900999", "+447700900123"}


def unique_number(stack: Stack) -> str:
    while True:
        number = "+447700900" + f"{uuid.uuid4().int % 1000:03d}"
        if number not in _numbers:
            _numbers.add(number)
            return number


@pytest.fixture
def phone(sms_stack):
    return Phone(sms_stack)


def webhook(stack: Stack, path: str = "/webhooks/sms/webhook") -> str:
    return f"{stack.rasa_url}{path}"


def signed_post(
    stack: Stack,
    params: dict,
    *,
    path: str = "/webhooks/sms/webhook",
    token: str = DEFAULT_TOKEN,
    sign_url: str | None = None,
    raw: bytes | None = None,
    signature: str | None = None,
    timeout: float = 30,
) -> requests.Response:
    """POST a form to the bot as Twilio would (signed over the public URL), or not quite."""
    url = (sign_url or PUBLIC_URL) + path
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is None and token:
        signature = RequestValidator(token).compute_signature(url, params)
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    data = raw if raw is not None else urllib.parse.urlencode(params).encode()
    return requests.post(webhook(stack, path), data=data, headers=headers, timeout=timeout)


def twilio_params(number: str, body: str | None, sid: str | None = None, **extra) -> dict:
    sid = sid or "SM" + uuid.uuid4().hex
    params = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": DEFAULT_SID,
        "From": number,
        "To": "+447700900000",
        "NumMedia": "0",
        "ApiVersion": "2010-04-01",
    }
    if body is not None:
        params["Body"] = body
    params.update(extra)
    return {k: v for k, v in params.items() if v is not None}


def rows(stack: Stack, model, **where) -> list:
    engine = create_engine(stack.database_url, future=True)
    try:
        with Session(engine) as session:
            query = select(model)
            for key, value in where.items():
                query = query.where(getattr(model, key) == value)
            return list(session.execute(query).scalars())
    finally:
        engine.dispose()


def eventually(fn, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def settled(stack: Stack, number: str, count: int, timeout: float = 60.0) -> list:
    """Her inbound rows once `count` exist and none is still being handled."""

    def done():
        found = rows(stack, SmsInbound, from_number=number)
        return found if len(found) == count and all(r.status != "received" for r in found) else None

    result = eventually(done, timeout)
    assert result, f"inbound messages from {number} did not settle: {rows(stack, SmsInbound, from_number=number)}"
    return result
