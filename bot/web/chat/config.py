"""What the chat page needs from settings, checked once and made safe to show.

The page gets this as data attributes (autoescaped), never as inline script, so
the Content-Security-Policy can forbid inline scripts entirely.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers

from bot.settings import Settings

logger = logging.getLogger(__name__)

DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather"
SOCKET_PATH = "/socket.io"
# Longest message she can type; the page shows a counter. Long enough for a
# story, short enough that one message stays readable for a keyworker.
MAX_MESSAGE_LENGTH = 500
# The first message of a new conversation, sent by the page so the bot greets her.
INIT_PAYLOAD = "/greet"


@dataclass(frozen=True)
class TextUsNumber:
    e164: str
    display: str


@dataclass(frozen=True)
class PageConfig:
    exit_url: str
    text_us: TextUsNumber | None
    # Empty: the browser talks socket.io to our own origin and we proxy it.
    socket_url: str
    socket_path: str
    upstream_url: str  # the Rasa server our proxy forwards to (proxy mode only)
    max_length: int = MAX_MESSAGE_LENGTH
    init_payload: str = INIT_PAYLOAD

    @property
    def proxied(self) -> bool:
        return not self.socket_url

    @property
    def transports(self) -> str:
        # The proxy forwards websockets only; a direct Rasa server also does long polling.
        return "websocket" if self.proxied else "polling,websocket"

    def connect_sources(self) -> list[str]:
        """Origins the page may connect to, for the CSP's connect-src."""
        if self.proxied:
            return []
        parts = urlsplit(self.socket_url)
        ws = "wss" if parts.scheme == "https" else "ws"
        return [f"{parts.scheme}://{parts.netloc}", f"{ws}://{parts.netloc}"]


def _http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def exit_url(value: str) -> str:
    # A bad value must never stop her leaving: fall back to the default.
    if _http_url(value):
        return value
    logger.warning("ELPIS_EXIT_URL is not an http(s) URL; using the default")
    return DEFAULT_EXIT_URL


def text_us_number(value: str) -> TextUsNumber | None:
    if not value.strip():
        return None
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        number = None
    # Ofcom's drama range (07700 900xxx), which phonenumbers calls unassigned, must work in demos.
    drama = number is not None and str(number.national_number).startswith("7700900")
    if number is None or not (phonenumbers.is_valid_number(number) or drama):
        logger.warning("ELPIS_TEXT_US_NUMBER is not a valid phone number; not shown")
        return None
    return TextUsNumber(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        display=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
    )


def socket_target(value: str) -> tuple[str, str]:
    """(origin, socket.io path) from ELPIS_RASA_SOCKET_URL; ("", default path) when empty."""
    value = value.strip()
    if not value:
        return "", SOCKET_PATH
    if not _http_url(value):
        raise ValueError("ELPIS_RASA_SOCKET_URL must be an http(s) URL, e.g. https://rasa.example.org")
    parts = urlsplit(value)
    path = parts.path.rstrip("/") or SOCKET_PATH
    return f"{parts.scheme}://{parts.netloc}", path


def page_config(settings: Settings) -> PageConfig:
    socket_url, socket_path = socket_target(settings.rasa_socket_url)
    return PageConfig(
        exit_url=exit_url(settings.exit_url),
        text_us=text_us_number(settings.text_us_number),
        socket_url=socket_url,
        socket_path=socket_path,
        upstream_url=settings.rasa_url.rstrip("/"),
    )
