"""Engine and session handling: one session per unit of work.

Engines are created lazily and cached per URL (not at import), so tests can
point a process at another database and workers can fork safely.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.settings import get_settings

T = TypeVar("T")
logger = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    url = url or get_settings().database_url
    if url.startswith("sqlite"):
        in_memory = url.rstrip("/") in ("sqlite:", "sqlite://") or ":memory:" in url or "mode=memory" in url
        engine = create_engine(
            url,
            future=True,
            connect_args={"check_same_thread": False, "timeout": 30},
            # Keep file connections open between units of work, as SQLAlchemy
            # 2.0 does (1.4 opened a new one for every session: with its
            # pragmas, a quarter of the action server's CPU under load).
            **({} if in_memory else {"poolclass": QueuePool, "pool_size": 5, "max_overflow": 10}),
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            # WAL lets the Rasa, action and worker processes read while one writes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=10, max_overflow=10)


@lru_cache(maxsize=8)
def _session_factory(url: str | None) -> sessionmaker:
    return sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A transaction: commits on success, rolls back on any error."""
    session: Session = _session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# Waits between tries when the database cannot be reached (a restart, a
# failover): about 15 seconds in all, well inside Rasa's action timeout.
RECONNECT_WAITS_S = (0.5, 1.0, 2.0, 4.0, 8.0)


def _connection_lost(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


async def run_db(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run one unit of database work off the event loop (action server, channels).

    `fn` is a whole unit of work (it opens and commits its own session), so
    when the connection is lost it rolled back whole and is tried again; a
    restarted database costs her a few seconds, not her answers. (A connection
    lost during COMMIT itself leaves the outcome unknown: a repeat is preferred
    to a loss; writes where a repeat matters carry unique keys.)
    """
    for wait in (*RECONNECT_WAITS_S, None):
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except DBAPIError as exc:
            if wait is None or not _connection_lost(exc):
                raise
            logger.warning("database unreachable (%s); trying again in %.1fs", type(exc.orig).__name__, wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")
