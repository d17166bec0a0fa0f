"""Bad input to the SMS webhook: a 4xx or a kind reply, never a 500, never a lost message."""

from __future__ import annotations

import threading
import urllib.parse
from collections import Counter

from twilio.request_validator import RequestValidator

from bot.channels import sms_inbound, sms_keywords
from bot.db.models.sms import SmsInbound
from bot.devtools.fake_twilio import DEFAULT_TOKEN
from tests.channels.conftest import PUBLIC_URL, eventually, rows, settled, signed_post, twilio_params


def test_missing_from_is_refused_but_kept(sms_stack, phone):
    params = twilio_params(None, "hi")
    resp = signed_post(sms_stack, params)
    assert resp.status_code == 400
    [row] = rows(sms_stack, SmsInbound, message_sid=params["MessageSid"])
    assert row.status == "rejected" and row.body == "hi"


def test_sender_that_is_not_a_phone_number_is_refused_but_kept(sms_stack):
    for sender in ("not-a-number", "BANK", "12345", "+4477009001234567890"):
        params = twilio_params(sender, "hi")
        assert signed_post(sms_stack, params).status_code == 400, sender
        assert [r.status for r in rows(sms_stack, SmsInbound, message_sid=params["MessageSid"])] == ["rejected"]


def test_missing_message_sid_is_refused(sms_stack, phone):
    params = twilio_params(phone.number, "hi")
    del params["MessageSid"], params["SmsSid"]
    assert signed_post(sms_stack, params).status_code == 400


def test_missing_body_gets_a_kind_reply(sms_stack, phone):
    phone.after = phone.fake.last_seq()
    assert signed_post(sms_stack, twilio_params(phone.number, None)).status_code == 200
    assert [m["body"] for m in phone.wait(1)] == [sms_keywords.UNREADABLE_TEXT]


def test_1600_character_body_gets_an_answer(sms_stack, phone):
    body = ("I need some help with my housing and money and I don't know where to start. " * 25)[:1600]
    phone.after = phone.fake.last_seq()
    assert signed_post(sms_stack, twilio_params(phone.number, body)).status_code == 200
    replies = phone.wait(1)
    assert replies and all("Traceback" not in m["body"] for m in replies)
    assert all(m["num_segments"] <= 3 for m in replies)
    [row] = settled(sms_stack, phone.number, 1)
    assert row.status == "processed" and len(row.body) == 1600


def test_invalid_utf8_gets_a_kind_reply(sms_stack, phone):
    def post(body_bytes: bytes):
        params = twilio_params(phone.number, "x")
        # what the server reads from these bytes is what a sender would have signed
        raw = urllib.parse.urlencode({k: v for k, v in params.items() if k != "Body"}).encode() + b"&Body=" + body_bytes
        parsed = sms_inbound.parse_form(raw)
        signature = RequestValidator(DEFAULT_TOKEN).compute_signature(
            PUBLIC_URL + "/webhooks/sms/webhook", {k: v[0] for k, v in parsed.items()}
        )
        return signed_post(sms_stack, params, raw=raw, signature=signature)

    phone.after = phone.fake.last_seq()
    assert post(b"%FF%FE%C3").status_code == 200
    assert [m["body"] for m in phone.wait(1)] == [sms_keywords.UNREADABLE_TEXT]
    assert post(b"hi%FF\xfe%00").status_code == 200  # the readable part is answered
    assert "Reply 1 for" in "\n".join(m["body"] for m in phone.wait(1))
    assert Counter(r.status for r in settled(sms_stack, phone.number, 2)) == {"unreadable": 1, "processed": 1}


def test_unsigned_invalid_utf8_is_refused(sms_stack, phone):
    raw = urllib.parse.urlencode(twilio_params(phone.number, "x")).encode() + b"&Body=%FF%FE"
    assert signed_post(sms_stack, {}, raw=raw, signature="").status_code == 403


def test_odd_fields_are_survived(sms_stack, phone):
    phone.after = phone.fake.last_seq()
    assert signed_post(sms_stack, twilio_params(phone.number, "hi", NumMedia="lots")).status_code == 200
    assert "Reply 1 for" in "\n".join(m["body"] for m in phone.wait(1))
    huge = b"Body=" + b"a" * (70 * 1024)
    assert signed_post(sms_stack, {}, raw=huge, signature="x").status_code == 413


def test_flood_from_one_number_is_slowed_with_a_calm_reply(sms_stack, phone):
    statuses = []
    lock = threading.Lock()

    def send(i: int):
        code = signed_post(sms_stack, twilio_params(phone.number, f"message number {i}")).status_code
        with lock:
            statuses.append(code)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 30
    # every message kept; those past the limit (15 a minute) held back
    counts = Counter(r.status for r in settled(sms_stack, phone.number, 30, timeout=120))
    assert counts["rate_limited"] >= 15 and counts["rate_limited"] + counts["processed"] == 30
    calm = eventually(
        lambda: [m for m in phone.fake.sent(to=phone.number) if m["body"] == sms_keywords.RATE_LIMITED_TEXT]
    )
    assert 1 <= len(calm) <= 2
    # but danger is never held back
    phone.after = phone.fake.last_seq()
    phone.send("please help me he is going to hurt me")
    assert eventually(
        lambda: any("999" in m["body"] for m in phone.fake.sent(to=phone.number, after=phone.after)), timeout=60
    )
