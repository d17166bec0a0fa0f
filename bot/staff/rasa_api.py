"""The Rasa server's HTTP API, as the staff app uses it (the server runs with --enable-api).

Pause and resume a conversation, read its tracker, and put a keyworker's words
into it. On socket.io the words are sent with `execute_side_effects` through
the channel she used last (Rasa emits them to her session's room); on SMS the
outbox sends them, and the tracker gets the same words without side effects so
the transcript shows them.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import aiohttp

from bot.settings import get_settings

STAFF_METADATA_KEY = "elpis_keyworker"


class RasaUnavailable(RuntimeError):
    """The Rasa server could not be reached, did not answer in time, or refused the request.

    `busy` is True when it did not answer in time: the request may still be
    carried out later, when Rasa gets to it.
    """

    def __init__(self, message: str, busy: bool = False):
        super().__init__(message)
        self.busy = busy


def _timeout() -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(total=get_settings().rasa_api_timeout_s)


def _url(sender_id: str, suffix: str) -> str:
    # Rasa matches the id in the path without unquoting it: an SMS sender "+4477..." must
    # stay "+4477..." (quoting it as %2B would open an empty conversation instead).
    return f"{get_settings().rasa_url.rstrip('/')}/conversations/{quote(sender_id, safe='+@:')}/{suffix}"


def _auth(params: dict | None) -> dict:
    # Production runs Rasa's API with --auth-token (bot/hardening.py); Rasa reads it from ?token=.
    token = getattr(get_settings(), "rasa_token", "")
    return {**(params or {}), **({"token": token} if token else {})}


async def _call(method: str, url: str, params: dict | None = None, **kwargs) -> dict:
    kwargs["params"] = _auth(params)
    try:
        async with aiohttp.ClientSession(timeout=_timeout()) as client:
            async with client.request(method, url, **kwargs) as resp:
                if resp.status >= 400:
                    raise RasaUnavailable(f"rasa answered {resp.status}")
                body = await resp.json(content_type=None)
    # On Python 3.10 aiohttp's timeout is asyncio.TimeoutError, not the built-in TimeoutError.
    except (asyncio.TimeoutError, TimeoutError) as exc:
        raise RasaUnavailable("rasa did not answer in time", busy=True) from exc
    except (aiohttp.ClientError, OSError, ValueError) as exc:  # ValueError: not JSON
        raise RasaUnavailable(f"rasa unreachable: {type(exc).__name__}") from exc
    if not isinstance(body, dict):
        raise RasaUnavailable("rasa answered something other than a JSON object")
    return body


async def tracker(sender_id: str) -> dict:
    return await _call("GET", _url(sender_id, "tracker"), params={"include_events": "ALL"})


async def append(sender_id: str, events: list[dict], *, send: bool) -> dict:
    params = {"execute_side_effects": "true", "output_channel": "latest"} if send else {}
    return await _call("POST", _url(sender_id, "tracker/events"), json=events, params=params)


async def pause(sender_id: str) -> None:
    await append(sender_id, [{"event": "pause"}], send=False)


async def resume(sender_id: str) -> None:
    await append(sender_id, [{"event": "resume"}], send=False)


def bot_event(text: str, staff_name: str | None = None, keyworker: bool = True) -> dict:
    return {
        "event": "bot",
        "text": text,
        "metadata": {STAFF_METADATA_KEY: True, "staff": staff_name} if keyworker else {},
    }


def transcript(tracker_json: dict) -> list[dict]:
    """Her messages, the assistant's, the keyworker's, and pause/resume, oldest first."""
    out = []
    for event in tracker_json.get("events") or []:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            if text.startswith("/"):  # button payloads and the page's greeting
                continue
            out.append(
                {"who": "her", "text": text, "at": event.get("timestamp"), "channel": event.get("input_channel")}
            )
        elif kind == "bot" and event.get("text"):
            meta = event.get("metadata") or {}
            who = "keyworker" if meta.get(STAFF_METADATA_KEY) else "assistant"
            out.append({"who": who, "text": event["text"], "at": event.get("timestamp"), "staff": meta.get("staff")})
        elif kind in ("pause", "resume"):
            out.append(
                {
                    "who": "event",
                    "text": "A keyworker took over" if kind == "pause" else "Handed back to the assistant",
                    "at": event.get("timestamp"),
                }
            )
    return out
