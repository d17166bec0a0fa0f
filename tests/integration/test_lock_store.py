"""Rasa's Redis lock store, and ours, under two processes' worth of contention (real Redis).

Each "process" is a lock store of its own with its own Redis connection, as
two Rasa servers have; they take tickets for one conversation at the same time.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from rasa.core.lock_store import RedisLockStore

from bot.rasa_components.lock_store import AtomicRedisLockStore
from tests.integration.test_scale_out import _redis_or_skip

ROUNDS = 150


def contend(store_class) -> list[int]:
    host, port = _redis_or_skip()
    prefix = "locktest" + uuid.uuid4().hex[:8]
    stores = [store_class(host=host, port=port, db=3, key_prefix=prefix) for _ in range(4)]
    conversation = "conv-" + uuid.uuid4().hex[:8]
    tickets: list[int] = []
    start = threading.Barrier(len(stores))

    def take(store):
        start.wait()
        for _ in range(ROUNDS):
            tickets.append(store.issue_ticket(conversation, 60))

    threads = [threading.Thread(target=take, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    stores[0].delete_lock(conversation)
    return tickets


def test_our_lock_store_never_gives_one_ticket_twice():
    tickets = contend(AtomicRedisLockStore)
    assert len(tickets) == 4 * ROUNDS
    assert len(set(tickets)) == len(tickets), "two processes were given the same ticket"


def test_rasas_own_redis_lock_store_does_give_one_ticket_twice():
    # Why ours exists: the same contention against Rasa 3.6's store.
    tickets = contend(RedisLockStore)
    if len(set(tickets)) == len(tickets):
        pytest.xfail("the race did not show this time (it depends on timing)")
    assert len(set(tickets)) < len(tickets)


def test_cleanup_keeps_a_ticket_another_process_is_waiting_on():
    host, port = _redis_or_skip()
    prefix = "locktest" + uuid.uuid4().hex[:8]
    a, b = (AtomicRedisLockStore(host=host, port=port, db=3, key_prefix=prefix) for _ in range(2))
    first = a.issue_ticket("c1", 60)
    second = b.issue_ticket("c1", 60)
    a.cleanup("c1", first)
    lock = b.get_lock("c1")
    assert lock is not None and not lock.is_locked(second)  # b's turn now, its ticket kept
    b.cleanup("c1", second)
    assert b.get_lock("c1") is None
