"""The web chat's socket.io channel (bot/channels/socketio.py) on the real Rasa server.

A python-socketio client plays the page. With Rasa 3.6's own channel and
`session_persistence: true`, the first test fails: no reply ever arrives.
"""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

import socketio

REPLY_WAIT = 60


class Tab:
    """One socket.io connection, like one tab of the chat page."""

    def __init__(self, url: str):
        self.url = url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.replies: asyncio.Queue = asyncio.Queue()
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.sio.on("bot_uttered", self.replies.put_nowait)
        self.sio.on("session_confirm", self.confirmed.put_nowait)

    async def open(self, session_id: str | None = None) -> str:
        # Long polling: engineio's websocket client needs a newer aiohttp than Rasa pins
        # (the browser tests cover the websocket transport).
        await self.sio.connect(self.url, transports=["polling"], socketio_path="/socket.io")
        await self.sio.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 10)

    async def say(self, text: str, session_id: str, message_id: str | None = None) -> None:
        data = {"message": text, "session_id": session_id}
        if message_id:
            data["message_id"] = message_id
        # Rasa acknowledges once the message has been handled.
        await self.sio.call("user_uttered", data, timeout=REPLY_WAIT)

    async def texts(self, settle: float = 0.5) -> list[str]:
        """Every reply so far (waits for the first, then for the queue to go quiet)."""
        out = [await asyncio.wait_for(self.replies.get(), REPLY_WAIT)]
        while True:
            try:
                out.append(await asyncio.wait_for(self.replies.get(), settle))
            except asyncio.TimeoutError:
                return [m.get("text", "") for m in out]

    async def close(self) -> None:
        # Like closing the tab; abort=True: don't wait for the current long poll to end.
        await self.sio._send_packet(self.sio.packet_class(socketio.packet.DISCONNECT, namespace="/"))
        await self.sio.eio.disconnect(abort=True)


def run(coro):
    # In a thread of its own: another test (Playwright's sync API) may hold this thread's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_replies_reach_the_page_and_the_session_survives_a_new_connection(stack):
    async def scenario():
        first = Tab(stack.rasa_url)
        sid = await first.open()
        assert len(sid) == 32
        await first.say("/self_refer", sid)
        assert any("18 or over" in t for t in await first.texts())
        await first.close()

        # A reload: a new connection asking for the same session carries on the same conversation.
        second = Tab(stack.rasa_url)
        assert await second.open(sid) == sid
        await second.say("yes", sid)
        assert any("call you" in t for t in await second.texts())
        await second.close()

    run(scenario())


def test_a_socket_talks_only_in_the_session_it_joined(stack):
    async def scenario():
        hers, other = Tab(stack.rasa_url), Tab(stack.rasa_url)
        her_sid = await hers.open()
        other_sid = await other.open()
        # The other socket names her session in the message: it is handled in its own.
        await other.say("/self_refer", her_sid)
        assert any("18 or over" in t for t in await other.texts())
        assert hers.replies.empty()
        # A malformed session id asked for is replaced by a new one.
        bad = Tab(stack.rasa_url)
        assert await bad.open("../../not-an-id") not in ("../../not-an-id", her_sid, other_sid)
        for tab in (hers, other, bad):
            await tab.close()

    run(scenario())


def test_a_resent_message_is_acknowledged_but_handled_once(stack):
    async def scenario():
        tab = Tab(stack.rasa_url)
        sid = await tab.open()
        message_id = uuid.uuid4().hex
        await tab.say("/self_refer", sid, message_id)
        first = await tab.texts()
        await tab.say("/self_refer", sid, message_id)  # the page resending after a dropped connection
        await asyncio.sleep(1.5)
        assert tab.replies.empty()
        assert any("18 or over" in t for t in first)
        await tab.close()

    run(scenario())


def test_malformed_data_is_ignored_and_the_socket_keeps_working(stack):
    async def scenario():
        tab = Tab(stack.rasa_url)
        sid = await tab.open()
        for junk in ("just a string", {"message": {"not": "text"}}, [1, 2], None):
            await tab.sio.call("user_uttered", junk, timeout=REPLY_WAIT)
        await tab.say("hi", sid)
        assert any("What would you like?" in t for t in await tab.texts())
        await tab.close()

    run(scenario())
