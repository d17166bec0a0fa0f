"""Outcome measurement, the staff side: the instrument (seeded SAMPLE, a licensed file,
an admin's edit; each audited) and readings a keyworker enters from a meeting or corrects
(audited: that a reading was entered or corrected, never the scores).

A service that holds a licence for its own instrument loads it from a YAML file in the
shape of outcomes_sample.yml:

    python -m bot.staff.outcomes load its-instrument.yml     # or `export` to print the one in use

Her scores are hers: they are summarised (how many, the latest date: never the scores,
the summary may be read on her phone), erased and retained with her case
(bot/staff/data_hooks.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.dates import london, today_london
from bot.db.crud import outcomes as crud
from bot.db.crud.outcomes import SCORES, Instrument, InstrumentError, Reading
from bot.db.models import Referral, Staff
from bot.db.models.outcomes import OutcomeReading, ReadingSource, ReadingStage
from bot.db.types import utcnow
from bot.privacy.hooks import Her
from bot.staff import audit
from bot.wording import say

SAMPLE_YML = Path(__file__).with_name("outcomes_sample.yml")
STAGE_WORDS = {
    ReadingStage.START.value: "Start",
    ReadingStage.REVIEW.value: "Review",
    ReadingStage.END.value: "End",
}
SOURCE_WORDS = {ReadingSource.KEYWORKER.value: "keyworker, at a meeting", ReadingSource.HER.value: "she, by chat"}

__all__ = ["InstrumentError", "ReadingError", "SAMPLE_YML", "STAGE_WORDS"]


class ReadingError(ValueError):
    """The reading can't be saved; `errors` says why (nothing saved)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


# --- The instrument ---------------------------------------------------------------------


def read_file(path: Path | str) -> dict:
    """An instrument file (YAML) as a spec; InstrumentError if it is not one."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InstrumentError([f"The file could not be read: {exc}"]) from None
    if not isinstance(data, dict):
        raise InstrumentError(["The file must hold a name, a scale and a list of areas."])
    return data


def seed_sample(session: Session) -> bool:
    """The SAMPLE instrument, when there is none yet (a loaded or edited one is never replaced)."""
    if crud.get_instrument(session) is not None:
        return False
    crud.apply_spec(session, read_file(SAMPLE_YML))
    return True


def save_instrument(session: Session, spec: Mapping, staff_id: int | None, action: str) -> Instrument:
    """Check and apply `spec` (an admin's edit or a loaded file), audited in the same transaction."""
    row = crud.apply_spec(session, spec, staff_id)
    audit.record(session, staff_id, action, "outcome_instrument", row.id)
    found = crud.get_instrument(session)
    assert found is not None
    return found


# --- Readings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    by: str | None  # None: a former colleague
    at: datetime


@dataclass(frozen=True)
class CaseOutcomes:
    instrument: Instrument | None
    readings: list[Reading]
    corrections: dict[int, Correction] = field(default_factory=dict)  # reading id -> its latest correction

    @property
    def areas(self):
        """The areas drawn: every area in use, and any retired one her readings scored."""
        if self.instrument is None:
            return ()
        scored = {a for r in self.readings for a in r.scores}
        return tuple(a for a in self.instrument.areas if not a.retired or a.id in scored)


def for_case(session: Session, referral_id: int) -> CaseOutcomes:
    return CaseOutcomes(
        crud.get_instrument(session), crud.readings_for_case(session, referral_id), corrections(session, referral_id)
    )


def corrections(session: Session, referral_id: int) -> dict[int, Correction]:
    """Who last corrected each corrected reading of the case, and when."""
    rows = session.execute(
        select(OutcomeReading.id, Staff.name, OutcomeReading.corrected_at)
        .outerjoin(Staff, Staff.id == OutcomeReading.corrected_by_id)
        .where(OutcomeReading.referral_id == referral_id, OutcomeReading.corrected_at.is_not(None))
    ).all()
    return {rid: Correction(name, at) for rid, name, at in rows}


def check_reading(
    instrument: Instrument | None,
    referral: Referral,
    taken_on: str,
    stage: str,
    raw_scores: Mapping[int, str],
    today: date | None = None,
    keep: Collection[int] = (),
) -> tuple[date, ReadingStage, dict[int, int]]:
    """A reading as it will be saved: a date from her referral to today, a stage, 1-10 per area
    (a blank area is skipped; at least one scored). `keep`: retired areas that may still be
    scored (a correction keeps the areas the reading scored then)."""
    errors: list[str] = []
    today = today or today_london()
    day = None
    try:
        day = date.fromisoformat((taken_on or "").strip())
    except ValueError:
        errors.append("Give the date of the meeting, like 2026-04-01.")
    if day is not None:
        referred = referral.created_at.astimezone(london()).date()
        if day > today:
            errors.append("The date is in the future: give the day of the meeting.")
        elif day < referred:
            errors.append(f"The date is before she was referred ({referred.isoformat()}).")
    try:
        chosen = ReadingStage(stage)
    except ValueError:
        errors.append("Choose the stage: start, review or end.")
        chosen = ReadingStage.REVIEW
    usable = {a.id: a for a in (instrument.areas if instrument else ()) if not a.retired or a.id in keep}
    scores: dict[int, int] = {}
    for area_id, raw in raw_scores.items():
        raw = (raw or "").strip()
        if not raw:
            continue  # skipped
        if area_id not in usable:
            errors.append("A score was for an area not in use: reload the page and try again.")
            continue
        if not raw.isdigit() or int(raw) not in SCORES:
            errors.append(f"{usable[area_id].name}: choose a score from 1 to 10, or skip it.")
            continue
        scores[area_id] = int(raw)
    if not scores and not errors:
        errors.append("Score at least one area (any area may be skipped, not all of them).")
    if errors:
        raise ReadingError(errors)
    assert day is not None
    return day, chosen, scores


def add_reading(
    session: Session,
    referral_id: int,
    taken_on: str,
    stage: str,
    raw_scores: Mapping[int, str],
    staff_id: int,
    today: date | None = None,
) -> Reading:
    """A keyworker's reading from a meeting, audited. LookupError: no such case."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise LookupError("no such case")
    day, chosen, scores = check_reading(crud.get_instrument(session), referral, taken_on, stage, raw_scores, today)
    row = crud.add_reading(session, referral, day, chosen, ReadingSource.KEYWORKER, scores, staff_id)
    audit.record(session, staff_id, "add_outcome_reading", "referral", referral_id)
    return next(r for r in crud.readings_for_case(session, referral_id) if r.id == row.id)


def reading_of_case(session: Session, referral_id: int, reading_id: int) -> Reading | None:
    """One reading of the case (None: not there, or another case's)."""
    return next((r for r in crud.readings_for_case(session, referral_id) if r.id == reading_id), None)


def correct_reading(
    session: Session,
    referral_id: int,
    reading_id: int,
    taken_on: str,
    stage: str,
    raw_scores: Mapping[int, str],
    staff_id: int,
    today: date | None = None,
) -> Reading:
    """A keyworker's correction of one of the case's readings: its date, stage and scores are
    checked as a new reading's are, and replace the old; who corrected it and when are kept on
    the reading. The audit row says a reading was corrected, never the scores.
    LookupError: no such case or reading; ReadingError: nothing saved."""
    referral = session.get(Referral, referral_id)
    row = session.get(OutcomeReading, reading_id)
    if referral is None or row is None or row.referral_id != referral_id:
        raise LookupError("no such reading")
    scored_then = {int(k) for k in (row.scores or {})}
    day, chosen, scores = check_reading(
        crud.get_instrument(session), referral, taken_on, stage, raw_scores, today, keep=scored_then
    )
    # Written here rather than in bot/db/crud/outcomes.py: one UPDATE of a row already checked.
    row.taken_on, row.stage = day, chosen
    row.scores = {str(area_id): int(score) for area_id, score in scores.items()}
    row.corrected_by_id, row.corrected_at = staff_id, utcnow()
    session.flush()
    audit.record(session, staff_id, "correct_outcome_reading", "outcome_reading", row.id)
    found = reading_of_case(session, referral_id, row.id)
    assert found is not None
    return found


# --- Her data (bot/staff/data_hooks.py) -------------------------------------------------


def summary_for(session: Session, her: Her) -> list[str]:
    """How many readings and the latest date: not the scores (the summary may be read on her
    phone by someone else); she can ask to see them."""
    count, latest = crud.count_and_latest(session, her.woman_id)
    if not count or latest is None:
        return []
    return [say("outcomes.summary_readings", count=count, day=latest.strftime("%d %b %Y").lstrip("0"))]


def erase_for(session: Session, her: Her) -> int:
    return crud.erase_for_woman(session, her.woman_id, her.referral_ids)


def drop_case(session: Session, referral_id: int) -> int:
    return crud.erase_for_case(session, referral_id)


# --- Command line -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.staff.outcomes", description="the outcome instrument")
    sub = parser.add_subparsers(dest="cmd", required=True)
    load = sub.add_parser("load", help="make a YAML instrument file (e.g. a licensed one) the one in use")
    load.add_argument("file")
    sub.add_parser("export", help="print the instrument in use as YAML")
    args = parser.parse_args(argv)
    from bot.db.session import session_scope

    with session_scope() as session:
        if args.cmd == "export":
            found = crud.get_instrument(session)
            print(yaml.safe_dump(crud.spec_of(found), sort_keys=False, allow_unicode=True) if found else "")
            return 0 if found else 1
        try:
            instrument = save_instrument(session, read_file(args.file), None, "load_outcome_instrument")
        except InstrumentError as exc:
            print("\n".join(exc.errors), file=sys.stderr)
            return 2
    print(f"Loaded {instrument.name}: {len(instrument.active)} areas in use.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
