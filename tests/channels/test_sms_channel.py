"""The SMS channel against the real Rasa server, action server, worker and the fake Twilio."""

from __future__ import annotations

import re
import threading
import urllib.parse
import uuid
from datetime import timedelta

import requests
from twilio.request_validator import RequestValidator

from bot.channels import sms_keywords
from bot.db.models import Alert, AlertReason, Consent, Conversation, OutboxMessage, OutboxStatus, Referral, Woman
from bot.db.models.sms import SmsDeliveryEvent, SmsInbound, SmsOptOut
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.devtools.fake_twilio import DEFAULT_TOKEN
from bot.messaging.outbox import enqueue
from tests.channels.conftest import PUBLIC_URL, eventually, rows, signed_post, twilio_params, unique_number

CRISIS_NUMBERS = ("999", "55", "0808 2000 247", "116 123")


# ---- the signature check ------------------------------------------------------------


def test_unsigned_request_is_refused_and_nothing_happens(sms_stack, phone):
    params = twilio_params(phone.number, "hi")
    resp = requests.post(f"{sms_stack.rasa_url}/webhooks/sms/webhook", data=params, timeout=30)
    assert resp.status_code == 403
    assert signed_post(sms_stack, params, signature="").status_code == 403
    assert phone.nothing_for(2)
    assert rows(sms_stack, SmsInbound, message_sid=params["MessageSid"]) == []


def test_wrongly_signed_requests_are_refused(sms_stack, phone):
    params = twilio_params(phone.number, "hi")
    assert signed_post(sms_stack, params, token="not-the-token").status_code == 403
    # signed over the local address, not the public URL Twilio calls
    assert signed_post(sms_stack, params, sign_url=sms_stack.rasa_url).status_code == 403
    # a correctly signed request whose body was changed on the way
    signature = RequestValidator(DEFAULT_TOKEN).compute_signature(PUBLIC_URL + "/webhooks/sms/webhook", params)
    changed = urllib.parse.urlencode({**params, "Body": "STOP"}).encode()
    assert signed_post(sms_stack, params, raw=changed, signature=signature).status_code == 403
    assert signed_post(sms_stack, params, signature="!!not base64!!").status_code == 403
    assert phone.nothing_for(2)
    assert rows(sms_stack, SmsInbound, message_sid=params["MessageSid"]) == []
    assert rows(sms_stack, SmsOptOut, phone_e164=phone.number) == []


def test_replayed_message_is_answered_once(sms_stack, phone):
    sid = "SM" + uuid.uuid4().hex
    first = phone.fake.send_inbound(phone.number, "hi", sid=sid)
    again = phone.fake.send_inbound(phone.number, "hi", sid=sid)  # Twilio retrying, or a replay
    assert first["status"] == again["status"] == 200
    assert "Reply 1 for" in "\n".join(m["body"] for m in phone.wait(1))
    assert phone.nothing_for(3)
    assert len(rows(sms_stack, SmsInbound, message_sid=sid)) == 1


def test_duplicates_arriving_at_once_are_answered_once(sms_stack, phone):
    params = twilio_params(phone.number, "hello")
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(signed_post(sms_stack, params).status_code)) for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 5
    phone.wait(1)
    assert phone.nothing_for(3)
    assert len(rows(sms_stack, SmsInbound, message_sid=params["MessageSid"])) == 1


def test_webhook_answers_twilio_at_once_with_empty_twiml(sms_stack, phone):
    resp = signed_post(sms_stack, twilio_params(phone.number, "hi"))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/xml")
    assert resp.text == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    phone.wait(1)


# ---- a whole conversation ---------------------------------------------------------------


def test_self_referral_over_sms_with_numbered_replies(sms_stack, phone):
    menu = phone.text("hi")
    assert "Reply 1 for Get support" in menu and "/self_refer" not in menu
    consent = phone.text("1")
    assert (
        "Are you happy to go on, and are you 18 or over?\n"
        "Reply 1 for Yes to both, 2 for I'm under 18, or 3 for No thanks."
    ) in consent
    assert "call you" in phone.text("one")  # consent and age: "one" picks option 1
    assert "postcode" in phone.text("Jo")
    assert "mobile" in phone.text("SE15 4QF")
    reply = phone.text(phone.number.replace("+44", "0"))
    assert "Reply 1 for Texts and calls, 2 for Texts only, 3 for Calls only, or 4 for Neither is safe." in reply
    assert "safe time" in phone.text("2.")
    assert "police" in phone.text("after 6pm")
    assert "help with" in phone.text("Myself")  # the option's title works as well as its number
    summary = phone.text("1 2")  # the needs list has no buttons: "1 2" is her answer, not an option
    assert "Name: Jo" in summary and "housing, money or debt" in summary
    done = phone.text("yes")
    reference = re.search(r"ELP-[A-Z0-9]{6}", done).group(0)
    for message in phone.fake.sent(to=phone.number):
        assert "(/" not in message["body"]  # no payloads shown, unlike Rasa's own channel
        assert not re.search(r"\b(STOP|CANCEL|END|QUIT|UNSUBSCRIBE|STOPALL|REVOKE|OPTOUT)\b", message["body"])

    [referral] = rows(sms_stack, Referral, conversation_id=phone.number)
    assert referral.reference == reference and referral.pathway.value == "self"
    [woman] = rows(sms_stack, Woman, id=referral.woman_id)
    assert woman.phone_e164 == phone.number and (woman.safe_to_text, woman.safe_to_call) == (True, False)
    assert [c.channel for c in rows(sms_stack, Consent, woman_id=woman.id)] == ["sms"]
    [convo] = rows(sms_stack, Conversation, sender_id=phone.number)
    assert (convo.channel, convo.woman_id) == ("sms", woman.id)
    assert {m.status for m in rows(sms_stack, SmsInbound, from_number=phone.number)} == {"processed"}
    # her words are kept beside the payload they picked
    tracker = requests.get(f"{sms_stack.rasa_url}/conversations/{phone.number}/tracker", timeout=30).json()
    users = [e for e in tracker["events"] if e["event"] == "user"]
    picked = [e for e in users if (e.get("metadata") or {}).get("sms", {}).get("original_text") == "one"]
    assert picked and picked[0]["text"] == "/affirm"


def test_crisis_words_over_sms_get_the_numbers(sms_stack, phone):
    reply = phone.text("he is outside and says he will kill me")
    for number in CRISIS_NUMBERS:
        assert number in reply
    assert eventually(lambda: rows(sms_stack, Alert, conversation_id=phone.number))[0].reason == AlertReason.CRISIS


def test_known_number_links_the_conversation_to_her_record(sms_stack, phone):
    with session_scope(sms_stack.database_url) as s:
        woman = Woman(phone_e164=phone.number, safe_to_text=True)
        s.add(woman)
        s.flush()
        woman_id = woman.id
    phone.text("hi")
    [convo] = rows(sms_stack, Conversation, sender_id=phone.number)
    assert convo.woman_id == woman_id and convo.channel == "sms"


# ---- keywords -----------------------------------------------------------------------------


def test_help_gets_help_text_and_does_not_reach_the_assistant(sms_stack, phone):
    reply = phone.text("HELP")
    assert reply == sms_keywords.HELP_TEXT
    for number in ("999", "55", "0808 2000 247", "116 123"):
        assert number in reply
    tracker = requests.get(f"{sms_stack.rasa_url}/conversations/{phone.number}/tracker", timeout=30).json()
    assert not [e for e in tracker["events"] if e["event"] == "user"]


def test_opt_out_then_no_reminder_is_sent_until_start(sms_stack, phone):
    url = sms_stack.database_url
    with session_scope(url) as s:
        woman = Woman(phone_e164=phone.number, safe_to_text=True)
        s.add(woman)
        s.flush()
        woman_id = woman.id
        # queued before she opts out, due in a few seconds
        queued = enqueue(
            s,
            to=phone.number,
            body="Reminder: Tuesday 2pm",
            kind="reminder",
            woman_id=woman_id,
            dedupe_key=f"test-reminder:{woman_id}",
            send_after=utcnow() + timedelta(seconds=3),
        ).id
    phone.send("STOP")
    assert eventually(lambda: rows(sms_stack, SmsOptOut, phone_e164=phone.number))
    with session_scope(url) as s:
        assert s.get(OutboxMessage, queued).status == OutboxStatus.CANCELLED
        assert s.get(Woman, woman_id).sms_opted_out is True
        assert enqueue(s, to=phone.number, body="Reminder: Friday", kind="reminder", woman_id=woman_id) is None
        assert enqueue(s, to=phone.number, body="Alert", kind="alert") is None
    phone.send("hi")  # she may still write; we may not answer
    assert phone.nothing_for(6)  # past the reminder's due time and several worker polls
    assert phone.fake.sent(to=phone.number) == []
    assert eventually(
        lambda: {m.status for m in rows(sms_stack, SmsInbound, from_number=phone.number)} == {"keyword", "opted_out"}
    )

    assert phone.text("START") == sms_keywords.OPT_IN_TEXT
    with session_scope(url) as s:
        assert s.get(Woman, woman_id).sms_opted_out is False
    assert "Reply 1 for" in phone.text("hi")


# ---- delivery reports ------------------------------------------------------------------------


def _reminder(stack, number: str, sid: str) -> tuple[int, int]:
    with session_scope(stack.database_url) as s:
        woman = Woman(phone_e164=number, safe_to_text=True)
        s.add(woman)
        s.flush()
        row = enqueue(
            s, to=number, body="Reminder", kind="reminder", woman_id=woman.id, send_after=utcnow() + timedelta(days=1)
        )
        row.status, row.provider_id = OutboxStatus.SENT, sid  # as if sent already
        return woman.id, row.id


def test_status_callbacks_are_checked_stored_and_alert_on_undelivered_reminder(sms_stack, phone):
    sid = "SM" + uuid.uuid4().hex
    woman_id, row_id = _reminder(sms_stack, phone.number, sid)
    path = "/webhooks/sms/status"
    report = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": "sent", "AccountSid": "AC" + "0" * 32}
    assert requests.post(sms_stack.rasa_url + path, data=report, timeout=30).status_code == 403
    assert signed_post(sms_stack, report, path=path, token="wrong").status_code == 403
    assert rows(sms_stack, SmsDeliveryEvent, message_sid=sid) == []

    assert signed_post(sms_stack, report, path=path).status_code == 200
    undelivered = {**report, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert signed_post(sms_stack, undelivered, path=path).status_code == 200
    assert signed_post(sms_stack, undelivered, path=path).status_code == 200  # Twilio may repeat itself
    assert signed_post(sms_stack, {**report, "MessageStatus": "sent"}, path=path).status_code == 200  # late
    [row] = rows(sms_stack, OutboxMessage, id=row_id)
    assert (row.status, row.delivery_status) == (OutboxStatus.UNDELIVERED, "undelivered")
    assert sorted(e.status for e in rows(sms_stack, SmsDeliveryEvent, message_sid=sid)) == ["sent", "undelivered"]
    [alert] = rows(sms_stack, Alert, woman_id=woman_id)
    assert alert.reason == AlertReason.UNDELIVERED and phone.number not in alert.summary
    assert signed_post(sms_stack, {"MessageSid": sid}, path=path).status_code == 400


def test_reply_delivery_is_tracked_end_to_end(sms_stack, phone):
    phone.text("hi")
    # The greeting may go as two texts: follow the first.
    row = min(
        eventually(
            lambda: [
                r for r in rows(sms_stack, OutboxMessage, to_address=phone.number) if r.delivery_status == "delivered"
            ]
        ),
        key=lambda r: r.id,
    )
    assert row.status == OutboxStatus.DELIVERED and row.kind == "reply"
    # Both callbacks are recorded; like Twilio's, they may arrive in either order.
    assert sorted(e.status for e in rows(sms_stack, SmsDeliveryEvent, message_sid=row.provider_id)) == [
        "delivered",
        "sent",
    ]


def test_reminder_the_network_cannot_deliver_reaches_her_keyworker(sms_stack, phone):
    phone.fake.configure(outcomes={phone.number: "undelivered"})
    with session_scope(sms_stack.database_url) as s:
        woman = Woman(phone_e164=phone.number, safe_to_text=True)
        s.add(woman)
        s.flush()
        woman_id = woman.id
        enqueue(s, to=phone.number, body="Reminder: Tuesday 2pm", kind="reminder", woman_id=woman_id)
    phone.wait(1)  # the worker sent it through the fake, which reports it undelivered
    [alert] = eventually(lambda: rows(sms_stack, Alert, woman_id=woman_id))
    assert alert.reason == AlertReason.UNDELIVERED
    [row] = rows(sms_stack, OutboxMessage, woman_id=woman_id)
    assert row.status == OutboxStatus.UNDELIVERED


# ---- media -----------------------------------------------------------------------------------


def test_picture_only_gets_a_polite_text_answer(sms_stack, phone):
    phone.after = phone.fake.last_seq()
    phone.send("", media=1)
    [reply] = phone.wait(1)
    assert reply["body"] == sms_keywords.MEDIA_TEXT
    [inbound] = rows(sms_stack, SmsInbound, from_number=phone.number)
    assert (inbound.status, inbound.num_media) == ("media", 1)


def test_picture_with_words_answers_the_words_too(sms_stack, phone):
    phone.after = phone.fake.last_seq()
    phone.send("hi", media=1)
    reply = "\n".join(m["body"] for m in phone.wait(1))
    assert reply.startswith(sms_keywords.MEDIA_TEXT) and "Reply 1 for" in reply


def test_channel_health(sms_stack):
    assert requests.get(f"{sms_stack.rasa_url}/webhooks/sms/", timeout=10).json() == {"status": "ok"}


def test_dev_console_texts_the_bot_through_the_fake(sms_stack):
    from bot.devtools.sms_console import Console

    console = Console(f"http://127.0.0.1:{sms_stack.fake_twilio_port}", unique_number(sms_stack), quiet=0.5)
    replies = console.say("hi")
    assert "Reply 1 for Get support" in "\n".join(replies)
    page = requests.get(f"http://127.0.0.1:{sms_stack.fake_twilio_port}/", timeout=10)
    assert page.status_code == 200 and "Text the bot" in page.text
