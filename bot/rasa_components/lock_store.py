"""Rasa's Redis lock store, made safe for several Rasa processes.

Rasa 3.6's RedisLockStore keeps each conversation's ticket queue as one JSON
value and changes it by read, modify, write, with nothing stopping two
processes doing that at once: both can be given the same ticket (and then
both handle her messages at the same time), and a ticket can be overwritten
while another process waits. Seen here: two "yes" messages sent to two Rasa
processes at once both answered the consent question, so her age was never
asked (tests/integration/test_scale_out.py).

Here every change to a queue happens while holding a short Redis mutex for
that conversation (redis-py's Lock: SET NX with expiry, released by a script
that checks the owner). The queue and its meaning are Rasa's own.

In endpoints.production.yml:

    lock_store:
      type: bot.rasa_components.lock_store.AtomicRedisLockStore
      url: ...   (and the other RedisLockStore settings)
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Held for a few Redis round trips; the expiry only matters if a process dies holding it.
MUTEX_SECONDS = 5


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # loaded by module path from endpoints.yml
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    @contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        mutex = self.red.lock(
            f"{self.key_prefix}mutex:{conversation_id}", timeout=MUTEX_SECONDS, blocking_timeout=MUTEX_SECONDS
        )
        if not mutex.acquire():
            raise LockError(f"Could not change the lock queue of conversation '{conversation_id}'.")
        try:
            yield
        finally:
            try:
                mutex.release()
            except Exception:  # expired meanwhile: nothing of ours to release
                pass

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Remove our ticket and, if nobody else holds one, the queue: as one step,
        # or another process's new ticket could be deleted between the two.
        with self._mutex(conversation_id):
            lock: Optional[TicketLock] = self.get_lock(conversation_id)
            if lock is None:
                return
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                self.save_lock(lock)
            else:
                self.delete_lock(conversation_id)
