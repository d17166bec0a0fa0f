"""The local fake Twilio behaves like Twilio for our client, callbacks and webhooks."""

from __future__ import annotations

import json
import threading
import urllib.parse
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.db.types import utcnow
from bot.devtools.fake_twilio import DEFAULT_SID, FakeTwilio, FakeTwilioClient
from bot.messaging.providers import ProviderError, TwilioProvider

TOKEN = "test-token"
NUMBER = "+447700900321"


class Receiver:
    """A tiny web server standing in for the bot: records requests and checks Twilio's signature."""

    def __init__(self, public_url: str | None = None):
        received = self.received = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                params = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()}
                url = (outer.public_url or outer.url) + self.path
                valid = RequestValidator(TOKEN).validate(url, params, self.headers.get("X-Twilio-Signature", ""))
                received.append({"path": self.path, "params": params, "valid": valid})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.public_url = public_url
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver(public_url="https://sms.elpis.test")
    yield r
    r.close()


@pytest.fixture
def fake(receiver):
    f = FakeTwilio(
        auth_token=TOKEN, rasa_url=receiver.url, public_url="https://sms.elpis.test", callback_delay=0.01
    ).start()
    yield f
    f.stop()


def provider(fake, token=TOKEN):
    return TwilioProvider(DEFAULT_SID, token, "+447700900000", base_url=fake.url)


def wait(predicate, timeout=5.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_send_is_recorded_and_found_again(fake):
    since = utcnow() - timedelta(seconds=1)
    sid = provider(fake).send(NUMBER, "See you on Tuesday at 2pm.")
    [message] = fake.sent(to=NUMBER)
    assert message["sid"] == sid and message["body"] == "See you on Tuesday at 2pm."
    assert message["from"] == "+447700900000" and message["num_segments"] == 1 and message["encoding"] == "GSM-7"
    assert provider(fake).find_sent(NUMBER, "See you on Tuesday at 2pm.", since) == sid
    assert provider(fake).find_sent(NUMBER, "something else", since) is None
    assert provider(fake).find_sent("+447700900999", "See you on Tuesday at 2pm.", since) is None


def test_wrong_credentials_are_refused_and_not_retried(fake):
    with pytest.raises(ProviderError) as err:
        provider(fake, token="wrong").send(NUMBER, "hi")
    assert err.value.retryable is False
    assert fake.sent() == []


def test_injected_failures(fake):
    fake.configure({"fail_next": 1, "errors": {"+447700900666": {"status": 400, "code": 21610}}})
    with pytest.raises(ProviderError) as err:
        provider(fake).send(NUMBER, "hi")
    assert err.value.retryable is True  # a 500 may get better
    assert provider(fake).send(NUMBER, "hi").startswith("SM")
    with pytest.raises(ProviderError) as err:
        provider(fake).send("+447700900666", "hi")
    assert err.value.retryable is False and "21610" in str(err.value)


def test_status_callbacks_are_signed_like_twilio(fake, receiver):
    fake.configure({"outcomes": {"+447700900777": "undelivered"}})
    ok = provider(fake).send(NUMBER, "hi", status_callback="https://sms.elpis.test/webhooks/sms/status")
    bad = provider(fake).send("+447700900777", "hi", status_callback="https://sms.elpis.test/webhooks/sms/status")
    assert wait(lambda: len(receiver.received) == 4)
    by_sid = {}
    for request in receiver.received:
        assert request["valid"], "signed over the public URL with the auth token"
        assert request["path"] == "/webhooks/sms/status"
        by_sid.setdefault(request["params"]["MessageSid"], []).append(request["params"]["MessageStatus"])
    assert by_sid == {ok: ["sent", "delivered"], bad: ["sent", "undelivered"]}
    assert [r["params"].get("ErrorCode") for r in receiver.received if r["params"]["MessageSid"] == bad] == [
        None,
        "30003",
    ]
    assert fake.sent(to=NUMBER)[0]["status"] == "delivered"


def test_inbound_sms_is_signed_and_posted_to_the_webhook(fake, receiver):
    result = fake.send_inbound(NUMBER, "hello there", media=1)
    assert result["status"] == 200
    [request] = receiver.received
    assert request["valid"] and request["path"] == "/webhooks/sms/webhook"
    params = request["params"]
    assert params["From"] == NUMBER and params["Body"] == "hello there" and params["NumMedia"] == "1"
    assert params["MessageSid"] == result["sid"] and params["MediaUrl0"].startswith("https://")
    assert fake.messages(NUMBER)[0]["direction"] == "inbound"


def test_http_controls_and_the_page(fake):
    client = FakeTwilioClient(fake.url)
    provider(fake).send(NUMBER, "one")
    assert [m["body"] for m in client.sent(to=NUMBER)] == ["one"]
    seq = client.last_seq()
    threading.Timer(0.2, lambda: provider(fake).send(NUMBER, "two")).start()
    assert [m["body"] for m in client.wait_for(NUMBER, after=seq, timeout=5)] == ["two"]
    client.configure(outcomes={NUMBER: "failed"})
    assert fake.outcomes[NUMBER] == "failed"
    page = requests.get(fake.url + "/", timeout=5)
    assert page.status_code == 200 and "Text the bot" in page.text and "http" not in page.text.split("<script>")[1]
    client.clear()
    assert client.messages() == []
    assert requests.get(fake.url + "/nope", timeout=5).status_code == 404
    assert json.loads(requests.get(fake.url + "/_fake/health", timeout=5).text) == {"ok": True}
