"""Import and export of listings: CSV and Open Referral UK JSON.

Open Referral UK 3.0 (the export ORUK readers and the /oruk/ API use) is in
oruk.py; `export_openreferral_json` still writes our older 1.1-shaped document
for the staff download, and `import_openreferral_json` reads both.

Imports are all or nothing: every row is checked first and the report lists
every problem by row; if there is any, nothing is written. Rows with an `id`
(external id) that is already in the directory update that listing; others
are added. The field mapping to Open Referral UK is in bot/directory/README.md.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.directory import oruk, taxonomy
from bot.directory.oruk import as_object, as_objects, as_scalar
from bot.directory.admin import (
    DirectoryError,
    clean_service,
    create_service,
    find_by_external_id,
    query_services,
    service_to_dict,
    update_service,
)
from bot.db.models import DirOrganisation, DirService
from bot.directory.phones import phone_cell
from bot.hours import DAY_NAMES, Opening, format_week

CSV_COLUMNS = (
    "id", "organisation", "name", "description", "categories", "women_only", "national", "eligibility",
    "phones", "location_name", "address", "postcode", "borough", "latitude", "longitude", "transport",
    "hours", "closed_on_bank_holidays", "holidays", "last_checked", "url", "email", "status", "sample",
)
ORUK_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


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

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_text(self) -> str:
        if self.ok:
            return f"imported: {self.created} added, {self.updated} updated"
        return "nothing imported:\n" + "\n".join(
            f"row {e.row}{f' ({e.ref})' if e.ref else ''}: {e.message}" for e in self.errors
        )


def _write_all(session: Session, items: list[tuple[int, str | None, dict[str, Any]]],
               ids: dict[int, dict[str, Any]] | None = None) -> ImportReport:
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
    by_uuid = dict(session.execute(select(DirService.uuid, DirService.id)
                                   .where(DirService.uuid.in_(list(seen_uuid)))).all()) if seen_uuid else {}
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
                if hint:
                    oruk.apply_ids(session, service, hint, {n for n in names if n not in known_orgs}, taken)
            except DirectoryError as exc:
                report.errors.extend(RowError(row, m, ref) for m in exc.errors)
        if report.errors:
            savepoint.rollback()
            report.created = report.updated = 0
            return report
        savepoint.commit()
    except SQLAlchemyError as exc:
        savepoint.rollback()
        report.created = report.updated = 0
        report.errors.append(RowError(0, f"database refused the import: {str(exc).splitlines()[0][:200]}"))
    return report


# --- CSV ------------------------------------------------------------------------------------


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
        data["locations"] = [{
            "name": get("location_name"), "address": get("address"), "postcode": get("postcode"),
            "borough": get("borough"), "latitude": get("latitude"), "longitude": get("longitude"),
            "transport": get("transport"),
        }]
    else:
        data["locations"] = []
    return data


def import_csv(session: Session, source: str | io.TextIOBase) -> ImportReport:
    """Listings from CSV text (columns: CSV_COLUMNS; one place per row).

    Rows sharing an `id` are one listing at several places: the first row
    gives the listing's fields, every row adds its place.
    """
    handle = io.StringIO(source) if isinstance(source, str) else source
    reader = csv.DictReader(handle)
    try:
        return _import_rows(session, reader)
    except csv.Error as exc:  # e.g. a NUL byte, or a quote never closed
        return ImportReport(errors=[RowError(reader.line_num, f"the file could not be read as CSV ({exc})")])


def _import_rows(session: Session, reader: csv.DictReader) -> ImportReport:
    missing = {"name", "organisation"} - set(reader.fieldnames or [])
    if missing:
        return ImportReport(errors=[RowError(0, "missing columns: " + ", ".join(sorted(missing)))])
    unknown = set(reader.fieldnames or []) - set(CSV_COLUMNS)
    if unknown:
        return ImportReport(errors=[RowError(0, "unknown columns: " + ", ".join(sorted(unknown)))])
    items: list[tuple[int, str | None, dict[str, Any]]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(reader, start=1):
        data = _row_to_data(row)
        ext = data["external_id"]
        if ext and ext in by_id:
            by_id[ext]["locations"].extend(data["locations"])
            continue
        if ext:
            by_id[ext] = data
        items.append((number, ext or data["name"] or None, data))
    return _write_all(session, items)


def export_csv(session: Session, **filters: Any) -> str:
    """Every listing (filters as list_services) as CSV text that import_csv reads back."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for service in query_services(session, include_inactive=True, **filters):
        d = service_to_dict(service)
        common = {
            "id": d["external_id"] or f"elpis-{d['id']}", "organisation": d["organisation"], "name": d["name"],
            "description": d["description"] or "", "categories": ";".join(d["categories"]),
            "women_only": "yes" if d["women_only"] else "no", "national": "yes" if d["national"] else "no",
            "eligibility": d["eligibility"] or "", "phones": phone_cell(d["phones"]),
            "hours": format_week([Opening(s.weekday, s.opens_at, s.closes_at) for s in service.schedules]),
            "closed_on_bank_holidays": "yes" if d["closed_on_bank_holidays"] else "no",
            "holidays": _holidays_text(d["holidays"]), "last_checked": d["last_checked"] or "",
            "url": d["url"] or "", "email": d["email"] or "", "status": d["status"],
            "sample": "yes" if d["is_sample"] else "no",
        }
        locations = d["locations"] or [{}]
        for loc in locations:
            writer.writerow({
                **common, "location_name": loc.get("name") or "", "address": loc.get("address") or "",
                "postcode": loc.get("postcode") or "", "borough": loc.get("borough") or "",
                "latitude": "" if loc.get("latitude") is None else loc["latitude"],
                "longitude": "" if loc.get("longitude") is None else loc["longitude"],
                "transport": loc.get("transport") or "",
            })
    return out.getvalue()


# --- Open Referral UK JSON ------------------------------------------------------------------


def _taxonomy_term(code: str) -> dict[str, Any]:
    return {"id": code, "name": taxonomy.label(code), "vocabulary": taxonomy.VOCABULARY,
            "parent_id": taxonomy.parent(code)}


def _oruk_schedule(s: dict[str, Any]) -> dict[str, Any]:
    return {"freq": "WEEKLY", "interval": 1, "byday": ORUK_DAYS[s["weekday"] - 1],
            "opens_at": s["opens_at"], "closes_at": s["closes_at"]}


def export_openreferral_json(session: Session, **filters: Any) -> dict[str, Any]:
    """The directory in our older Open Referral UK 1.1 shape (service with full details),
    kept for the staff download and files written before; ORUK 3.0 is oruk.export_oruk.

    Elpis-only fields carry an `x_elpis_` prefix so ORUK readers can ignore them.
    """
    services = []
    for service in query_services(session, include_inactive=True, **filters):
        d = service_to_dict(service)
        ext = d["external_id"] or f"elpis-{d['id']}"
        sal = []
        for i, loc in enumerate(d["locations"]):
            sal.append({
                "id": f"{ext}-at-{i + 1}",
                "location": {
                    "id": f"{ext}-location-{i + 1}", "name": loc["name"], "description": None,
                    "latitude": loc["latitude"], "longitude": loc["longitude"],
                    "transportation": loc["transport"],
                    "physical_addresses": [{"address_1": loc["address"], "city": "London" if loc["borough"] else None,
                                            "state_province": loc["borough"], "postal_code": loc["postcode"],
                                            "country": "GB"}],
                },
                "regular_schedules": [_oruk_schedule(s) for s in d["schedules"] if s["location"] == i],
            })
        services.append({
            "id": ext,
            "name": d["name"],
            "description": d["description"],
            "url": d["url"],
            "email": d["email"],
            "status": d["status"],
            "assured_date": d["last_checked"],
            "organization": {"id": f"org-{service.organisation_id}", "name": d["organisation"],
                             "description": service.organisation.description if service.organisation else None,
                             "url": service.organisation.url if service.organisation else None},
            "eligibilitys": [{"eligibility": d["eligibility"]}] if d["eligibility"] else [],
            "phones": [{"number": p["number"], "description": p["description"]} for p in d["phones"]],
            "service_at_locations": sal,
            "regular_schedules": [_oruk_schedule(s) for s in d["schedules"] if s["location"] is None],
            "holiday_schedules": [
                {"closed": h["closed"], "start_date": h["start_date"], "end_date": h["end_date"],
                 "opens_at": h["opens_at"], "closes_at": h["closes_at"], "description": h["description"]}
                for h in d["holidays"]
            ],
            "service_taxonomys": [{"taxonomy": _taxonomy_term(code)} for code in d["categories"]],
            "x_elpis_women_only": d["women_only"],
            "x_elpis_national": d["national"],
            "x_elpis_closed_on_bank_holidays": d["closed_on_bank_holidays"],
            "x_elpis_sample": d["is_sample"],
        })
    return {
        "schema": "Open Referral UK (HSDS 1.1 UK profile), service with full details; x_elpis_* are extensions",
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "taxonomy": [_taxonomy_term(code) for code in taxonomy.CATEGORIES],
        "services": services,
    }


def _days_of(byday: Any) -> list[int]:
    codes = byday if isinstance(byday, list) else str(byday or "").split(",")
    days = []
    for code in codes:
        code = str(code).strip().upper()[:2]
        if code in ORUK_DAYS:
            days.append(ORUK_DAYS.index(code) + 1)
        elif code.title() in DAY_NAMES:
            days.append(DAY_NAMES.index(code.title()) + 1)
    return days



def _schedules(regular: list[dict[str, Any]], location: int | None) -> list[dict[str, Any]]:
    return [{"weekday": day, "opens_at": as_scalar(rs.get("opens_at")), "closes_at": as_scalar(rs.get("closes_at")),
             "location": location} for rs in regular for day in _days_of(rs.get("byday"))]


def _oruk_to_data(s: dict[str, Any]) -> dict[str, Any]:
    # Files from other systems: every part may be missing or the wrong shape.
    # Wrong shapes are skipped here; clean_service then says what is missing.
    org = as_object(s.get("organization"))
    locations, schedules = [], []
    for i, sal in enumerate(as_objects(s.get("service_at_locations"))):
        loc = as_object(sal.get("location"))
        address = (as_objects(loc.get("physical_addresses")) or [{}])[0]
        locations.append({
            "name": as_scalar(loc.get("name")), "address": as_scalar(address.get("address_1")),
            "postcode": as_scalar(address.get("postal_code")), "borough": as_scalar(address.get("state_province")),
            "latitude": as_scalar(loc.get("latitude")), "longitude": as_scalar(loc.get("longitude")),
            "transport": as_scalar(loc.get("transportation")),
        })
        schedules += _schedules(as_objects(sal.get("regular_schedules")), i)
    schedules += _schedules(as_objects(s.get("regular_schedules")), None)
    eligibility = "; ".join(str(e["eligibility"]) for e in as_objects(s.get("eligibilitys")) if e.get("eligibility"))
    data: dict[str, Any] = {
        "external_id": as_scalar(s.get("id")),
        "name": as_scalar(s.get("name")),
        "organisation": as_scalar(org.get("name")),
        "description": as_scalar(s.get("description")),
        "url": as_scalar(s.get("url")),
        "email": as_scalar(s.get("email")),
        "status": as_scalar(s.get("status")) or "active",
        "last_checked": as_scalar(s.get("assured_date")),
        "eligibility": eligibility or None,
        "phones": [{"number": as_scalar(p.get("number")), "description": as_scalar(p.get("description"))}
                   for p in as_objects(s.get("phones"))],
        "locations": locations,
        "schedules": schedules,
        "holidays": [
            {k: as_scalar(h.get(k)) for k in ("start_date", "end_date", "closed", "opens_at", "closes_at", "description")}
            for h in as_objects(s.get("holiday_schedules"))
        ],
        "categories": [
            as_object(t.get("taxonomy")).get("id") or as_object(t.get("taxonomy")).get("name") or ""
            for t in as_objects(s.get("service_taxonomys"))
        ],
    }
    for key, field_name in (("x_elpis_women_only", "women_only"), ("x_elpis_national", "national"),
                            ("x_elpis_closed_on_bank_holidays", "closed_on_bank_holidays"),
                            ("x_elpis_sample", "is_sample")):
        if key in s:
            data[field_name] = as_scalar(s[key])
    return data


def import_openreferral_json(session: Session, source: str | dict[str, Any] | list[Any]) -> ImportReport:
    """Listings from Open Referral UK JSON, 3.0 or our older 1.1 files: a bare list of
    services (a 3.0 `service_package`), {"services": [...]}, or a 3.0 page {"contents": [...]}.

    Each service is read as 3.0 unless it uses 1.1-only names (oruk.is_v3); 1.1
    services are read exactly as before (matched by `id` as external id).
    """
    try:
        doc = json.loads(source) if isinstance(source, str) else source
    except json.JSONDecodeError as exc:
        return ImportReport(errors=[RowError(0, f"not JSON: {exc.msg} at line {exc.lineno}")])
    services = (doc.get("services", doc.get("contents")) if isinstance(doc, dict) else doc)
    if not isinstance(services, list):
        return ImportReport(errors=[RowError(0, "expected a list of services (or {\"services\": [...]})")])
    items: list[tuple[int, str | None, dict[str, Any]]] = []
    ids: dict[int, dict[str, Any]] = {}
    report = ImportReport()
    for number, s in enumerate(services, start=1):
        if not isinstance(s, dict):
            report.errors.append(RowError(number, "a service must be an object"))
            continue
        ref = as_scalar(s.get("id")) or as_scalar(s.get("name"))
        if oruk.is_v3(s):
            data, ids[number] = oruk.service_to_data(s)
        else:
            data = _oruk_to_data(s)
        items.append((number, ref, data))
    if not report.ok:
        return report
    return _write_all(session, items, ids)


def dump_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, default=str)


def external_ids(items: Iterable[dict[str, Any]]) -> list[str]:
    return [i.get("id") for i in items if i.get("id")]
