"""The SMS channel's database work on SQLite and PostgreSQL: dedupe, keywords,
opt-outs, the flood limit, numbered options and delivery reports."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.channels import sms_inbound, sms_keywords, sms_send, sms_status
from bot.channels.sms_inbound import InboundSms, commit_turn, receive, resolve_reply
from bot.channels.sms_options import options_from_buttons
from bot.db.models import Alert, AlertReason, Conversation, OutboxMessage, OutboxStatus, Woman
from bot.db.models.sms import SmsDeliveryEvent, SmsInbound, SmsOptOut
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.messaging.delivery import claim_next
from bot.messaging.outbox import enqueue
from bot.messaging.sms_rules import measure
from bot.settings import get_settings

NUMBER = "+447700900555"
_sid = iter(range(1, 10_000))


def sms(body: str, number: str | None = NUMBER, media: int = 0, sid: str | None = None) -> InboundSms:
    sid = sid or f"SM{next(_sid):032d}"
    return InboundSms(sid, number or "", sms_inbound.sender_e164(number), sms_inbound.clean_body(body), media)


def add_woman(phone: str = NUMBER, safe: bool | None = True) -> int:
    with session_scope() as s:
        w = Woman(phone_e164=phone, safe_to_text=safe)
        s.add(w)
        s.flush()
        return w.id


def outbox(to: str = NUMBER) -> list[OutboxMessage]:
    with session_scope() as s:
        return list(
            s.execute(select(OutboxMessage).where(OutboxMessage.to_address == to).order_by(OutboxMessage.id)).scalars()
        )


def inbound_statuses() -> Counter:
    with session_scope() as s:
        return Counter(s.execute(select(SmsInbound.status)).scalars())


def test_same_message_sid_is_handled_once(db_url):
    message = sms("hello")
    first, again = receive(message), receive(message)
    assert first.action == "converse" and again.action == "duplicate"
    assert inbound_statuses() == Counter({"received": 1})


def test_concurrent_copies_of_one_message_make_one_row(db_url):
    message = sms("hello")
    results = []
    threads = [threading.Thread(target=lambda: results.append(receive(message).action)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["converse"] + ["duplicate"] * 5
    assert inbound_statuses() == Counter({"received": 1})


def test_conversation_is_linked_to_her_record_by_number(db_url):
    woman_id = add_woman()
    decision = receive(sms("hi"))
    assert decision.woman_id == woman_id
    with session_scope() as s:
        convo = s.execute(select(Conversation).where(Conversation.sender_id == NUMBER)).scalar_one()
        assert (convo.channel, convo.woman_id) == ("sms", woman_id)


def test_stop_opts_out_the_number_cancels_queued_texts_and_blocks_new_ones(db_url):
    woman_id = add_woman()
    with session_scope() as s:
        queued = enqueue(
            s,
            to=NUMBER,
            body="Reminder: Tuesday 2pm",
            kind="reminder",
            woman_id=woman_id,
            send_after=utcnow() + timedelta(hours=1),
        ).id
    decision = receive(sms("Stop"))
    assert decision.action == "opt_out" and decision.reply_ids == []  # nothing at all is sent back
    with session_scope() as s:
        assert s.get(OutboxMessage, queued).status == OutboxStatus.CANCELLED
        assert s.get(Woman, woman_id).sms_opted_out is True
        assert s.get(SmsOptOut, NUMBER).keyword == "STOP"
        # reminders, alerts and replies alike: nothing to this number
        assert enqueue(s, to=NUMBER, body="x", kind="reminder", woman_id=woman_id) is None
        assert enqueue(s, to=NUMBER, body="x", kind="alert") is None
        assert enqueue(s, to=NUMBER, body="x", kind="reply", conversational=True) is None
        assert enqueue(s, to="+447700900556", body="x", kind="notice") is not None  # other numbers unaffected
    assert receive(sms("hi")).action == "opted_out"
    assert receive(sms("HELP")).action == "opted_out"
    assert [m.status for m in outbox()] == [OutboxStatus.CANCELLED]


def test_a_number_nobody_knows_can_opt_out_too(db_url):
    receive(sms("UNSUBSCRIBE", number="+447700900557"))
    with session_scope() as s:
        assert enqueue(s, to="+447700900557", body="x", kind="notice") is None


def test_start_opts_back_in_with_a_short_reply(db_url):
    woman_id = add_woman()
    receive(sms("STOP"))
    decision = receive(sms("start"))
    assert decision.action == "opt_in"
    [reply] = outbox()
    assert reply.body == sms_keywords.OPT_IN_TEXT and reply.kind == "reply"
    with session_scope() as s:
        assert s.get(Woman, woman_id).sms_opted_out is False
        assert s.get(SmsOptOut, NUMBER).opted_in_at is not None
        assert enqueue(s, to=NUMBER, body="x", kind="reminder", woman_id=woman_id) is not None


def test_crisis_words_from_an_opted_out_number_still_reach_a_person(db_url):
    receive(sms("STOP"))
    assert receive(sms("he says he will kill me")).action == "opted_out"
    with session_scope() as s:
        [alert] = s.execute(select(Alert)).scalars().all()
        assert alert.reason == AlertReason.CRISIS and alert.conversation_id == NUMBER
        assert "kill" not in alert.summary
    assert outbox() == []


def test_help_gets_the_help_text_even_if_texts_are_not_safe_on_her_record(db_url):
    add_woman(safe=False)  # she is texting us herself: answering her is expected
    decision = receive(sms("HELP"))
    assert decision.action == "help"
    assert [m.body for m in outbox()] == [sms_keywords.HELP_TEXT]


def test_flood_from_one_number_is_slowed_with_one_calm_reply(db_url, monkeypatch):
    monkeypatch.setenv("ELPIS_SMS_RATE_LIMIT", "3")
    get_settings.cache_clear()
    actions = [receive(sms(f"message {i}")).action for i in range(8)]
    assert actions == ["converse"] * 3 + ["rate_limited"] * 5
    calm = [m for m in outbox() if m.body == sms_keywords.RATE_LIMITED_TEXT]
    assert 1 <= len(calm) <= 2  # one per window (two only if the flood straddles a window edge)
    # a crisis message is never held back
    assert receive(sms("I want to end it all")).action == "converse"
    assert receive(sms("hello", number="+447700900558")).action == "converse"  # per number
    assert sum(inbound_statuses().values()) == 10  # every message kept


def test_media_and_unreadable_messages_get_a_kind_text(db_url):
    assert receive(sms("", media=2)).action == "media"
    assert receive(sms("\ufffd\ufffd\x00")).action == "unreadable"
    assert receive(sms("hi", media=1)).media_note is True
    assert [m.body for m in outbox()] == [sms_keywords.MEDIA_TEXT, sms_keywords.UNREADABLE_TEXT]


def test_a_sender_that_is_not_a_phone_number_is_kept_but_rejected(db_url):
    assert receive(sms("hi", number="BANK")).action == "rejected"
    assert receive(sms("hi", number="")).action == "rejected"
    assert inbound_statuses() == Counter({"rejected": 2})
    assert outbox("BANK") == []


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("+447700900123", "+447700900123"),
        ("07700 900123", "+447700900123"),
        ("+14155552671", "+14155552671"),
        ("BANK", None),
        ("12345", None),
        ("", None),
        ("whatsapp:+447700900123", None),
        ("+44" + "1" * 30, None),
        ("+4477009001234567890", None),
        ("+447700900", None),
    ],
)
def test_sender_e164(raw, expected):
    assert sms_inbound.sender_e164(raw) == expected


def test_numbered_options_are_remembered_per_conversation(db_url):
    decision = receive(sms("hi"))
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    ids = commit_turn(
        decision.inbound_id,
        NUMBER,
        None,
        ["Are you 18 or over?\nReply 1 for Yes, or 2 for No."],
        options_from_buttons(buttons),
        "sms:t1",
    )
    assert len(ids) == 1
    assert resolve_reply(NUMBER, "1") == ("/affirm", "1")
    assert resolve_reply(NUMBER, "nope") == ("/deny", "nope")
    assert resolve_reply(NUMBER, "34") == ("34", None)
    assert resolve_reply("+447700900559", "1") == ("1", None)  # another conversation has no options
    # a turn without buttons makes the numbers meaningless
    commit_turn(receive(sms("yes")).inbound_id, NUMBER, None, ["What would you like us to call you?"], [], "sms:t2")
    assert resolve_reply(NUMBER, "1") == ("1", None)
    assert inbound_statuses() == Counter({"processed": 2})


def test_options_expire(db_url, monkeypatch):
    commit_turn(
        receive(sms("hi")).inbound_id,
        NUMBER,
        None,
        ["Pick"],
        options_from_buttons([{"title": "A", "payload": "/a"}]),
        "sms:t3",
    )
    monkeypatch.setenv("ELPIS_SMS_OPTIONS_TTL_S", "0")
    get_settings.cache_clear()
    assert resolve_reply(NUMBER, "1") == ("1", None)


def test_options_are_not_mapped_while_a_keyworker_has_the_conversation(db_url):
    commit_turn(
        receive(sms("hi")).inbound_id,
        NUMBER,
        None,
        ["Pick"],
        options_from_buttons([{"title": "A", "payload": "/a"}]),
        "sms:t4",
    )
    with session_scope() as s:
        s.execute(select(Conversation).where(Conversation.sender_id == NUMBER)).scalar_one().paused = True
    assert resolve_reply(NUMBER, "1") == ("1", None)


def test_long_reply_is_queued_as_parts_within_the_budget(db_url):
    decision = receive(sms("hi"))
    long_text = "\n".join(
        f"Service {i}: open Monday to Friday, 9am to 5pm, call 020 7946 00{i:02d}." for i in range(12)
    )
    ids = commit_turn(decision.inbound_id, NUMBER, None, [long_text], [], "sms:t5")
    rows = outbox()
    assert len(ids) == len(rows) > 1
    assert all(measure(r.body).segments <= get_settings().sms_max_segments for r in rows)
    assert [r.send_after for r in rows] == sorted(r.send_after for r in rows)  # in order
    # the same turn committed again (a retry) queues nothing new
    commit_turn(decision.inbound_id, NUMBER, None, [long_text], [], "sms:t5")
    assert len(outbox()) == len(rows)


class Recording:
    name = "recording"

    def __init__(self):
        self.sent = []
        self.lock = threading.Lock()

    def send(self, to, body, status_callback=None):
        with self.lock:
            self.sent.append((to, body, status_callback))
            return f"SM{len(self.sent):032d}"

    def find_sent(self, to, body, since):
        return None


def test_send_now_and_the_worker_never_both_send_a_reply(db_url):
    provider = Recording()
    with session_scope() as s:
        ids = [enqueue(s, to=NUMBER, body=f"part {i}", kind="reply").id for i in range(20)]
    stolen = []

    def worker():
        while (claimed := claim_next("worker-1")) is not None:
            stolen.append(claimed.id)

    t = threading.Thread(target=worker)
    t.start()
    sent = sms_send.send_now(ids, provider=provider)
    t.join()
    assert sent == len(provider.sent) and sent + len(stolen) == 20
    assert len({body for _, body, _ in provider.sent} | {f"part {ids.index(i)}" for i in stolen}) == 20
    assert all(cb.endswith("/webhooks/sms/status") for _, _, cb in provider.sent)


def _sent_reminder(woman_id: int, sid: str) -> int:
    with session_scope() as s:
        row = enqueue(s, to=NUMBER, body="Reminder", kind="reminder", woman_id=woman_id)
        row.status, row.provider_id, row.sent_at = OutboxStatus.SENT, sid, utcnow()
        return row.id


def test_status_reports_are_stored_once_and_never_go_backwards(db_url):
    row_id = _sent_reminder(add_woman(), "SM" + "a" * 32)
    sid = "SM" + "a" * 32
    assert sms_status.record_status(sid, "sent", None) == "applied"
    assert sms_status.record_status(sid, "delivered", None) == "applied"
    assert sms_status.record_status(sid, "delivered", None) == "duplicate"
    assert sms_status.record_status(sid, "sent", None) == "duplicate"
    assert sms_status.record_status(sid, "queued", None) == "applied"  # late and older: stored, not applied
    assert sms_status.record_status(sid, "bogus", None) == "ignored"
    with session_scope() as s:
        row = s.get(OutboxMessage, row_id)
        assert (row.delivery_status, row.status) == ("delivered", OutboxStatus.DELIVERED)
        assert len(s.execute(select(SmsDeliveryEvent)).scalars().all()) == 3
        assert s.execute(select(Alert)).scalars().all() == []


def test_undelivered_reminder_alerts_her_keyworker_once(db_url):
    woman_id = add_woman()
    row_id = _sent_reminder(woman_id, "SM" + "b" * 32)
    sid = "SM" + "b" * 32
    assert sms_status.record_status(sid, "undelivered", "30003") == "applied"
    assert sms_status.record_status(sid, "undelivered", "30003") == "duplicate"
    assert sms_status.record_status(sid, "failed", "30008") == "applied"
    with session_scope() as s:
        row = s.get(OutboxMessage, row_id)
        assert (row.delivery_status, row.status) == ("undelivered", OutboxStatus.UNDELIVERED)
        assert "30003" in row.last_error
        [alert] = s.execute(select(Alert)).scalars().all()
        assert (alert.reason, alert.woman_id) == (AlertReason.UNDELIVERED, woman_id)


def test_undelivered_reply_raises_no_alert(db_url):
    with session_scope() as s:
        row = enqueue(s, to=NUMBER, body="Hi", kind="reply")
        row.status, row.provider_id = OutboxStatus.SENT, "SM" + "c" * 32
    sms_status.record_status("SM" + "c" * 32, "undelivered", "30003")
    with session_scope() as s:
        assert s.execute(select(Alert)).scalars().all() == []


def test_a_report_that_beats_the_sender_is_applied_later(db_url):
    woman_id = add_woman()
    sid = "SM" + "d" * 32
    assert sms_status.record_status(sid, "undelivered", "30003") == "unmatched"
    assert sms_status.apply_unlinked(sid) == 0
    row_id = _sent_reminder(woman_id, sid)
    assert sms_status.apply_unlinked(sid) == 1
    with session_scope() as s:
        assert s.get(OutboxMessage, row_id).status == OutboxStatus.UNDELIVERED
        assert len(s.execute(select(Alert)).scalars().all()) == 1


def test_the_worker_applies_reports_the_webhook_process_never_did(db_url):
    # The report came in, then the process that took it stopped before its retries.
    woman_id = add_woman()
    sid = "SM" + "e" * 32
    assert sms_status.record_status(sid, "sent", None) == "unmatched"
    assert sms_status.record_status(sid, "undelivered", "30005") == "unmatched"
    assert sms_status.link_late_reports() == 0  # nothing to link to yet
    row_id = _sent_reminder(woman_id, sid)
    assert sms_status.link_late_reports() == 2
    assert sms_status.link_late_reports() == 0  # each report applied once
    with session_scope() as s:
        row = s.get(OutboxMessage, row_id)
        assert (row.status, row.delivery_status) == (OutboxStatus.UNDELIVERED, "undelivered")
        assert [a.reason for a in s.execute(select(Alert)).scalars()] == [AlertReason.UNDELIVERED]
    from bot.worker.jobs import JOBS

    assert "sms_late_delivery_reports" in {name for name, _, _ in JOBS}
