"""Sanic app factory (Sanic 21.12 is already pinned by Rasa).

Areas are blueprints in their own packages, registered here:
  bot.web.chat   the public chat page (/ and /chat)
  bot.web.staff  the staff app (/staff/...)
"""

from __future__ import annotations

import importlib

from sanic import Sanic, response

from bot.settings import get_settings
from bot.web.staff.render import STATIC_DIR as STAFF_STATIC_DIR

BLUEPRINT_MODULES = ("bot.web.chat", "bot.web.staff", "bot.web.oruk")


def create_app(name: str = "elpis_web") -> Sanic:
    settings = get_settings()
    app = Sanic(name)
    app.config.FALLBACK_ERROR_FORMAT = "html"
    app.ctx.settings = settings
    for module_name in BLUEPRINT_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # that area has not been built yet
        module.register(app)

    # Browsers ask for /favicon.ico on every site; a neutral icon (no words, nothing that names the
    # service), the staff app's own, read once. Pages also link it (<link rel=icon>).
    favicon = (STAFF_STATIC_DIR / "favicon.ico").read_bytes()

    @app.get("/favicon.ico")
    async def favicon_ico(_request):
        return response.raw(favicon, content_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/healthz")
    async def healthz(_request):
        return response.json({"ok": True})

    return app
