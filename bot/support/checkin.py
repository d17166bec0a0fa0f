"""A check-in by chat: one question per area of the instrument (admin data, so a
licensed service's wording is never in the code), a score from 1 to 10 for each,
any area skipped, stopped at any time. What she gave is saved as one reading."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.dates import today_london
from bot.db.crud import outcomes as crud
from bot.db.models import Referral
from bot.db.models.outcomes import ReadingSource, ReadingStage

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
# "7", "7/10", "about a 6", "6 out of 10", "a seven": the first number she gives is her score.
_NUMBER = re.compile(r"(?<![\d.])(10|[1-9])(?![\d.])")


@dataclass(frozen=True)
class Question:
    area_id: int
    name: str
    text: str


@dataclass(frozen=True)
class Instrument:
    scale: str
    questions: tuple[Question, ...]


def instrument(session: Session) -> Instrument | None:
    found = crud.get_instrument(session)
    if found is None or not found.active:
        return None
    return Instrument(found.scale_text, tuple(Question(a.id, a.name, a.question) for a in found.active))


def parse_score(text: str | None) -> int | None:
    """Her score, 1 to 10, or None when she gave none (0, 11, "fine")."""
    t = (text or "").strip().lower()
    m = _NUMBER.search(t)
    if m:
        return int(m[1])
    for word in re.findall(r"[a-z]+", t):
        if word in NUMBER_WORDS:
            return NUMBER_WORDS[word]
    return None


def save_reading(session: Session, referral_id: int, stage: ReadingStage, scores: Mapping[int, int]) -> int | None:
    """Her own reading (source HER), today; nothing saved when she scored nothing."""
    referral = session.get(Referral, referral_id)
    usable = {q.area_id for q in (instrument(session) or Instrument("", ())).questions}
    kept = {area: score for area, score in scores.items() if area in usable and 1 <= score <= 10}
    if referral is None or not kept:
        return None
    row = crud.add_reading(session, referral, today_london(), stage, ReadingSource.HER, kept, None)
    return row.id
