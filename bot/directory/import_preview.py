"""What an import would do, before it does it, and the write once an admin confirms.

`preview` writes the file inside a savepoint and rolls it back: the listings
read before and after are compared field by field, so the preview shows exactly
what the import would write (normalised postcodes, matched by UUID or id,
categories with their parents), not a guess beside it. Each listing in the file
is added, changed or left as it is.

A changed listing that was edited here after the file's record of it (its own
`updated_at` / `last_modified` in the file, else the file's export time) is
flagged: `apply` refuses to overwrite it unless the admin allowed that
listing. A file with no time at all cannot show an edit is older, so its changes
are flagged too. Listings left as they are are not written (their ids and
`updated_at` stay).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.dates import london
from bot.db.models import DirService
from bot.directory import taxonomy
from bot.directory.bulk_import import ImportReport, ParsedFile, RowError
from bot.directory.listing_reads import query_services, service_to_dict, with_children
from bot.hours import Opening, format_week

FIELDS = (
    ("name", "Name"),
    ("organisation", "Organisation"),
    ("external_id", "Id"),
    ("description", "Description"),
    ("url", "Website"),
    ("email", "Email"),
    ("status", "Status"),
    ("women_only", "Women only"),
    ("national", "National"),
    ("eligibility", "Eligibility"),
    ("closed_on_bank_holidays", "Closed on bank holidays"),
    ("is_sample", "SAMPLE listing"),
    ("last_checked", "Last checked"),
    ("categories", "Categories"),
    ("phones", "Phones"),
    ("locations", "Places"),
    ("schedules", "Hours"),
    ("holidays", "Holidays"),
)


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    row: int
    ref: str | None
    name: str
    action: str  # "add", "change" or "same"
    service_id: int | None = None  # the listing changed or left (an added one has no id yet)
    changes: list[Change] = field(default_factory=list)
    edited_here: str | None = None  # why overwriting it needs the admin's word; None: it does not


@dataclass
class Preview:
    entries: list[Entry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    not_in_file: int = 0  # listings here the file does not name: left as they are

    @property
    def ok(self) -> bool:
        return not self.errors

    def of(self, action: str) -> list[Entry]:
        return [e for e in self.entries if e.action == action]

    @property
    def flagged(self) -> list[Entry]:
        return [e for e in self.entries if e.action == "change" and e.edited_here]


def _clock(value: str) -> time:
    return time.fromisoformat(value)


def _shown(key: str, value: Any) -> str:
    """A field as the admin reads it (and as the two sides are compared)."""
    if value is None or value == []:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "categories":
        return ", ".join(taxonomy.label(c) if taxonomy.is_category(c) else c for c in value)
    if key == "phones":
        return "; ".join(p["number"] + (f" ({p['description']})" if p.get("description") else "") for p in value)
    if key == "locations":
        parts = ("name", "address", "postcode", "borough", "transport", "latitude", "longitude")
        return "; ".join(" | ".join(str(loc[k]) for k in parts if loc.get(k) not in (None, "")) for loc in value)
    if key == "schedules":
        places: dict[int | None, list[Opening]] = {}
        for s in value:
            places.setdefault(s["location"], []).append(
                Opening(s["weekday"], _clock(s["opens_at"]), _clock(s["closes_at"]))
            )
        return "; ".join(
            (f"at place {where + 1}: " if where is not None else "") + format_week(openings)
            for where, openings in sorted(places.items(), key=lambda kv: -1 if kv[0] is None else kv[0])
        )
    if key == "holidays":
        return "; ".join(
            f"{h['start_date']}..{h['end_date']} "
            + ("closed" if h["closed"] else f"{h['opens_at']}-{h['closes_at']}")
            + (f" {h['description']}" if h.get("description") else "")
            for h in value
        )
    return str(value)


def _edited_here(updated_at: datetime | None, stamp: datetime | None, exported_at: datetime | None) -> str | None:
    if updated_at is None:
        return None
    here = updated_at.astimezone(timezone.utc).replace(microsecond=0)  # files give whole seconds
    said = stamp or exported_at
    when = here.astimezone(london()).strftime("%d %b %Y %H:%M")
    if said is None:
        return f"The file does not say when it was exported; this listing was last changed here on {when}."  # not sent
    if here > said:
        what = "this listing was last changed in the file" if stamp else "the file was exported"
        # Shown to the admin on the preview page, never sent: staff page text stays out of the catalogue.
        said_at = said.astimezone(london()).strftime("%d %b %Y %H:%M")
        return f"Edited here on {when}, after {what} ({said_at})."  # not sent
    return None


def preview(session: Session, parsed: ParsedFile) -> Preview:
    """What importing `parsed` would do; nothing is written."""
    if parsed.errors:
        return Preview(errors=list(parsed.errors))
    before = {s.id: (service_to_dict(s), s.updated_at) for s in query_services(session, include_inactive=True)}
    dry_run = session.begin_nested()
    try:
        report = parsed.write(session)
        after: dict[int, dict[str, Any]] = {}
        if report.ok:
            session.expire_all()  # read what the write left, not what was loaded before it
            wanted = with_children(select(DirService)).where(DirService.id.in_(set(report.rows.values())))
            after = {s.id: service_to_dict(s) for s in session.execute(wanted).scalars().unique()}
    finally:
        dry_run.rollback()
    if not report.ok:
        return Preview(errors=report.errors)
    out = Preview()
    for row, ref, _data in parsed.items:
        sid = report.rows[row]
        new = after[sid]
        if sid not in before:
            out.entries.append(Entry(row, ref, new["name"], "add"))
            continue
        old, updated_at = before[sid]
        changes = [
            Change(label, _shown(key, old.get(key)), _shown(key, new.get(key)))
            for key, label in FIELDS
            if _shown(key, old.get(key)) != _shown(key, new.get(key))
        ]
        entry = Entry(row, ref, old["name"], "change" if changes else "same", sid, changes)
        if changes:
            entry.edited_here = _edited_here(updated_at, parsed.stamps.get(row), parsed.exported_at)
        out.entries.append(entry)
    out.not_in_file = len(set(before) - {e.service_id for e in out.entries})
    return out


def apply(session: Session, parsed: ParsedFile, allowed: set[int]) -> tuple[Preview, ImportReport | None]:
    """Write the added and changed listings, unless one edited here since is not in `allowed`
    (listing ids the admin ticked): then nothing is written and the report is None."""
    plan = preview(session, parsed)
    if not plan.ok:
        return plan, ImportReport(errors=plan.errors)
    if any(e.service_id not in allowed for e in plan.flagged):
        return plan, None
    rows = {e.row for e in plan.entries if e.action != "same"}
    return plan, parsed.write(session, rows) if rows else ImportReport()
