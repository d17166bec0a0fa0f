"""Preference: the days and times she asked for (empty fields mean "any"), and
whether a slot's start fits them. preferences.py reads one from her words."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

PARTS = {"morning": (time(0), time(12)), "afternoon": (time(12), time(17)), "evening": (time(17), time(23, 59))}


@dataclass(frozen=True)
class Preference:
    """What she asked for. Empty fields mean "any"."""

    days: frozenset[date] = frozenset()
    start: date | None = None
    end: date | None = None
    weekdays: frozenset[int] = frozenset()
    not_weekdays: frozenset[int] = frozenset()
    parts: frozenset[str] = frozenset()
    not_parts: frozenset[str] = frozenset()
    at: time | None = None
    after: time | None = None
    before: time | None = None
    # Relative to the appointment being moved.
    earlier: bool = False
    later: bool = False
    # "impossible" (31 February), "past" (yesterday) or None.
    problem: str | None = None
    words: tuple[str, ...] = field(default=(), compare=False)

    @property
    def understood(self) -> bool:
        return bool(
            self.days
            or self.start
            or self.end
            or self.weekdays
            or self.not_weekdays
            or self.parts
            or self.not_parts
            or self.at
            or self.after
            or self.before
            or self.earlier
            or self.later
            or self.problem
        )

    @property
    def has_day(self) -> bool:
        return bool(self.days or self.start or self.end or self.weekdays)

    def without_time(self) -> Preference:
        return replace(self, at=None, after=None, before=None, parts=frozenset())

    def without_day(self) -> Preference:
        return replace(self, days=frozenset(), start=None, end=None, weekdays=frozenset())

    def only_exclusions(self) -> Preference:
        return Preference(not_weekdays=self.not_weekdays, not_parts=self.not_parts)

    def matches(self, local_start: datetime, *, time_slack_min: int = 0) -> bool:
        d, t = local_start.date(), local_start.time()
        if self.days and d not in self.days:
            return False
        if self.start and d < self.start:
            return False
        if self.end and d > self.end:
            return False
        weekday = d.isoweekday()
        if self.weekdays and weekday not in self.weekdays:
            return False
        if weekday in self.not_weekdays:
            return False
        part = part_of_day(t)
        if self.parts and part not in self.parts:
            return False
        if part in self.not_parts:
            return False
        if self.after and t < self.after:
            return False
        if self.before and t >= self.before:
            return False
        if self.at is not None:
            wanted = self.at.hour * 60 + self.at.minute
            if abs(t.hour * 60 + t.minute - wanted) > time_slack_min:
                return False
        return True

    def distance(self, local_start: datetime) -> int:
        """Minutes from the time she asked for (0 when she named none)."""
        if self.at is None:
            return 0
        t = local_start.time()
        return abs(t.hour * 60 + t.minute - (self.at.hour * 60 + self.at.minute))


def part_of_day(t: time) -> str:
    for name, (start, end) in PARTS.items():
        if start <= t < end:
            return name
    return "evening"
