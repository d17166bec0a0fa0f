"""The read-only Open Referral UK 3.0 API (issue 22): GET /oruk/, /oruk/services,
/oruk/services/{id}.

Open to anyone (Access-Control-Allow-Origin: *), no login: it serves only what
a listing already shows the public, through bot.directory.oruk.service_doc
(a whitelist of fields), never anything about women or cases. Hidden
(inactive) listings are left out, and in production SAMPLE listings too.
"""

from __future__ import annotations

import uuid
from typing import Any

from sanic import Blueprint, Sanic, response
from sqlalchemy import func, select

from bot.db.models import DirService, DirServiceCategory
from bot.db.session import run_db, session_scope
from bot.directory import oruk
from bot.directory.listing_reads import with_children
from bot.directory.oruk_fields import TERM_CODES
from bot.settings import get_settings

PER_PAGE, MAX_PER_PAGE = 50, 100
HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Cache-Control": "public, max-age=300",
    "X-Content-Type-Options": "nosniff",
}
# Internal references are not for the public feed (ids are the UUIDs).
PRIVATE_FIELDS = ("x_elpis_external_id",)


def _json(body: Any, status: int = 200):
    return response.json(body, status=status, headers=HEADERS)


def _public(query):
    query = query.where(DirService.status == "active")
    if get_settings().is_production:
        query = query.where(DirService.is_sample.is_(False))
    return query


def _doc(service: DirService) -> dict[str, Any]:
    doc = oruk.service_doc(service)
    for key in PRIVATE_FIELDS:
        doc.pop(key, None)
    return doc


def _int(value: str | None, default: int) -> int | None:
    if value in (None, ""):
        return default
    return int(value) if value.isdigit() and len(value) < 7 else None


def _page(page: int, per_page: int, search: str | None, term: str | None) -> dict[str, Any]:
    with session_scope() as session:
        query = _public(select(DirService))
        if search:
            like = f"%{search.lower()}%"
            query = query.where(DirService.name.ilike(like) | DirService.description.ilike(like))
        if term is not None:
            code = TERM_CODES.get(term)
            query = query.where(DirService.categories.any(DirServiceCategory.category == (code or "")))
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = (
            session.execute(
                with_children(query)
                .order_by(DirService.name, DirService.id)
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
            .scalars()
            .unique()
        )
        return oruk.page_doc([_doc(s) for s in rows], total, page, per_page)


def _one(service_uuid: str) -> dict[str, Any] | None:
    with session_scope() as session:
        service = session.execute(
            with_children(_public(select(DirService))).where(DirService.uuid == service_uuid)
        ).scalar_one_or_none()
        return _doc(service) if service else None


def build_blueprint() -> Blueprint:
    bp = Blueprint("oruk", url_prefix="/oruk")

    @bp.get("/", name="oruk_root")
    async def root(_request):
        return _json(oruk.api_details())

    @bp.get("/services", name="oruk_services")
    async def services(request):
        page = _int(request.args.get("page"), 1)
        per_page = _int(request.args.get("per_page"), PER_PAGE)
        if not page or not per_page:
            return _json({"error": "page and per_page are whole numbers from 1"}, 400)
        search = (request.args.get("search") or "").strip()[:100] or None
        return _json(
            await run_db(_page, page, min(per_page, MAX_PER_PAGE), search, request.args.get("taxonomy_term_id"))
        )

    @bp.get("/services/<service_id:str>", name="oruk_service")
    async def service(_request, service_id: str):
        try:
            wanted = str(uuid.UUID(service_id))
        except ValueError:
            wanted = None
        doc = await run_db(_one, wanted) if wanted else None
        if doc is None:
            return _json({"error": "no such service"}, 404)
        return _json(doc)

    return bp


def register(app: Sanic) -> None:
    app.blueprint(build_blueprint())
