"""The page's static files, read and gzipped once at start-up.

Only the files listed here are served (no path from the URL ever reaches the
file system), each with its gzip form ready for cheap phones on slow networks.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_PREFIX = "/chat/static"

# name under STATIC_PREFIX -> content type. axe-core is not here: tests inject it.
FILES = {
    "app.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
    "vendor/socket.io.min.js": "text/javascript; charset=utf-8",
}


@dataclass(frozen=True)
class Asset:
    name: str
    content_type: str
    body: bytes
    gzipped: bytes


def gzip_bytes(data: bytes) -> bytes:
    # mtime=0: the same input always gives the same bytes (stable sizes).
    return gzip.compress(data, compresslevel=9, mtime=0)


def load_assets(static_dir: Path = STATIC_DIR) -> dict[str, Asset]:
    assets = {}
    for name, content_type in FILES.items():
        body = (static_dir / name).read_bytes()
        assets[name] = Asset(
            name=name,
            content_type=content_type,
            body=body,
            gzipped=gzip_bytes(body),
        )
    return assets


def accepts_gzip(accept_encoding: str | None) -> bool:
    for part in (accept_encoding or "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False
