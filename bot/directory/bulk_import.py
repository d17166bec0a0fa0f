"""Writing many listings at once, all or nothing (the CSV and Open Referral imports).

Every listing is checked first and the report lists every problem by row; if
there is any, nothing is written. Listings whose external id (or, from ORUK 3.0,
UUID) is already in the directory update that listing; others are added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.db.models import DirOrganisation, DirService
from bot.directory import oruk_import
from bot.directory.listing_edits import create_service, update_service
from bot.directory.listing_input import DirectoryError, clean_service
from bot.directory.listing_reads import find_by_external_id


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row (CSV: the header is row 0), or service index + 1 in JSON
    message: str
    ref: str | None = None  # the row's id or name, to find it


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: dict[int, int] = field(default_factory=dict)  # file row -> the listing it wrote

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_text(self) -> str:
        if self.ok:
            return f"imported: {self.created} added, {self.updated} updated"
        return "nothing imported:\n" + "\n".join(
            f"row {e.row}{f' ({e.ref})' if e.ref else ''}: {e.message}" for e in self.errors
        )


Item = tuple[int, str | None, dict[str, Any]]  # (row, the row's id or name, the listing dict)


@dataclass
class ParsedFile:
    """A listings file read, nothing written: what the preview compares and the import writes."""

    items: list[Item] = field(default_factory=list)
    ids: dict[int, dict[str, Any]] = field(default_factory=dict)  # by row: the UUIDs an ORUK 3.0 service carried
    # When the file says each listing was last changed (CSV `updated_at`, ORUK 3.0 `last_modified`),
    # and when the whole file was exported (our 1.1 files' `generated_at`): edits here after that are newer.
    stamps: dict[int, datetime] = field(default_factory=dict)
    exported_at: datetime | None = None
    errors: list[RowError] = field(default_factory=list)

    def write(self, session: Session, only: set[int] | None = None) -> ImportReport:
        """Write the file's listings (or only the rows in `only`), all or nothing."""
        if self.errors:
            return ImportReport(errors=list(self.errors))
        items = [item for item in self.items if only is None or item[0] in only]
        return write_all(session, items, {row: v for row, v in self.ids.items() if only is None or row in only})


def file_time(value: Any) -> datetime | None:
    """A time a file gives ('2026-12-07T01:31:50+00:00', '...Z'); none when it is not one. Naive means UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def write_all(session: Session, items: list[Item], ids: dict[int, dict[str, Any]] | None = None) -> ImportReport:
    """Check every listing, then write them all in one savepoint, or none.

    `ids` (by row): the UUIDs an ORUK 3.0 service carried. A listing whose uuid
    is already here is updated (before matching by external id), and the rows
    written keep the file's UUIDs.
    """
    ids = ids or {}
    report = ImportReport()
    seen: dict[str, int] = {}
    seen_uuid: dict[str, int] = {}
    for row, ref, data in items:
        sid = ids.get(row, {}).get("service")
        if sid:
            if sid in seen_uuid:
                report.errors.append(RowError(row, f"id '{sid}' repeats row {seen_uuid[sid]}", ref))
            seen_uuid[sid] = row
        try:
            clean_service(data)
        except DirectoryError as exc:
            report.errors.extend(RowError(row, message, ref) for message in exc.errors)
        ext = data.get("external_id")
        if ext:
            if ext in seen:
                report.errors.append(RowError(row, f"id '{ext}' repeats row {seen[ext]}", ref))
            seen[ext] = row
    if not report.ok:
        return report
    existing = find_by_external_id(session, seen)
    by_uuid = (
        dict(session.execute(select(DirService.uuid, DirService.id).where(DirService.uuid.in_(list(seen_uuid)))).all())
        if seen_uuid
        else {}
    )
    names = {str(d.get("organisation") or "").strip() for _, _, d in items}
    known_orgs = set(session.execute(select(DirOrganisation.name).where(DirOrganisation.name.in_(names))).scalars())
    taken: set[str] = set()
    savepoint = session.begin_nested()
    try:
        for row, ref, data in items:
            ext = data.get("external_id")
            hint = ids.get(row)
            try:
                if hint and hint.get("service") in by_uuid:
                    service = update_service(session, by_uuid[hint["service"]], data)
                    report.updated += 1
                elif ext and ext in existing:
                    service = update_service(session, existing[ext], data)
                    report.updated += 1
                else:
                    service = create_service(session, data)
                    report.created += 1
                report.rows[row] = service.id
                if hint:
                    oruk_import.apply_ids(session, service, hint, {n for n in names if n not in known_orgs}, taken)
            except DirectoryError as exc:
                report.errors.extend(RowError(row, m, ref) for m in exc.errors)
        if report.errors:
            savepoint.rollback()
            report.created = report.updated = 0
            report.rows = {}
            return report
        savepoint.commit()
    except SQLAlchemyError as exc:
        savepoint.rollback()
        report.created = report.updated = 0
        report.rows = {}
        report.errors.append(RowError(0, f"database refused the import: {str(exc).splitlines()[0][:200]}"))
    return report
