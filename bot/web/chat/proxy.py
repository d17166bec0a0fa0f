"""Forward the page's socket.io websocket to the Rasa server.

With this, the browser only ever talks to our own origin: the Rasa server need
not be public, never sees her IP address or cookies, and the page's CSP can say
`connect-src 'self'`. Only the websocket transport is forwarded (the page asks
for no other); frames go through untouched, so this works for any socket.io
version the Rasa server speaks.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from websockets.exceptions import ConnectionClosed

logger = logging.getLogger(__name__)

# A frame this big is not a chat message (the page limits her to 500 characters).
MAX_FRAME_BYTES = 64 * 1024
CONNECT_TIMEOUT = 5.0
# Close codes: 1011 server error; 1009 too big.
UPSTREAM_UNAVAILABLE = 1011
FRAME_TOO_BIG = 1009


def upstream_ws_url(rasa_url: str, socket_path: str, query_string: str) -> str:
    base = rasa_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://") :]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://") :]
    return f"{base}{socket_path.rstrip('/')}/?{query_string}"


async def _client_to_upstream(ws, upstream) -> int | None:
    while True:
        try:
            data = await ws.recv()
        except (ConnectionClosed, asyncio.CancelledError):
            return None
        except Exception:  # Sanic raises its own WebsocketClosed after close
            return None
        if data is None:
            return None
        if len(data) > MAX_FRAME_BYTES:
            return FRAME_TOO_BIG
        if isinstance(data, bytes):
            await upstream.send_bytes(data)
        else:
            await upstream.send_str(data)


async def _upstream_to_client(ws, upstream) -> int | None:
    async for msg in upstream:
        if msg.type == aiohttp.WSMsgType.TEXT:
            await ws.send(msg.data)
        elif msg.type == aiohttp.WSMsgType.BINARY:
            await ws.send(msg.data)
        else:  # closed or error
            break
    return UPSTREAM_UNAVAILABLE


async def forward(ws, target_url: str) -> None:
    """Pump frames both ways until either side closes."""
    timeout = aiohttp.ClientTimeout(total=None, connect=CONNECT_TIMEOUT, sock_connect=CONNECT_TIMEOUT)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.ws_connect(target_url, max_msg_size=MAX_FRAME_BYTES * 16) as upstream:
                tasks = [
                    asyncio.ensure_future(_client_to_upstream(ws, upstream)),
                    asyncio.ensure_future(_upstream_to_client(ws, upstream)),
                ]
                done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                finished = next(iter(done))
                failed = finished.cancelled() or finished.exception() is not None
                code = UPSTREAM_UNAVAILABLE if failed else finished.result()
                if code:
                    await ws.close(code=code)
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
        # The page shows "can't reach the chat" and retries; log no content.
        logger.warning("chat proxy: Rasa socket.io unavailable (%s)", type(exc).__name__)
        await ws.close(code=UPSTREAM_UNAVAILABLE, reason="chat unavailable")
