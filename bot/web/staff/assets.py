"""The staff app's own static files (a stylesheet and one small script), by name only:
nothing else under static/ is served and no path is followed."""

from __future__ import annotations

from sanic import Blueprint, response

from bot.web.staff.handlers import Missing
from bot.web.staff.render import STATIC_DIR, STATIC_FILES

bp = Blueprint("staff_assets")


# Not named "static": Sanic's url_for treats a route of that name as a static folder.
@bp.get("/static/<name:path>", name="file")
async def static_file(request, name: str):
    content_type = STATIC_FILES.get(name)
    if content_type is None:
        raise Missing("page")
    return await response.file(STATIC_DIR / name, mime_type=content_type)
