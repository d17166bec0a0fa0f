"""The listings import's units of work for the staff pages: read an upload and
keep it for its preview, then write it when the admin confirms (audited).

The directory does the reading, comparing and writing (bot/directory/
import_preview.py); the file waits in import_store, found by a token that only
the uploading staff session can use.
"""

from __future__ import annotations

from bot.db.session import session_scope
from bot.directory import import_store
from bot.directory.bulk_import import ImportReport, ParsedFile
from bot.directory.import_preview import Preview, apply, preview
from bot.directory.listings_csv import read_csv
from bot.directory.oruk_json import read_openreferral_json
from bot.staff import audit


def _read(kind: str, text: str) -> ParsedFile:
    return read_csv(text) if kind == "csv" else read_openreferral_json(text)


def preview_upload(
    staff_id: int, staff_session_id: int, kind: str, filename: str, text: str
) -> tuple[Preview, str | None]:
    """What the file would do, and the token it is kept under (None: it has problems, nothing kept)."""
    with session_scope() as session:
        plan = preview(session, _read(kind, text))
        if not plan.ok:
            return plan, None
        return plan, import_store.keep(session, staff_id, staff_session_id, kind, filename, text)


def confirm(
    staff_id: int, staff_session_id: int, token: str, allowed: set[int]
) -> tuple[Preview, ImportReport | None, str, str, str] | None:
    """Write the kept file. None: no such file for this session (or expired). A None report:
    refused, a listing edited here since was not ticked; the file stays for another try."""
    with session_scope() as session:
        pending = import_store.find(session, token, staff_session_id)
        if pending is None:
            return None
        kind, filename = pending.kind, pending.filename or ""
        plan, report = apply(session, _read(kind, pending.body), allowed)
        if report is not None and report.ok:
            audit.record(session, staff_id, f"import_listings_{kind}", "listing", None)
            actions = {e.row: e for e in plan.entries}
            for row, service_id in sorted(report.rows.items()):
                entry = actions[row]
                audit.record(
                    session,
                    staff_id,
                    "import_add_listing" if entry.action == "add" else "import_edit_listing",
                    "listing",
                    service_id,
                )
                if entry.edited_here:
                    audit.record(session, staff_id, "import_overwrote_newer_edit", "listing", service_id)
            import_store.drop(session, token, staff_session_id)
        return plan, report, token, filename, kind


def cancel(staff_session_id: int, token: str) -> None:
    with session_scope() as session:
        import_store.drop(session, token, staff_session_id)
