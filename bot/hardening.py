"""How processes start in production (ELPIS_ENV=production), see docs/security.md.

Rasa's HTTP API (--enable-api) needs ELPIS_RASA_TOKEN; the open REST channel
(anyone can post as any sender id) is left out of the credentials unless
ELPIS_ALLOW_REST=1; the action server listens on 127.0.0.1 only. In
development nothing changes except the log redaction (bot/logging.yml).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.settings import DEV_SECRET, REPO_ROOT, VAR_DIR, Settings

LOGGING_FILE = REPO_ROOT / "bot" / "logging.yml"


def check_rasa_token(settings: Settings) -> None:
    if settings.is_production and (settings.rasa_token in ("", DEV_SECRET) or len(settings.rasa_token) < 16):
        raise RuntimeError("Refusing to start: ELPIS_RASA_TOKEN must be set (16+ characters) in production")


def credentials_for(settings: Settings, credentials: Path, out_dir: Path | None = None) -> Path:
    """The credentials file Rasa gets: without `rest:` in production unless allowed."""
    if not settings.is_production or settings.allow_rest:
        return credentials
    channels = yaml.safe_load(credentials.read_text()) or {}
    for name in ("rest", "bot.channels.rest.RestInput"):
        channels.pop(name, None)
    path = Path(out_dir or VAR_DIR) / "credentials.production.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(channels, sort_keys=False))
    return path


def rasa_args(settings: Settings) -> list[str]:
    args = ["--logging-config-file", str(LOGGING_FILE)]
    if settings.is_production:
        check_rasa_token(settings)
        args += ["--auth-token", settings.rasa_token]
    return args


def action_server_args() -> list[str]:
    return ["--logging-config_file", str(LOGGING_FILE)]


def action_server_env() -> dict[str, str]:
    # rasa_sdk binds SANIC_HOST (default 0.0.0.0): only Rasa on this host may call it.
    return {"SANIC_HOST": "127.0.0.1"}
