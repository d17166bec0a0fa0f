"""Routes of the chat page.

Every response says `no-store` and `no-referrer`: nothing of the page stays in
the browser's cache, and the neutral site she leaves to is not told where she
came from.
"""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, response
from sanic.request import Request

from bot.settings import Settings
from bot.web.chat import proxy, star
from bot.web.chat.assets import STATIC_PREFIX, TEMPLATE_DIR, accepts_gzip, gzip_bytes, load_assets
from bot.web.chat.config import PageConfig, page_config

PRIVATE_HEADERS = {
    "Cache-Control": "no-store, max-age=0",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(config: PageConfig, host: str) -> str:
    # 'self' covers same-origin websockets in current browsers; ws:/wss: for the
    # host are listed too for older ones and for TLS ended at a reverse proxy.
    connect = ["'self'", f"ws://{host}", f"wss://{host}", *config.connect_sources()]
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src " + " ".join(connect),
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def build_blueprint(settings: Settings) -> Blueprint:
    config = page_config(settings)
    assets = load_assets()
    templates = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=select_autoescape(["html"]))
    page_template = templates.get_template("chat.html")
    bp = Blueprint("chat")

    # The page is the same for everyone: render and compress it once.
    html = page_template.render(config=config, static=STATIC_PREFIX).encode("utf-8")
    html_gz = gzip_bytes(html)

    async def page(request: Request):
        headers = {
            **PRIVATE_HEADERS,
            "Vary": "Accept-Encoding",
            "Content-Security-Policy": content_security_policy(config, request.host),
        }
        body = html
        if accepts_gzip(request.headers.get("accept-encoding")):
            body = html_gz
            headers["Content-Encoding"] = "gzip"
        return response.raw(body, content_type="text/html; charset=utf-8", headers=headers)

    bp.add_route(page, "/", methods=["GET"], name="page")
    bp.add_route(page, "/chat", methods=["GET"], name="page_chat")

    @bp.get(f"{STATIC_PREFIX}/<name:path>", name="static")
    async def static(request: Request, name: str):
        asset = assets.get(name)
        if asset is None:
            return response.text("Not found", status=404, headers=PRIVATE_HEADERS)
        headers = {**PRIVATE_HEADERS, "Vary": "Accept-Encoding"}
        body = asset.body
        if accepts_gzip(request.headers.get("accept-encoding")):
            body = asset.gzipped
            headers["Content-Encoding"] = "gzip"
        return response.raw(body, content_type=asset.content_type, headers=headers)

    star.add_routes(bp, PRIVATE_HEADERS)

    if config.proxied:

        @bp.websocket(config.socket_path + "/", name="socket")
        async def socket(request: Request, ws):
            target = proxy.upstream_ws_url(config.upstream_url, config.socket_path, request.query_string)
            await proxy.forward(ws, target)

    return bp
