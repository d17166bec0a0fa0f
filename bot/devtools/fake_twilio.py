"""A local fake of Twilio's Messages API, for tests, benchmarks and dev mode.

Usage (in a test, in-process):

    from bot.devtools.fake_twilio import FakeTwilio
    fake = FakeTwilio(auth_token="tok", account_sid="AC" + "0" * 32).start()
    provider = TwilioProvider("AC" + "0" * 32, "tok", "+447700900000", base_url=fake.url)
    provider.send("+447700900123", "hello")          # recorded by the fake
    fake.sent(to="+447700900123")                      # -> [{"sid": "SM...", "body": "hello", ...}]
    fake.wait_for(to="+447700900123", count=1)         # block until it has arrived
    fake.stop()

or as a process: `python -m bot.devtools.fake_twilio --port 5099 --auth-token tok
--rasa-url http://127.0.0.1:5005` (TWILIO_* environment variables are the defaults),
then point the TwilioProvider at it with TWILIO_BASE_URL=http://127.0.0.1:5099.

What it does, like Twilio:
- POST /2010-04-01/Accounts/{sid}/Messages.json records a message (Basic auth
  checked when an auth token is set) and returns the message resource; with a
  StatusCallback it later POSTs signed `sent` then `delivered` reports (or
  `undelivered`/`failed` for numbers set up that way).
- GET .../Messages.json?To=...&DateSent>=... lists messages (so
  `TwilioProvider.find_sent` works), GET .../Messages/{sid}.json fetches one.
Test and dev controls under /_fake/:
- GET /_fake/messages[?number=&after=] every message in and out (with `seq`),
  GET /_fake/wait?to=...&after=SEQ&count=1&timeout=10 blocks until outbound
  messages arrive, DELETE /_fake/messages clears.
- POST /_fake/config {"outcomes": {"+44...": "undelivered"}, "errors": {"+44...":
  {"status": 400, "code": 21610}}, "fail_next": 2, "callbacks": true}; "slow_next": 1
  with "slow_s": 3 accepts the next message but answers only after 3 s (a
  timeout at the sender: the message went, the sender cannot know).
- POST /_fake/inbound {"from": "+447700900123", "body": "hi", "media": 0} sends
  a signed inbound SMS to the bot's webhook, as Twilio would.
- GET / is a small "text the bot" page built on those two.
"""

from __future__ import annotations

import argparse
import base64
import heapq
import itertools
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from twilio.request_validator import RequestValidator

logger = logging.getLogger(__name__)

API_PREFIX = "/2010-04-01/Accounts/"
DEFAULT_SID = "AC" + "0" * 32
DEFAULT_TOKEN = "dev-fake-twilio-token"
DEFAULT_FROM = "+447700900000"
WEBHOOK_PATH = "/webhooks/sms/webhook"
PAGE = Path(__file__).with_name("sms_page.html")


def _rfc2822(ts: float) -> str:
    return format_datetime(datetime.fromtimestamp(ts, timezone.utc))


def _parse_time(value: str) -> float | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _segments(body: str) -> tuple[str, int]:
    try:
        from bot.messaging.sms_rules import measure

        size = measure(body)
        return size.encoding, max(1, size.segments)
    except Exception:  # pragma: no cover - the fake must work on its own
        return "unknown", 1


class FakeTwilio:
    """The fake's state and server. Thread-safe; `start()` serves in a thread."""

    def __init__(
        self,
        port: int = 0,
        *,
        auth_token: str | None = DEFAULT_TOKEN,
        account_sid: str = DEFAULT_SID,
        from_number: str = DEFAULT_FROM,
        rasa_url: str = "http://127.0.0.1:5005",
        public_url: str | None = None,
        callbacks: bool = True,
        callback_delay: float = 0.05,
        host: str = "127.0.0.1",
    ):
        self.auth_token = auth_token or None
        self.account_sid = account_sid
        self.from_number = from_number
        self.rasa_url = rasa_url.rstrip("/")
        # Twilio signs with the public URL; behind a proxy that differs from where we deliver.
        self.public_url = (public_url or rasa_url).rstrip("/")
        self.callbacks = callbacks
        self.callback_delay = callback_delay
        self.outcomes: dict[str, str] = {}
        self.errors: dict[str, dict[str, Any]] = {}
        self.fail_next = 0
        self.slow_next, self.slow_s = 0, 0.0
        self._records: list[dict[str, Any]] = []
        self._by_sid: dict[str, dict[str, Any]] = {}
        self._seq = itertools.count(1)
        self._cond = threading.Condition()
        self._jobs: list[tuple[float, int, str, dict[str, str]]] = []
        self._job_seq = itertools.count()
        self._jobs_cond = threading.Condition()
        self._stopping = threading.Event()
        self.callback_results: list[int] = []
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self._threads: list[threading.Thread] = []

    # ---- lifecycle ---------------------------------------------------------

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeTwilio:
        for target in (self.server.serve_forever, self._callback_loop):
            thread = threading.Thread(target=target, daemon=True, name=f"fake-twilio-{target.__name__}")
            thread.start()
            self._threads.append(thread)
        return self

    def serve_forever(self) -> None:
        threading.Thread(target=self._callback_loop, daemon=True).start()
        self.server.serve_forever()

    def stop(self) -> None:
        self._stopping.set()
        with self._jobs_cond:
            self._jobs_cond.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # ---- recorded messages ---------------------------------------------------

    def _record(self, **fields: Any) -> dict[str, Any]:
        with self._cond:
            record = {"seq": next(self._seq), "created_at": time.time(), **fields}
            self._records.append(record)
            self._by_sid[record["sid"]] = record
            self._cond.notify_all()
            return record

    def messages(self, number: str | None = None, after: int = 0) -> list[dict[str, Any]]:
        """Every message in and out (optionally with one number), oldest first."""
        with self._cond:
            return [
                dict(r)
                for r in self._records
                if r["seq"] > after and (number is None or number in (r["to"], r["from"]))
            ]

    def sent(self, to: str | None = None, after: int = 0) -> list[dict[str, Any]]:
        """Messages the bot sent (optionally to one number)."""
        return [
            r for r in self.messages(to, after) if r["direction"] == "outbound-api" and (to is None or r["to"] == to)
        ]

    def last_seq(self) -> int:
        with self._cond:
            return self._records[-1]["seq"] if self._records else 0

    def wait_for(self, to: str, count: int = 1, after: int = 0, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Block until `count` messages to `to` arrived after `after`; returns what arrived."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [
                    dict(r)
                    for r in self._records
                    if r["seq"] > after and r["direction"] == "outbound-api" and r["to"] == to
                ]
                remaining = deadline - time.monotonic()
                if len(found) >= count or remaining <= 0:
                    return found
                self._cond.wait(remaining)

    def clear(self) -> None:
        with self._cond:
            self._records.clear()
            self._by_sid.clear()

    def configure(self, config: dict[str, Any]) -> None:
        self.outcomes.update(config.get("outcomes") or {})
        self.errors.update(config.get("errors") or {})
        if "fail_next" in config:
            self.fail_next = int(config["fail_next"])
        if "slow_next" in config:
            self.slow_next, self.slow_s = int(config["slow_next"]), float(config.get("slow_s", 5))
        if "callbacks" in config:
            self.callbacks = bool(config["callbacks"])
        if "callback_delay" in config:
            self.callback_delay = float(config["callback_delay"])
        if config.get("reset"):
            self.outcomes.clear()
            self.errors.clear()
            self.fail_next = 0
            self.slow_next = 0

    def take_slow(self) -> float:
        """Seconds to hold the answer to this create (0: answer at once)."""
        with self._cond:
            if self.slow_next > 0:
                self.slow_next -= 1
                return self.slow_s
        return 0.0

    # ---- the Messages API ------------------------------------------------------

    def create_message(self, account_sid: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        to, body = form.get("To", ""), form.get("Body", "")
        if not to:
            return 400, _error(21604, "A 'To' phone number is required.", 400)
        if not body and not form.get("MediaUrl"):
            return 400, _error(21602, "Message body is required.", 400)
        if self.fail_next > 0:
            self.fail_next -= 1
            return 500, _error(20500, "Internal Server Error (fake)", 500)
        if to in self.errors:
            err = self.errors[to]
            return int(err.get("status", 400)), _error(
                int(err.get("code", 21610)), err.get("message", "Refused (fake)"), int(err.get("status", 400))
            )
        encoding, segments = _segments(body)
        record = self._record(
            sid="SM" + uuid.uuid4().hex,
            direction="outbound-api",
            account_sid=account_sid,
            to=to,
            body=body,
            status="queued",
            num_segments=segments,
            encoding=encoding,
            **{"from": form.get("From") or self.from_number},
            status_callback=form.get("StatusCallback") or None,
        )
        if record["status_callback"] and self.callbacks:
            final = self.outcomes.get(to, "delivered")
            self._schedule(self.callback_delay, record, "sent")
            self._schedule(self.callback_delay * 2, record, final)
        return 201, self._resource(record)

    def _resource(self, r: dict[str, Any]) -> dict[str, Any]:
        created = _rfc2822(r["created_at"])
        return {
            "sid": r["sid"],
            "account_sid": r.get("account_sid", self.account_sid),
            "to": r["to"],
            "from": r["from"],
            "body": r["body"],
            "status": r["status"],
            "direction": r["direction"],
            "num_segments": str(r.get("num_segments", 1)),
            "num_media": str(r.get("num_media", 0)),
            "date_created": created,
            "date_updated": created,
            "date_sent": created,
            "error_code": r.get("error_code"),
            "error_message": None,
            "price": None,
            "price_unit": "USD",
            "api_version": "2010-04-01",
            "messaging_service_sid": None,
            "uri": f"{API_PREFIX}{r.get('account_sid', self.account_sid)}/Messages/{r['sid']}.json",
            "subresource_uris": {},
        }

    def list_messages(self, account_sid: str, query: dict[str, str]) -> dict[str, Any]:
        after = _parse_time(query.get("DateSent>") or query.get("DateSent>=") or "") or 0.0
        before = _parse_time(query.get("DateSent<") or query.get("DateSent<=") or "")
        size = max(1, min(int(query.get("PageSize") or 50), 1000))
        with self._cond:
            rows = [
                r
                for r in reversed(self._records)  # Twilio lists newest first
                if r["direction"] == "outbound-api"
                and (not query.get("To") or r["to"] == query["To"])
                and (not query.get("From") or r["from"] == query["From"])
                and r["created_at"] >= after - 1  # Twilio's filter has whole seconds
                and (before is None or r["created_at"] <= before + 1)
            ][:size]
        uri = f"{API_PREFIX}{account_sid}/Messages.json"
        return {
            "messages": [self._resource(r) for r in rows],
            "end": len(rows) - 1,
            "first_page_uri": uri,
            "next_page_uri": None,
            "page": 0,
            "page_size": size,
            "previous_page_uri": None,
            "start": 0,
            "uri": uri,
        }

    # ---- status callbacks ---------------------------------------------------------

    def _schedule(self, delay: float, record: dict[str, Any], status: str) -> None:
        params = {
            "AccountSid": record.get("account_sid", self.account_sid),
            "ApiVersion": "2010-04-01",
            "From": record["from"],
            "To": record["to"],
            "MessageSid": record["sid"],
            "SmsSid": record["sid"],
            "MessageStatus": status,
            "SmsStatus": status,
        }
        if status in ("undelivered", "failed"):
            params["ErrorCode"] = "30003" if status == "undelivered" else "30008"
        with self._jobs_cond:
            heapq.heappush(
                self._jobs, (time.monotonic() + delay, next(self._job_seq), record["status_callback"], params)
            )
            self._jobs_cond.notify()

    def _callback_loop(self) -> None:
        while not self._stopping.is_set():
            with self._jobs_cond:
                while not self._jobs and not self._stopping.is_set():
                    self._jobs_cond.wait(0.5)
                if self._stopping.is_set():
                    return
                due, _, url, params = self._jobs[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._jobs_cond.wait(wait)
                    continue
                heapq.heappop(self._jobs)
            with self._cond:
                record = self._by_sid.get(params["MessageSid"])
                if record is not None:
                    record["status"] = params["MessageStatus"]
            self.callback_results.append(self.post_signed(url, params))

    # ---- signed requests to the bot ------------------------------------------------

    def _local(self, url: str) -> str:
        if url.startswith(self.public_url):
            return self.rasa_url + url[len(self.public_url) :]
        return url

    def post_signed(self, url: str, params: dict[str, str], timeout: float = 30.0) -> int:
        """POST `params` to `url` signed like Twilio (over the public URL); returns the HTTP status."""
        return self.post_signed_full(url, params, timeout)[0]

    def post_signed_full(self, url: str, params: dict[str, str], timeout: float = 30.0) -> tuple[int, str]:
        data = urllib.parse.urlencode(params).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "TwilioProxy/1.1 (fake)"}
        if self.auth_token:
            headers["X-Twilio-Signature"] = RequestValidator(self.auth_token).compute_signature(url, params)
        request = urllib.request.Request(self._local(url), data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except OSError as exc:
            logger.warning("fake twilio: POST %s failed: %s", url, exc)
            return 0, str(exc)

    def send_inbound(
        self, from_number: str, body: str, *, media: int = 0, sid: str | None = None, to: str | None = None
    ) -> dict[str, Any]:
        """Deliver an inbound SMS to the bot's webhook, signed as Twilio does."""
        sid = sid or "SM" + uuid.uuid4().hex
        to = to or self.from_number
        params = {
            "ToCountry": "GB",
            "ToState": "",
            "SmsMessageSid": sid,
            "NumMedia": str(media),
            "ToCity": "",
            "FromZip": "",
            "SmsSid": sid,
            "FromState": "",
            "SmsStatus": "received",
            "FromCity": "",
            "Body": body,
            "FromCountry": "GB",
            "To": to,
            "ToZip": "",
            "NumSegments": str(_segments(body)[1]),
            "MessageSid": sid,
            "AccountSid": self.account_sid,
            "From": from_number,
            "ApiVersion": "2010-04-01",
        }
        for i in range(media):
            params[f"MediaUrl{i}"] = (
                f"https://api.twilio.com/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media/ME{i}"
            )
            params[f"MediaContentType{i}"] = "image/jpeg"
        self._record(
            sid=sid, direction="inbound", to=to, body=body, status="received", num_media=media, **{"from": from_number}
        )
        status, text = self.post_signed_full(self.public_url + WEBHOOK_PATH, params)
        return {"sid": sid, "status": status, "response": text[:500]}

    def authorised(self, header: str | None, account_sid: str) -> bool:
        if not header or not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return user == account_sid and (self.auth_token is None or password == self.auth_token)


def _error(code: int, message: str, status: int) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class _Handler(BaseHTTPRequestHandler):
    fake: FakeTwilio
    protocol_version = "HTTP/1.1"  # keep-alive, as the Twilio client expects

    def log_message(self, fmt: str, *args: Any) -> None:  # quiet: tests send thousands
        logger.debug("fake twilio: " + fmt, *args)

    def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _form_or_json(self) -> dict[str, Any]:
        raw = self._body()
        if "json" in (self.headers.get("Content-Type") or ""):
            return json.loads(raw or b"{}")
        return {
            k: v[0] for k, v in urllib.parse.parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()
        }

    def _account(self, path: str) -> tuple[str, str] | None:
        # /2010-04-01/Accounts/{sid}/Messages.json or .../Messages/{sid}.json
        if not path.startswith(API_PREFIX):
            return None
        account, _, rest = path[len(API_PREFIX) :].partition("/")
        return account, rest

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        parsed = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query, keep_blank_values=True).items()}
        fake = self.fake
        if parsed.path == "/_fake/health":
            return self._send(200, {"ok": True})
        if parsed.path == "/_fake/messages":
            return self._send(
                200, {"messages": fake.messages(query.get("number") or None, int(query.get("after") or 0))}
            )
        if parsed.path == "/_fake/wait":
            found = fake.wait_for(
                query.get("to", ""),
                int(query.get("count") or 1),
                int(query.get("after") or 0),
                min(float(query.get("timeout") or 10), 60),
            )
            return self._send(200, {"messages": found})
        if parsed.path in ("/", "/index.html"):
            return self._send(200, PAGE.read_bytes(), "text/html; charset=utf-8")
        account = self._account(parsed.path)
        if account is None:
            return self._send(404, _error(20404, "Not found", 404))
        if not fake.authorised(self.headers.get("Authorization"), account[0]):
            return self._send(401, _error(20003, "Authenticate", 401))
        if account[1] == "Messages.json":
            return self._send(200, fake.list_messages(account[0], query))
        if account[1].startswith("Messages/") and account[1].endswith(".json"):
            record = fake._by_sid.get(account[1][len("Messages/") : -len(".json")])
            if record is not None:
                return self._send(200, fake._resource(record))
        return self._send(404, _error(20404, "Not found", 404))

    def do_POST(self) -> None:  # noqa: N802
        parsed = urllib.parse.urlsplit(self.path)
        fake = self.fake
        try:
            if parsed.path == "/_fake/config":
                fake.configure(self._form_or_json())
                return self._send(200, {"ok": True})
            if parsed.path == "/_fake/inbound":
                data = self._form_or_json()
                result = fake.send_inbound(
                    str(data.get("from") or ""),
                    str(data.get("body") or ""),
                    media=int(data.get("media") or 0),
                    sid=data.get("sid") or None,
                )
                return self._send(200, result)
        except (ValueError, TypeError) as exc:
            return self._send(400, {"error": str(exc)})
        account = self._account(parsed.path)
        if account is None or account[1] != "Messages.json":
            self._body()
            return self._send(404, _error(20404, "Not found", 404))
        if not fake.authorised(self.headers.get("Authorization"), account[0]):
            self._body()
            return self._send(401, _error(20003, "Authenticate", 401))
        status, payload = fake.create_message(account[0], self._form_or_json())
        hold = fake.take_slow() if status == 201 else 0.0
        if hold:
            time.sleep(hold)  # recorded (sent) already; the answer is late
        return self._send(status, payload)

    def do_DELETE(self) -> None:  # noqa: N802
        if urllib.parse.urlsplit(self.path).path == "/_fake/messages":
            self.fake.clear()
            return self._send(200, {"ok": True})
        return self._send(404, _error(20404, "Not found", 404))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.devtools.fake_twilio", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5099)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--auth-token", default=os.environ.get("TWILIO_AUTH_TOKEN") or DEFAULT_TOKEN)
    parser.add_argument("--account-sid", default=os.environ.get("TWILIO_ACCOUNT_SID") or DEFAULT_SID)
    parser.add_argument("--from-number", default=os.environ.get("TWILIO_FROM_NUMBER") or DEFAULT_FROM)
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get("ELPIS_RASA_URL") or "http://127.0.0.1:5005",
        help="where the bot's SMS webhook and status callback really are",
    )
    parser.add_argument(
        "--public-url",
        default=os.environ.get("ELPIS_PUBLIC_BASE_URL") or None,
        help="the URL Twilio signs with (the bot's ELPIS_PUBLIC_BASE_URL)",
    )
    parser.add_argument("--no-callbacks", action="store_true", help="never call status callbacks")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    fake = FakeTwilio(
        args.port,
        auth_token=args.auth_token,
        account_sid=args.account_sid,
        from_number=args.from_number,
        rasa_url=args.rasa_url,
        public_url=args.public_url,
        callbacks=not args.no_callbacks,
        host=args.host,
    )
    print(
        f"[fake-twilio] listening on http://{args.host}:{fake.port} (text the bot: http://{args.host}:{fake.port}/)",
        flush=True,
    )
    try:
        fake.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()


class FakeTwilioClient:
    """Talk to a fake Twilio running as a process (tests, benchmarks, the console)."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def _call(self, path: str, data: Any = None, method: str | None = None, timeout: float = 70.0) -> Any:
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.url + path,
            data=body,
            headers={"Content-Type": "application/json"},
            method=method or ("POST" if data is not None else "GET"),
        )
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return json.loads(resp.read())

    def messages(self, number: str | None = None, after: int = 0) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({k: v for k, v in {"number": number, "after": after}.items() if v})
        return self._call(f"/_fake/messages?{query}")["messages"]

    def sent(self, to: str | None = None, after: int = 0) -> list[dict[str, Any]]:
        return [
            m for m in self.messages(to, after) if m["direction"] == "outbound-api" and (to is None or m["to"] == to)
        ]

    def last_seq(self) -> int:
        rows = self.messages()
        return rows[-1]["seq"] if rows else 0

    def wait_for(self, to: str, count: int = 1, after: int = 0, timeout: float = 30.0) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({"to": to, "count": count, "after": after, "timeout": timeout})
        return self._call(f"/_fake/wait?{query}", timeout=timeout + 10)["messages"]

    def send_inbound(self, from_number: str, body: str, *, media: int = 0, sid: str | None = None) -> dict[str, Any]:
        return self._call("/_fake/inbound", {"from": from_number, "body": body, "media": media, "sid": sid})

    def configure(self, **config: Any) -> None:
        self._call("/_fake/config", config)

    def clear(self) -> None:
        self._call("/_fake/messages", method="DELETE")
