"""A report table as the page shows it and the CSV download writes it.

Counts go with their percentage (`Pct`): the page shows "3 (25%)", the CSV
gives the count and the percentage in two columns, so a spreadsheet can sum
them. Every CSV cell that a spreadsheet would read as a formula is prefixed
with a quote (OWASP's CSV injection advice); a plain signed number ("-1.5",
"+2") runs nothing and stays a number, so an average change can be summed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class Pct:
    """n of `of`; the percentage is None when there is nothing to divide by."""

    n: int
    of: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.n / self.of) if self.of else None

    def __str__(self) -> str:
        return f"{self.n} ({self.percent}%)" if self.percent is not None else str(self.n)


Cell = str | int | Pct | None


@dataclass
class Table:
    key: str  # the CSV's name, [a-z_]
    title: str  # the <caption>
    columns: list[str]  # the first names the rows (a <th scope="row">)
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""  # how it is counted, under the table

    def csv_header(self) -> list[str]:
        header = [self.columns[0]]
        for i, name in enumerate(self.columns[1:], start=1):
            header.append(name)
            if any(isinstance(row[i], Pct) for row in self.rows):
                header.append(f"{name} (%)")
        return header

    def csv_rows(self) -> list[list[str]]:
        pct_columns = {i for i in range(1, len(self.columns)) if any(isinstance(r[i], Pct) for r in self.rows)}
        out = []
        for row in self.rows:
            line = [_text(row[0])]
            for i, cell in enumerate(row[1:], start=1):
                if isinstance(cell, Pct):
                    line += [str(cell.n), "" if cell.percent is None else str(cell.percent)]
                else:
                    line.append(_text(cell))
                    if i in pct_columns:
                        line.append("")
            out.append(line)
        return out


def _text(cell: Cell) -> str:
    return "" if cell is None else str(cell)


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs (=HYPERLINK(...), +1+1, @SUM...)."""
    return "'" + value if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value) else value


def table_csv(table: Table) -> str:
    """The table as CSV text: the header, then its rows; every cell formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in table.csv_header()])
    for row in table.csv_rows():
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()
