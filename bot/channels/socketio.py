"""Rasa's socket.io channel, with session persistence that works.

Rasa 3.6 calls `sio.enter_room(...)` without `await`; since python-socketio 5.x
made AsyncServer.enter_room a coroutine, the socket never joins its session's
room, so with `session_persistence: true` no reply ever reaches the page
(RasaHQ/rasa#13027, open). This class replaces two handlers:
- `session_request` awaits the join, accepts only well-formed ids (the page
  stores a random one per tab) and binds the id to the socket;
- `user_uttered` uses that bound id, not the one in the message, so a socket can
  only talk in the conversation it joined; malformed data is ignored; and a
  message the page sends again after a dropped connection (same `message_id`)
  is acknowledged but not handled twice.

Registered in credentials.yml as `bot.channels.socketio.SocketIOInput`; its
name stays "socketio", so URLs and `get_latest_input_channel()` are unchanged.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint

from bot.channels.handoff_safety import answer_crisis_during_handoff

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# The page allows 500 characters; anything far longer is not a chat message.
MAX_TEXT = 5000
MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
RECENT_MESSAGES = 10_000  # per process; resends come within seconds


class RecentIds:
    """A bounded memory of (session, message id) pairs already handled."""

    def __init__(self, size: int = RECENT_MESSAGES):
        self.size = size
        self._ids: OrderedDict[tuple[str, str], None] = OrderedDict()

    def seen(self, key: tuple[str, str]) -> bool:
        if key in self._ids:
            return True
        self._ids[key] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return False


def session_id_from(data: Any) -> str:
    """The session id she asked for, or a new one when missing or malformed."""
    requested = data.get("session_id") if isinstance(data, dict) else None
    if isinstance(requested, str) and SESSION_ID.match(requested):
        return requested
    return uuid.uuid4().hex


class SocketIOInput(RasaSocketIOInput):
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        recent = RecentIds()

        async def session_request(sid: str, data: Any = None, *_extra: Any) -> None:
            session_id = session_id_from(data)
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def handle_message(sid: str, data: Any = None, *_extra: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
                return
            if self.session_persistence:
                session = await sio.get_session(sid, namespace=self.namespace)
                sender_id = session.get("session_id")
                if not sender_id:
                    logger.warning("socket.io message before session_request: ignored")
                    return
            else:
                sender_id = sid
            message_id = data.get("message_id")
            if isinstance(message_id, str) and MESSAGE_ID.match(message_id):
                if recent.seen((sender_id, message_id)):
                    return  # sent again after a dropped connection: acknowledged, not repeated
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            message = UserMessage(
                data.get("message", "")[:MAX_TEXT],
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata,
            )
            await answer_crisis_during_handoff(message)
            await on_new_message(message)

        # Replace the handlers Rasa registered for these events.
        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint
