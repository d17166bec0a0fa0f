"""The reports' outcome table: the average change per outcome area between each case's
first and latest scores (with n), for the referrals the report counts (its date and
borough filters). Averages are exact fractions rounded half up to one decimal place,
so a commissioner's spreadsheet and this table agree to the digit."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from sqlalchemy.orm import Session

from bot.db.crud import outcomes as crud
from bot.staff.report_tables import Table

KEY = "outcome_change"


def one_place(value: Fraction, signed: bool = False) -> str:
    """`value` to one decimal place, halves away from zero ("+1.3", "-0.5", "0.0")."""
    tenths = math.floor(abs(value) * 10 + Fraction(1, 2))
    sign = ("-" if value < 0 else "+" if signed else "") if tenths else ""
    return f"{sign}{tenths // 10}.{tenths % 10}"


def _mean(values: Sequence[int], signed: bool = False) -> str:
    return one_place(Fraction(sum(values), len(values)), signed) if values else ""


def outcome_change(session: Session, referral_ids: Sequence[int]) -> Table:
    instrument = crud.get_instrument(session)
    readings = crud.readings_for_cases(session, referral_ids)
    rows: list[list] = []
    for area in instrument.areas if instrument else ():
        firsts, latests = [], []
        for case in readings.values():
            given = [r.scores[area.id] for r in case if area.id in r.scores]
            if len(given) >= 2:
                firsts.append(given[0])
                latests.append(given[-1])
        if area.retired and not firsts:
            continue  # no longer asked, and nothing to show
        name = f"{area.name} (no longer asked)" if area.retired else area.name
        changes = [b - a for a, b in zip(firsts, latests)]
        rows.append([name, len(firsts), _mean(firsts), _mean(latests), _mean(changes, signed=True)])
    with_two = sum(1 for case in readings.values() if len(case) >= 2)
    return Table(
        KEY,
        "Average outcome change per area, first to latest reading",
        ["Area", "Cases (n)", "Average first score", "Average latest score", "Average change"],
        rows,
        note=(
            "Scores are 1 to 10. For each area, n counts the cases that scored it in two or more readings; "
            "each gives her first score and her latest, wherever a reading skipped the area. "
            f"Cases with two or more readings: {with_two}."
        ),
    )
