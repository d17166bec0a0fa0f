"""Sanic app factory (Sanic 21.12 is already pinned by Rasa).

Areas are blueprints in their own packages, registered here:
  bot.web.chat   the public chat page (/ and /chat)
  bot.web.staff  the staff app (/staff/...)
"""

from __future__ import annotations

import importlib

from sanic import Sanic, response

from bot.settings import get_settings

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

    @app.get("/healthz")
    async def healthz(_request):
        return response.json({"ok": True})

    return app
