"""Providers deliver one message. Chosen once from settings."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import requests

from bot.db.types import utcnow
from bot.settings import Settings, get_settings


class ProviderError(Exception):
    """Delivery failed; `retryable` says whether trying again may help."""

    def __init__(self, message: str, retryable: bool = True, in_doubt: bool = False):
        super().__init__(message)
        self.retryable = retryable
        # The request reached the provider but no answer came (a read timeout):
        # it may have been sent, so look before sending again.
        self.in_doubt = in_doubt


class Provider(Protocol):
    name: str

    def send(self, to: str, body: str, status_callback: str | None = None) -> str:
        """Send `body` to `to`; return the provider's message id."""

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """The id of a message already sent to `to` with `body` since `since`.

        Asked before resending a message whose worker died mid-send, so a
        reminder is neither lost nor sent twice.
        """


@dataclass
class DevInboxProvider:
    """No Twilio account: write what would have been sent to a local file."""

    path: Path
    name: str = "dev-inbox"
    _lock: threading.Lock = threading.Lock()

    def send(self, to: str, body: str, status_callback: str | None = None) -> str:
        message_id = "DEV" + uuid.uuid4().hex[:30]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"id": message_id, "to": to, "body": body, "at": utcnow().isoformat()})
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return message_id

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        if not self.path.exists():
            return None
        with self._lock, self.path.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                if row["to"] == to and row["body"] == body and datetime.fromisoformat(row["at"]) >= since:
                    return row["id"]
        return None


@dataclass
class TwilioProvider:
    """Twilio's REST API through the official client. `base_url` points tests
    and dev mode at the local fake Twilio server; production leaves it empty."""

    account_sid: str
    auth_token: str
    from_number: str
    base_url: str = ""
    name: str = "twilio"

    def __post_init__(self) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        # Without a timeout a hung Twilio would hold a worker thread for ever.
        http = TwilioHttpClient(timeout=get_settings().twilio_timeout_s)
        self._client = Client(self.account_sid, self.auth_token, http_client=http)
        if self.base_url:
            self._client.api.base_url = self.base_url.rstrip("/")

    def send(self, to: str, body: str, status_callback: str | None = None) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        kwargs = {"to": to, "from_": self.from_number, "body": body}
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            return self._client.messages.create(**kwargs).sid
        except TwilioRestException as exc:
            # 4xx (bad number, opted out) will not get better; 429/5xx may.
            raise ProviderError(
                f"twilio {exc.status} {exc.code}", retryable=exc.status >= 429 or exc.status == 408
            ) from exc
        except requests.exceptions.ReadTimeout as exc:
            raise ProviderError("twilio timed out", in_doubt=True) from exc
        except (TwilioException, OSError) as exc:
            raise ProviderError(f"twilio unreachable: {type(exc).__name__}") from exc

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        from twilio.base.exceptions import TwilioException

        try:
            for message in self._client.messages.list(to=to, date_sent_after=since, limit=50):
                if message.body == body:
                    return message.sid
        except (TwilioException, OSError) as exc:
            raise ProviderError(f"twilio lookup failed: {type(exc).__name__}") from exc
        return None


@dataclass
class SmtpProvider:
    """Email (keyworker alerts) through an SMTP relay; tests use aiosmtpd locally."""

    host: str
    port: int
    sender: str
    name: str = "smtp"

    def send(self, to: str, body: str, status_callback: str | None = None) -> str:
        import smtplib
        from email.message import EmailMessage
        from email.utils import make_msgid

        message = EmailMessage()
        message["From"], message["To"] = self.sender, to
        message["Subject"] = body.splitlines()[0][:78] if body else "Elpis"
        message_id = make_msgid(domain="elpis.local")
        message["Message-ID"] = message_id
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise ProviderError(f"smtp: {type(exc).__name__}") from exc
        return message_id

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        return None  # SMTP cannot be asked; an interrupted email may go twice


def provider_from_settings(settings: Settings | None = None, channel: str = "sms") -> Provider:
    settings = settings or get_settings()
    if channel == "email":
        if settings.smtp_host:
            return SmtpProvider(settings.smtp_host, settings.smtp_port, settings.smtp_from)
        return DevInboxProvider(settings.dev_inbox_path)
    if settings.twilio_account_sid and settings.twilio_auth_token:
        return TwilioProvider(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            settings.twilio_from_number,
            settings.twilio_base_url,
        )
    return DevInboxProvider(settings.dev_inbox_path)
