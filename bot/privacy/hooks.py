"""What a feature declares about her data: the tables it answers for, and how
to erase, summarise and retain them.

Each feature whose tables hold her data (a key to her record or case, her
number, email or conversation id) declares one DataHooks in its own
`data_hooks` module; bot/privacy/registry.py lists them and erasure, summary
and retention walk that list, knowing no feature's tables.
tests/privacy/test_data_hooks.py fails when a table holding her data is
answered for by no hook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Her:
    """One woman whose data is being erased or summarised."""

    woman_id: int
    phone: str | None = None
    senders: frozenset[str] = frozenset()  # her conversation ids (on SMS, her number)
    referral_ids: tuple[int, ...] = ()
    outbox_ids: tuple[int, ...] = ()  # every message to her: by record or to her number


@dataclass(frozen=True)
class Stale:
    """What retention deletes by time: records older than `cutoff` tied to no open case."""

    cutoff: datetime
    senders: tuple[str, ...] = ()  # conversations tied to no case, last seen before the cutoff


Counts = Mapping[str, int]


@dataclass(frozen=True)
class DataHooks:
    """One feature's personal-data hooks. Each is optional; hooks run in registry order.

    tables: the tables it erases or unlinks her from. kept: tables it keeps on
    purpose, each with the reason (e.g. an SMS opt-out is by number and must
    keep being honoured).
    erase(session, her) -> counts: delete or unlink everything of hers.
    summarise(session, her) -> lines: what it holds about her, in plain words.
    drop_case(session, referral_id): one expired case of a woman who has a newer one.
    retain(session, stale) -> counts: delete what is past its time.
    """

    feature: str
    tables: tuple[str, ...] = ()
    kept: Mapping[str, str] = field(default_factory=dict)
    erase: Callable[[Session, Her], Counts] | None = None
    summarise: Callable[[Session, Her], list[str]] | None = None
    drop_case: Callable[[Session, int], None] | None = None
    retain: Callable[[Session, Stale], Counts] | None = None
