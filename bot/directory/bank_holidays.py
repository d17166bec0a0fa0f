"""England and Wales bank holidays, from a small table in the repo.

Why a table and not a package: the dates are few, public and change only by
proclamation; a file an admin can read and extend (one-off days such as a
coronation) beats a dependency. Source and checks: bot/directory/README.md.
Weekend dates are left out: the table lists the days off (substitute days).
"""

from __future__ import annotations

import csv
from datetime import date
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "bank_holidays_england_wales.csv"


@lru_cache(maxsize=1)
def bank_holidays() -> dict[date, str]:
    with TABLE.open(newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {date.fromisoformat(row["date"]): row["name"] for row in csv.DictReader(lines)}


def is_bank_holiday(day: date) -> bool:
    return day in bank_holidays()


def bank_holiday_name(day: date) -> str | None:
    return bank_holidays().get(day)


def covered_years() -> range:
    years = sorted({d.year for d in bank_holidays()})
    return range(years[0], years[-1] + 1)
