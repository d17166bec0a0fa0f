"""Coverage boroughs: which London boroughs the service takes referrals in."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import CoverageBorough
from bot.geo.boroughs import BOROUGHS_CSV
from bot.staff import audit


@dataclass(frozen=True)
class BoroughRow:
    name: str
    code: str
    bcu: str
    covered: bool


def london_boroughs() -> list[dict]:
    with BOROUGHS_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def coverage_table(session: Session) -> list[BoroughRow]:
    rows = {c.code: c for c in session.execute(select(CoverageBorough)).scalars()}
    out = []
    for b in london_boroughs():
        row = rows.get(b["borough_code"])
        out.append(BoroughRow(b["borough"], b["borough_code"], b["bcu"], bool(row and row.active)))
    return sorted(out, key=lambda r: (r.bcu, r.name))


def set_covered(session: Session, codes: set[str], staff_id: int) -> int:
    """Make exactly `codes` the covered boroughs. Returns how many changed."""
    known = {b["borough_code"]: b for b in london_boroughs()}
    unknown = codes - set(known)
    if unknown:
        raise ValueError("unknown borough code")
    rows = {c.code: c for c in session.execute(select(CoverageBorough)).scalars()}
    changed = 0
    for code, b in known.items():
        row = rows.get(code)
        want = code in codes
        if row is None and want:
            session.add(CoverageBorough(name=b["borough"], code=code, bcu=b["bcu"], active=True))
            changed += 1
        elif row is not None and row.active != want:
            row.active = want
            changed += 1
    if changed:
        audit.record(session, staff_id, "edit_coverage", "coverage", None)
    return changed
