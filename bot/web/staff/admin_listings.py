"""Partner-service listings: list, add, edit, delete, and CSV / Open Referral UK
import and export, on the directory's own functions (bot/directory/). Every
save touches the listing's `updated_at`, so the bot's next search sees it."""

from __future__ import annotations

import uuid
from datetime import date

from sanic import Blueprint, response

from bot import directory
from bot.db.models import DirService
from bot.db.session import run_db, session_scope
from bot.directory import taxonomy
from bot.directory.listing_input import DirectoryError
from bot.directory.listing_reads import hours_text
from bot.directory.oruk import export_oruk
from bot.directory.oruk_json import dump_json
from bot.staff import audit
from bot.web.staff import listing_import
from bot.web.staff.handlers import act, load_or_404, see_other
from bot.web.staff.render import page
from bot.web.staff.security import MAX_FORM_BYTES, form_id, parse_id, staff_only

bp = Blueprint("staff_listings")

CATEGORY_CHOICES = [(code, label) for code, (label, _parent) in taxonomy.CATEGORIES.items()]


def _lines(text: str) -> list[list[str]]:
    return [[part.strip() for part in line.split("|")] for line in (text or "").splitlines() if line.strip()]


def phones_text(phones: list[dict]) -> str:
    return "\n".join(" | ".join(filter(None, [p.get("number"), p.get("description")])) for p in phones)


def locations_text(locations: list[dict]) -> str:
    return "\n".join(
        " | ".join((loc.get(k) or "") for k in ("name", "address", "postcode", "borough", "transport")).rstrip(" |")
        for loc in locations
    )


def form_values(request) -> dict:
    """The form as the listing dict the directory takes (lists only when changed)."""
    f = request.form
    data = {
        "name": f.get("name"),
        "organisation": f.get("organisation"),
        "description": f.get("description"),
        "url": f.get("url"),
        "email": f.get("email"),
        "eligibility": f.get("eligibility"),
        "status": "active" if f.get("active") == "on" else "inactive",
        "women_only": f.get("women_only") == "on",
        "national": f.get("national") == "on",
        "closed_on_bank_holidays": f.get("closed_on_bank_holidays") == "on",
        "categories": [c for c in f.getlist("categories") or [] if taxonomy.is_category(c)],
        "last_checked": f.get("last_checked") or None,
    }
    data["phones"] = [{"number": p[0], "description": p[1] if len(p) > 1 else None} for p in _lines(f.get("phones"))]
    if (f.get("locations") or "").strip() != (f.get("locations_was") or "").strip() or not f.get("service_id"):
        data["locations"] = [
            dict(zip(("name", "address", "postcode", "borough", "transport"), p + [""] * (5 - len(p))))
            for p in _lines(f.get("locations"))
        ]
    if (f.get("hours") or "").strip() != (f.get("hours_was") or "").strip() or not f.get("service_id"):
        data["hours"] = (f.get("hours") or "").strip()
    return data


def _list(search: str, category: str):
    with session_scope() as session:
        return directory.list_services(session, search=search or None, category=category or None, include_inactive=True)


def _get(service_id: int):
    with session_scope() as session:
        data = directory.get_service(session, service_id)
        if data is not None:
            data["hours_text"] = hours_text(session.get(DirService, service_id))
        return data


def _save(service_id: int | None, data: dict, staff_id: int) -> int:
    with session_scope() as session:
        if service_id is None:
            # A stable id, so an export of this listing imports back onto it (not as a copy).
            service = directory.create_service(session, {**data, "external_id": f"staff-{uuid.uuid4().hex[:12]}"})
        else:
            service = directory.update_service(session, service_id, data)
        audit.record(session, staff_id, "edit_listing" if service_id else "add_listing", "listing", service.id)
        return service.id


def _delete(service_id: int, staff_id: int) -> None:
    with session_scope() as session:
        if not directory.delete_service(session, service_id):
            raise LookupError("no such listing")
        audit.record(session, staff_id, "delete_listing", "listing", service_id)


def _export(kind: str) -> str:
    with session_scope() as session:
        if kind == "csv":
            return directory.export_csv(session)
        return dump_json(export_oruk(session))  # Open Referral UK 3.0, what other directories read


def _blank() -> dict:
    return {
        "name": "",
        "organisation": "",
        "description": "",
        "url": "",
        "email": "",
        "eligibility": "",
        "status": "active",
        "women_only": True,
        "national": False,
        "closed_on_bank_holidays": True,
        "categories": [],
        "phones": [],
        "locations": [],
        "hours_text": "",
        "last_checked": date.today().isoformat(),
    }


def _form_page(request, service: dict, service_id: int | None, errors: list[str] | None = None, status: int = 200):
    return page(
        request,
        "admin/service_form.html",
        status=status,
        service=service,
        service_id=service_id,
        errors=errors or [],
        categories=CATEGORY_CHOICES,
        phones=phones_text(service.get("phones") or []),
        locations=locations_text(service.get("locations") or []),
    )


@bp.get("/admin/services", name="services")
@staff_only("admin")
async def services(request):
    search = (request.args.get("q") or "")[:80]
    category = request.args.get("category") or ""
    rows = await run_db(_list, search, category if taxonomy.is_category(category) else "")
    return page(request, "admin/services.html", rows=rows, q=search, category=category, categories=CATEGORY_CHOICES)


@bp.get("/admin/services/new", name="service_new")
@staff_only("admin")
async def service_new(request):
    return _form_page(request, _blank(), None)


@bp.get("/admin/services/<service_id:int>", name="service_edit")
@staff_only("admin")
async def service_edit(request, service_id: int):
    return _form_page(request, await load_or_404("listing", _get, service_id), service_id)


@bp.post("/admin/services/save", name="service_save")
@staff_only("admin")
async def service_save(request):
    service_id = form_id(request, "service_id", "listing")  # none: a new listing
    data = form_values(request)
    try:
        return await act(
            request,
            "listing",
            _save,
            service_id,
            data,
            request.ctx.me.staff_id,
            then="staff_listings.services",
            ok="saved",
        )
    except DirectoryError as exc:
        shown = {
            **_blank(),
            **data,
            "hours_text": request.form.get("hours") or "",
            "locations": data.get("locations") or [],
            "status": data["status"],
        }
        return _form_page(request, shown, service_id, errors=exc.errors, status=400)


@bp.post("/admin/services/<service_id:int>/delete", name="service_delete")
@staff_only("admin")
async def service_delete(request, service_id: int):
    return await act(
        request, "listing", _delete, service_id, request.ctx.me.staff_id, then="staff_listings.services", ok="deleted"
    )


@bp.get("/admin/services/export.csv", name="services_export_csv")
@staff_only("admin")
async def services_export_csv(request):
    return await _export_response("csv")


@bp.get("/admin/services/export.json", name="services_export_json")
@staff_only("admin")
async def services_export_json(request):
    return await _export_response("json")


async def _export_response(kind: str):
    body = await run_db(_export, kind)
    name = "elpis-listings.csv" if kind == "csv" else "elpis-listings-openreferral.json"
    mime = "text/csv; charset=utf-8" if kind == "csv" else "application/json; charset=utf-8"
    return response.text(body, content_type=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/admin/services/import", name="services_import")
@staff_only("admin")
async def services_import(request):
    return page(request, "admin/import.html", report=None)


@bp.post("/admin/services/import", name="services_import_post")
@staff_only("admin")
async def services_import_post(request):
    """Upload: read the file and show what it would do (listing_import.preview_upload); nothing is written."""
    kind = request.form.get("format")
    upload = request.files.get("file") if request.files else None
    if kind not in ("csv", "json") or upload is None or not upload.body:
        return _import_error(request, "Choose a file and say whether it is CSV or Open Referral UK JSON.")
    if len(upload.body) > MAX_FORM_BYTES:
        return _import_error(request, "That file is too big.")
    try:
        text = upload.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _import_error(request, "That file is not UTF-8 text. Save it as CSV UTF-8 (or JSON) and try again.")
    me = request.ctx.me
    plan, token = await run_db(listing_import.preview_upload, me.staff_id, me.session_id, kind, upload.name or "", text)
    if not plan.ok:
        return page(request, "admin/import.html", status=400, report=plan)
    return page(request, "admin/import_preview.html", plan=plan, token=token, filename=upload.name or "", kind=kind)


@bp.post("/admin/services/import/confirm", name="services_import_confirm")
@staff_only("admin")
async def services_import_confirm(request):
    """Confirm: write the file kept at preview; a listing edited here since needs its box ticked."""
    me = request.ctx.me
    allowed = {i for i in (parse_id(v) for v in request.form.getlist("overwrite") or []) if i is not None}
    outcome = await run_db(listing_import.confirm, me.staff_id, me.session_id, request.form.get("token") or "", allowed)
    if outcome is None:
        return _import_error(request, "That preview has expired or was not yours. Upload the file again.")
    plan, report, token, filename, kind = outcome
    if report is None:
        return page(
            request,
            "admin/import_preview.html",
            status=409,
            plan=plan,
            token=token,
            filename=filename,
            kind=kind,
            refused=True,
        )
    if not report.ok:
        return page(request, "admin/import.html", status=400, report=report)
    return page(request, "admin/import.html", report=report, plan=plan)


@bp.post("/admin/services/import/cancel", name="services_import_cancel")
@staff_only("admin")
async def services_import_cancel(request):
    await run_db(listing_import.cancel, request.ctx.me.session_id, request.form.get("token") or "")
    return see_other(request, "staff_listings.services_import")


def _import_error(request, message: str):
    return page(request, "admin/import.html", status=400, report=None, error=message)
