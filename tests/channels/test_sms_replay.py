"""A message whose process stopped before answering it is answered later, once.

The row is left 'received' exactly as a process killed between recording the
message and answering it leaves it (the webhook stores first, answers after).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.channels import sms_inbound
from bot.db.models import Alert, AlertReason
from bot.db.models.sms import SmsInbound
from bot.db.session import session_scope
from bot.db.types import utcnow
from tests.channels.conftest import eventually, rows

NUMBER = "+447700900556"


def left_unanswered(body: str, number: str, age: timedelta, url: str | None = None, status: str = "received") -> str:
    sid = "SM" + uuid.uuid4().hex
    with session_scope(url) as s:
        s.add(
            SmsInbound(
                message_sid=sid, from_number=number, body=body, num_media=0, status=status, received_at=utcnow() - age
            )
        )
    return sid


def statuses() -> Counter:
    with session_scope() as s:
        return Counter(s.execute(select(SmsInbound.status)).scalars())


def test_only_messages_a_stopped_process_left_are_claimed_once(db_url):
    in_progress = left_unanswered("hello", NUMBER, timedelta(seconds=5))  # still being answered
    dropped = left_unanswered("i need help", NUMBER, timedelta(minutes=5))  # its process stopped
    left_unanswered("hi", NUMBER, timedelta(minutes=5), status="processed")  # answered
    found = sms_inbound.claim_unfinished()
    assert [(m.message_sid, m.from_e164, m.body) for _, m in found.retry] == [(dropped, NUMBER, "i need help")]
    assert found.expired == 0
    # A second process looking at the same time finds nothing more to take.
    assert sms_inbound.claim_unfinished().retry == []
    assert statuses() == Counter({"received": 1, "replaying": 1, "processed": 1})
    assert in_progress


def test_old_unanswered_messages_go_to_a_keyworker_not_back_to_her(db_url):
    left_unanswered("can I book", NUMBER, timedelta(hours=3))
    left_unanswered("he hurt me again", "+447700900557", timedelta(hours=3))
    found = sms_inbound.claim_unfinished()
    assert found.retry == [] and found.expired == 2
    assert statuses() == Counter({"expired": 2})
    with session_scope() as s:
        reasons = {(a.conversation_id, a.reason) for a in s.execute(select(Alert)).scalars()}
    assert reasons == {(NUMBER, AlertReason.BOT_STUCK), ("+447700900557", AlertReason.CRISIS)}


def test_the_running_bot_answers_a_message_left_unanswered(sms_stack, phone):
    sid = left_unanswered("hi", phone.number, timedelta(minutes=3), sms_stack.database_url)
    reply = "\n".join(m["body"] for m in phone.wait(1, timeout=60))
    assert "Reply 1 for" in reply  # the assistant's greeting, with numbered options
    assert eventually(lambda: rows(sms_stack, SmsInbound, message_sid=sid)[0].status == "processed")
    assert phone.nothing_for(5)  # answered once, not on every pass
