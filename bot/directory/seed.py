"""Load the SAMPLE directory (bot/directory/data/sample_directory.csv).

Only listings whose id is not in the directory yet are added, so running it
twice changes nothing and never undoes an admin's edit.
"""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

from bot.db.session import session_scope
from bot.directory.bulk_import import ImportReport
from bot.directory.listing_reads import find_by_external_id
from bot.directory.listings_csv import import_csv

SAMPLE_CSV = Path(__file__).resolve().parent / "data" / "sample_directory.csv"
logger = logging.getLogger(__name__)


def sample_csv_text() -> str:
    """The sample file without its comment line."""
    lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("#"))


def seed_directory(url: str | None = None) -> ImportReport:
    text = sample_csv_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    with session_scope(url) as session:
        known = find_by_external_id(session, [row["id"] for row in rows])
        new = [row for row in rows if row["id"] not in known]
        if not new:
            return ImportReport()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(new)
        report = import_csv(session, out.getvalue())
        if not report.ok:
            raise RuntimeError("SAMPLE directory did not load:\n" + report.as_text())
        logger.info("SAMPLE directory: %s", report.as_text())
        return report
