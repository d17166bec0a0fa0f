"""The public chat page: `/` and `/chat`, its static files, and the socket.io proxy.

See README.md beside this file for the quick exit, storage and privacy choices.
"""

from __future__ import annotations

from sanic import Sanic

from bot.web.chat.routes import build_blueprint


def register(app: Sanic) -> None:
    app.blueprint(build_blueprint(app.ctx.settings))
