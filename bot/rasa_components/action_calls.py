"""Cheaper calls to the action server: a kept-alive connection and a shorter history.

Rasa 3.6 opens a new HTTP client session, and so a new TCP connection, for
every custom action it runs, and sends the conversation's whole event
history each time, which grows with every message: by the end of a
referral each call carried well over a hundred events, encoded by Rasa and
decoded again by the action server (py-spy under `make bench`: JSON and
connection set-up were about a quarter of both processes' CPU).

- One client session per event loop, reused. Its idle connections are
  dropped after 2 s, before the action server (Sanic, 5 s) drops them, so a
  call never goes out on a connection the server is closing.
- The history sent starts at her previous message. Our actions read the
  slots, her latest message and, for "not understood twice", the message
  before it (actions/handoff.py); rasa_sdk's forms read only the events of
  the current turn. The slots, active form and latest message are sent in
  full as before. `ELPIS_ACTION_HISTORY=full` (read once, at start-up)
  sends everything, for an action that would need more.

Installed from bot/rasa_components/__init__.py.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from typing import Any, Dict, List, Optional, Text

import aiohttp
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEPALIVE_S = 2.0
_original_call_format = RemoteAction._action_call_format
_send_full_history = False  # ELPIS_ACTION_HISTORY=full, read once by install()


def recent_events(events: List[Dict[str, Any]], user_turns: int = 2) -> List[Dict[str, Any]]:
    """The events from her `user_turns`-th last message on (all, if fewer)."""
    seen = 0
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            seen += 1
            if seen == user_turns:
                return events[index:]
    return events


def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> Dict[Text, Any]:
    body = _original_call_format(self, tracker, domain)
    if not _send_full_history:
        state = body["tracker"]
        state["events"] = recent_events(state.get("events") or [])
    return body


def _session(self: EndpointConfig) -> aiohttp.ClientSession:
    loop = asyncio.get_running_loop()
    # Per loop (a session belongs to the loop it was made on), forgotten with it.
    sessions = self.__dict__.setdefault("_elpis_sessions", weakref.WeakKeyDictionary())
    session = sessions.get(loop)
    if session is None or session.closed:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S, limit=100),
        )
        sessions[loop] = session
    return session


class _Borrowed:
    """`async with endpoint.session()` as Rasa writes it, without closing the shared session."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc: Optional[BaseException]) -> None:
        return None


def _shared_session(self: EndpointConfig) -> Any:
    return _Borrowed(_session(self))


def install() -> None:
    global _send_full_history
    _send_full_history = os.environ.get("ELPIS_ACTION_HISTORY", "").lower() == "full"
    RemoteAction._action_call_format = _action_call_format
    EndpointConfig.session = _shared_session
