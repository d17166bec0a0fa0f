"""Sending her reply at once instead of waiting for the worker's next poll.

The reply is already in the outbox (queued in the same transaction as the
turn). Here the Rasa process claims exactly those rows with the same
conditional UPDATE the worker uses (pending -> sending), so a row is sent by
whichever gets it first and never twice; if this process dies mid-send the
worker's stale-claim recovery settles it. Sends run in a small thread pool of
their own, never on the event loop and never starving the database threads.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.messaging.delivery import Claimed, claim_row, deliver
from bot.messaging.providers import Provider, provider_from_settings
from bot.settings import get_settings

logger = logging.getLogger(__name__)

_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sms-send")
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:sms-now"


def status_callback_url() -> str:
    """Where Twilio reports delivery; the same URL the worker gives it."""
    return f"{get_settings().public_base_url.rstrip('/')}/webhooks/sms/status"


@lru_cache(maxsize=1)
def _provider() -> Provider:
    return provider_from_settings(get_settings(), "sms")


def claim(ids: list[int], url: str | None = None) -> list[Claimed]:
    """Take these pending rows for this process (whatever their send_after)."""
    claimed: list[Claimed] = []
    now = utcnow()
    with session_scope(url) as session:
        for message_id in ids:
            row = claim_row(session, message_id, WORKER_ID, now)
            if row is not None:
                claimed.append(row)
    return claimed


def send_now(ids: list[int], url: str | None = None, provider: Provider | None = None) -> int:
    """Claim and send `ids` in order; rows the worker already took are left to it."""
    if not ids:
        return 0
    sent = 0
    provider = provider or _provider()
    for message in claim(ids, url):
        # A failed send goes back to pending with backoff: the worker retries it.
        if deliver(message, provider, url, lambda m: status_callback_url()) == "sent":
            sent += 1
    return sent


async def send_soon(ids: list[int]) -> None:
    if not ids or not get_settings().sms_send_now:
        return  # the worker sends them on its next poll
    try:
        await asyncio.get_running_loop().run_in_executor(_executor, send_now, ids)
    except Exception:
        logger.exception("sending SMS reply now failed; the worker will send it")
