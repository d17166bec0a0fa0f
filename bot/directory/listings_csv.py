"""Listings as CSV: one place per row (CSV_COLUMNS); the field mapping is in
bot/directory/README.md. Imports are all or nothing (bulk_import.write_all).
`updated_at` (written by the export, optional on import) is when the listing was
last changed here: the import preview flags a listing edited since."""

from __future__ import annotations

import csv
import io
from datetime import timezone
from typing import Any

from sqlalchemy.orm import Session

from bot.directory.bulk_import import ImportReport, ParsedFile, RowError, file_time
from bot.directory.listing_reads import query_services, service_to_dict
from bot.directory.phones import phone_cell
from bot.hours import Opening, format_week

CSV_COLUMNS = (
    "id",
    "organisation",
    "name",
    "description",
    "categories",
    "women_only",
    "national",
    "eligibility",
    "phones",
    "location_name",
    "address",
    "postcode",
    "borough",
    "latitude",
    "longitude",
    "transport",
    "hours",
    "closed_on_bank_holidays",
    "holidays",
    "last_checked",
    "url",
    "email",
    "status",
    "sample",
    "updated_at",
)


def _holidays_text(holidays: list[dict[str, Any]]) -> str:
    parts = []
    for h in holidays:
        span = h["start_date"] if h["start_date"] == h["end_date"] else f"{h['start_date']}..{h['end_date']}"
        what = "closed" if h["closed"] else f"{h['opens_at']}-{h['closes_at']}"
        parts.append(f"{span} {what}" + (f" {h['description']}" if h.get("description") else ""))
    return "; ".join(parts)


def _parse_holidays(text: str) -> list[dict[str, Any]]:
    out = []
    for chunk in (text or "").split(";"):
        bits = chunk.split()
        if not bits:
            continue
        start, _, end = bits[0].partition("..")
        entry: dict[str, Any] = {"start_date": start, "end_date": end or start, "closed": True}
        rest = bits[1:]
        if rest and rest[0].lower() != "closed" and "-" in rest[0]:
            opens, closes = rest[0].split("-", 1)
            entry.update(closed=False, opens_at=opens, closes_at=closes)
        if rest:
            rest = rest[1:]
        entry["description"] = " ".join(rest) or None
        out.append(entry)
    return out


def _row_to_data(row: dict[str, str]) -> dict[str, Any]:
    get = lambda key: (row.get(key) or "").strip()  # noqa: E731
    data: dict[str, Any] = {
        "external_id": get("id") or None,
        "organisation": get("organisation"),
        "name": get("name"),
        "description": get("description") or None,
        "categories": get("categories"),
        "women_only": get("women_only") or "no",
        "national": get("national") or "no",
        "eligibility": get("eligibility") or None,
        "phones": get("phones"),
        "hours": get("hours"),
        "closed_on_bank_holidays": get("closed_on_bank_holidays") or "yes",
        "holidays": _parse_holidays(get("holidays")),
        "last_checked": get("last_checked") or None,
        "url": get("url") or None,
        "email": get("email") or None,
        "status": get("status") or "active",
        "is_sample": get("sample") or "no",
    }
    if any(get(k) for k in ("location_name", "address", "postcode", "borough", "latitude", "longitude")):
        data["locations"] = [
            {
                "name": get("location_name"),
                "address": get("address"),
                "postcode": get("postcode"),
                "borough": get("borough"),
                "latitude": get("latitude"),
                "longitude": get("longitude"),
                "transport": get("transport"),
            }
        ]
    else:
        data["locations"] = []
    return data


def import_csv(session: Session, source: str | io.TextIOBase) -> ImportReport:
    """Listings from CSV text (columns: CSV_COLUMNS; one place per row), written at once."""
    return read_csv(source).write(session)


def read_csv(source: str | io.TextIOBase) -> ParsedFile:
    """The listings in CSV text, read and not written.

    Rows sharing an `id` are one listing at several places: the first row
    gives the listing's fields, every row adds its place.
    """
    handle = io.StringIO(source) if isinstance(source, str) else source
    reader = csv.DictReader(handle)
    try:
        return _read_rows(reader)
    except csv.Error as exc:  # e.g. a NUL byte, or a quote never closed
        return ParsedFile(errors=[RowError(reader.line_num, f"the file could not be read as CSV ({exc})")])


def _read_rows(reader: csv.DictReader) -> ParsedFile:
    missing = {"name", "organisation"} - set(reader.fieldnames or [])
    if missing:
        return ParsedFile(errors=[RowError(0, "missing columns: " + ", ".join(sorted(missing)))])
    unknown = set(reader.fieldnames or []) - set(CSV_COLUMNS)
    if unknown:
        return ParsedFile(errors=[RowError(0, "unknown columns: " + ", ".join(sorted(unknown)))])
    parsed = ParsedFile()
    by_id: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(reader, start=1):
        data = _row_to_data(row)
        ext = data["external_id"]
        if ext and ext in by_id:
            by_id[ext]["locations"].extend(data["locations"])
            continue
        if ext:
            by_id[ext] = data
        stamp = file_time(row.get("updated_at"))
        if stamp:
            parsed.stamps[number] = stamp
        parsed.items.append((number, ext or data["name"] or None, data))
    return parsed


def export_csv(session: Session, **filters: Any) -> str:
    """Every listing (filters as list_services) as CSV text that import_csv reads back."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for service in query_services(session, include_inactive=True, **filters):
        d = service_to_dict(service)
        common = {
            "id": d["external_id"] or f"elpis-{d['id']}",
            "organisation": d["organisation"],
            "name": d["name"],
            "description": d["description"] or "",
            "categories": ";".join(d["categories"]),
            "women_only": "yes" if d["women_only"] else "no",
            "national": "yes" if d["national"] else "no",
            "eligibility": d["eligibility"] or "",
            "phones": phone_cell(d["phones"]),
            "hours": format_week([Opening(s.weekday, s.opens_at, s.closes_at) for s in service.schedules]),
            "closed_on_bank_holidays": "yes" if d["closed_on_bank_holidays"] else "no",
            "holidays": _holidays_text(d["holidays"]),
            "last_checked": d["last_checked"] or "",
            "url": d["url"] or "",
            "email": d["email"] or "",
            "status": d["status"],
            "sample": "yes" if d["is_sample"] else "no",
            "updated_at": (
                service.updated_at.astimezone(timezone.utc).isoformat(timespec="seconds") if service.updated_at else ""
            ),
        }
        locations = d["locations"] or [{}]
        for loc in locations:
            writer.writerow(
                {
                    **common,
                    "location_name": loc.get("name") or "",
                    "address": loc.get("address") or "",
                    "postcode": loc.get("postcode") or "",
                    "borough": loc.get("borough") or "",
                    "latitude": "" if loc.get("latitude") is None else loc["latitude"],
                    "longitude": "" if loc.get("longitude") is None else loc["longitude"],
                    "transport": loc.get("transport") or "",
                }
            )
    return out.getvalue()
