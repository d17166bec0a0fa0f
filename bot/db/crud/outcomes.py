"""The outcome instrument and her readings: checking an instrument, putting it in the
database (the SAMPLE seed, a licensed file, an admin's edit all go through `apply_spec`),
and reading and writing readings.

Audit rows and the checks that need the service's calendar (a reading's date) are the
caller's (bot/staff/outcomes.py), written in the same unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.db.crud.admin_input import KEY_RE, InputErrors, one_line
from bot.db.models import Need, Referral, Staff
from bot.db.models.outcomes import OutcomeArea, OutcomeInstrument, OutcomeReading, ReadingSource, ReadingStage

SCORES = range(1, 11)
MIN_AREAS, MAX_AREAS = 3, 12  # a radar needs three spokes; more than twelve is not a short check-in
MAX_NAME = 120
MAX_AREA_NAME = 60
MAX_QUESTION = 240  # one text message with the scale's short reminder, when she answers by SMS
MAX_SCALE = 400


class InstrumentError(InputErrors):
    """The instrument can't be saved; `errors` says why, one message each (nothing saved)."""


@dataclass(frozen=True)
class Area:
    id: int
    key: str
    name: str
    question: str
    need: str | None
    retired: bool


@dataclass(frozen=True)
class Instrument:
    id: int
    name: str
    scale_text: str
    sample: bool
    areas: tuple[Area, ...]  # in order, retired ones too
    updated_at: datetime

    @property
    def active(self) -> tuple[Area, ...]:
        return tuple(a for a in self.areas if not a.retired)


@dataclass(frozen=True)
class Reading:
    id: int
    referral_id: int
    taken_on: date
    stage: str
    source: str
    entered_by: str | None
    scores: Mapping[int, int]  # area id -> 1..10; a skipped area is absent
    created_at: datetime


# --- The instrument ---------------------------------------------------------------------


def clean_spec(spec: Mapping) -> dict:
    """An instrument as it will be saved, or InstrumentError with every problem.

    spec: {"name", "scale", "sample" (optional), "areas": [{"key", "name", "question",
    "need" (optional), "retired" (optional)}]} -- the shape of bot/staff/outcomes_sample.yml.
    """
    errors: list[str] = []
    name = one_line(spec.get("name"))
    if not name or len(name) > MAX_NAME:
        errors.append(f"Give the instrument a name of at most {MAX_NAME} characters.")
    scale = one_line(spec.get("scale"))
    if not scale or len(scale) > MAX_SCALE:
        errors.append(f"Write the scale text (what 1 and 10 mean), at most {MAX_SCALE} characters.")
    areas, keys = [], set()
    raw_areas = spec.get("areas")
    for n, raw in enumerate(raw_areas if isinstance(raw_areas, list) else [], start=1):
        raw = raw if isinstance(raw, Mapping) else {}
        key, label, question = one_line(raw.get("key")), one_line(raw.get("name")), one_line(raw.get("question"))
        need = one_line(raw.get("need")) or None
        if not KEY_RE.fullmatch(key):
            errors.append(f"Area {n}: its key must be 2-40 lower-case letters, digits or _, starting with a letter.")
        elif key in keys:
            errors.append(f"Area {n}: the key {key} is used twice.")
        if not label or len(label) > MAX_AREA_NAME:
            errors.append(f"Area {n}: give it a name of at most {MAX_AREA_NAME} characters.")
        if not question or len(question) > MAX_QUESTION:
            errors.append(f"Area {n}: write its question, at most {MAX_QUESTION} characters.")
        if need is not None and need not in {x.value for x in Need}:
            errors.append(f"Area {n}: {need[:40]} is not one of the nine needs pathways.")
        keys.add(key)
        areas.append(
            {"key": key, "name": label, "question": question, "need": need, "retired": bool(raw.get("retired"))}
        )
    live = sum(1 for a in areas if not a["retired"])
    if not MIN_AREAS <= live <= MAX_AREAS:
        errors.append(f"An instrument needs {MIN_AREAS} to {MAX_AREAS} areas in use; this one has {live}.")
    if errors:
        raise InstrumentError(errors)
    return {"name": name, "scale": scale, "sample": bool(spec.get("sample")), "areas": areas}


def apply_spec(session: Session, spec: Mapping, staff_id: int | None = None) -> OutcomeInstrument:
    """Make the instrument in the database the one `spec` describes (checked first).

    Areas are matched by key: wording and order change in place, so earlier readings keep
    their areas; an area no longer named is retired, never deleted (readings use it).
    """
    clean = clean_spec(spec)
    row = session.execute(select(OutcomeInstrument).order_by(OutcomeInstrument.id)).scalars().first()
    if row is None:
        row = OutcomeInstrument(name=clean["name"], scale_text=clean["scale"])
        session.add(row)
    row.name, row.scale_text, row.sample, row.updated_by_id = clean["name"], clean["scale"], clean["sample"], staff_id
    session.flush()
    existing = {a.key: a for a in session.execute(select(OutcomeArea)).scalars()}
    named = set()
    for position, spec_area in enumerate(clean["areas"], start=1):
        area = existing.get(spec_area["key"])
        if area is None:
            area = OutcomeArea(key=spec_area["key"], instrument_id=row.id)
            session.add(area)
        area.instrument_id, area.position = row.id, position
        area.name, area.question, area.retired = spec_area["name"], spec_area["question"], spec_area["retired"]
        area.need = Need(spec_area["need"]) if spec_area["need"] else None
        named.add(spec_area["key"])
    for key, area in existing.items():
        if key not in named:
            area.retired = True
            area.position = len(named) + area.position  # after the areas named, in their old order
    session.flush()
    session.expire(row, ["areas"])
    return row


def get_instrument(session: Session) -> Instrument | None:
    row = session.execute(select(OutcomeInstrument).order_by(OutcomeInstrument.id)).scalars().first()
    if row is None:
        return None
    areas = tuple(
        Area(a.id, a.key, a.name, a.question, a.need.value if a.need else None, a.retired)
        for a in sorted(row.areas, key=lambda a: (a.retired, a.position, a.id))
    )
    return Instrument(row.id, row.name, row.scale_text, row.sample, areas, row.updated_at)


def spec_of(instrument: Instrument) -> dict:
    """The instrument in the shape a file gives (to load it back, or to start a licensed one from)."""
    return {
        "name": instrument.name,
        "scale": instrument.scale_text,
        "sample": instrument.sample,
        "areas": [
            {"key": a.key, "name": a.name, "question": a.question, "need": a.need, "retired": a.retired}
            for a in instrument.areas
        ],
    }


# --- Readings ---------------------------------------------------------------------------


def add_reading(
    session: Session,
    referral: Referral,
    taken_on: date,
    stage: ReadingStage,
    source: ReadingSource,
    scores: Mapping[int, int],
    staff_id: int | None,
) -> OutcomeReading:
    """Store a reading already checked (bot/staff/outcomes.py checks dates and scores)."""
    row = OutcomeReading(
        woman_id=referral.woman_id,
        referral_id=referral.id,
        taken_on=taken_on,
        stage=stage,
        source=source,
        entered_by_id=staff_id,
        scores={str(area_id): int(score) for area_id, score in scores.items()},
    )
    session.add(row)
    session.flush()
    return row


def _reading(row: OutcomeReading, author: str | None) -> Reading:
    scores = {int(k): int(v) for k, v in (row.scores or {}).items()}
    return Reading(
        row.id, row.referral_id, row.taken_on, row.stage.value, row.source.value, author, scores, row.created_at
    )


def readings_for_case(session: Session, referral_id: int) -> list[Reading]:
    """The case's readings, oldest first (the radar draws the latest over the earlier)."""
    rows = session.execute(
        select(OutcomeReading, Staff.name)
        .outerjoin(Staff, Staff.id == OutcomeReading.entered_by_id)
        .where(OutcomeReading.referral_id == referral_id)
        .order_by(OutcomeReading.taken_on, OutcomeReading.id)
    ).all()
    return [_reading(r, name) for r, name in rows]


def readings_for_cases(session: Session, referral_ids: Iterable[int]) -> dict[int, list[Reading]]:
    """Readings of many cases (the reports), each case's oldest first."""
    ids = list(referral_ids)
    out: dict[int, list[Reading]] = {rid: [] for rid in ids}
    for start in range(0, len(ids), 500):  # a bounded IN list on every backend
        for row in session.execute(
            select(OutcomeReading)
            .where(OutcomeReading.referral_id.in_(ids[start : start + 500]))
            .order_by(OutcomeReading.taken_on, OutcomeReading.id)
        ).scalars():
            out[row.referral_id].append(_reading(row, None))
    return out


def count_and_latest(session: Session, woman_id: int) -> tuple[int, date | None]:
    count, latest = session.execute(
        select(func.count(OutcomeReading.id), func.max(OutcomeReading.taken_on)).where(
            OutcomeReading.woman_id == woman_id
        )
    ).one()
    if isinstance(latest, str):  # SQLite's max() comes back as text
        latest = date.fromisoformat(latest)
    return int(count or 0), latest


def erase_for_woman(session: Session, woman_id: int, referral_ids: tuple[int, ...] = ()) -> int:
    cond = OutcomeReading.woman_id == woman_id
    if referral_ids:
        cond = cond | OutcomeReading.referral_id.in_(referral_ids)
    return session.execute(delete(OutcomeReading).where(cond)).rowcount


def erase_for_case(session: Session, referral_id: int) -> int:
    return session.execute(delete(OutcomeReading).where(OutcomeReading.referral_id == referral_id)).rowcount
