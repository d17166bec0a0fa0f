"""Settings, read once from the environment.

Every process (Rasa server, action server, worker, staff app, CLI) calls
`get_settings()`; nothing else reads `os.environ`. Defaults are the embedded
development setup: SQLite under `var/`, no Twilio account, local dev inbox.

Each field is read from `ELPIS_<FIELD NAME>` unless its `env=` names another
variable. An empty variable counts as unset. Lists are comma-separated
("48,2"); booleans are true for 1/true/yes/on, false otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseSettings, Field, root_validator, validator
from pydantic.env_settings import SettingsSourceCallable
from pydantic.fields import SHAPE_TUPLE_ELLIPSIS, ModelField

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"

# Values that must never reach production; `Settings.check()` refuses them.
DEV_SECRET = "dev-only-not-secret"
# Fernet key for the embedded default only (so the dev database stays readable
# across restarts); production must set ELPIS_DATA_KEYS and ELPIS_LOOKUP_KEY.
DEV_DATA_KEY = "ZGV2LW9ubHktbm90LXNlY3JldC1lbHBpcy1kYXRhLWs="

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'elpis.db'}"


class Settings(BaseSettings):
    environment: str = Field("development", env="ELPIS_ENV")
    database_url: str = Field(default_factory=default_database_url, env="DATABASE_URL")
    timezone: str = "Europe/London"
    secret_key: str = DEV_SECRET
    # Encryption at rest (bot/db/crypto.py): Fernet keys, newest first (older
    # ones still decrypt, for rotation), and the key of the phone lookup hash.
    data_keys: tuple[str, ...] = (DEV_DATA_KEY,)
    lookup_key: str = DEV_SECRET
    # Version of the privacy notice shown before consent; stored with each consent.
    privacy_notice_version: str = "2026-11"
    reference_prefix: str = "ELP"
    caution_deadline_weeks: int = 16
    rasa_url: str = "http://127.0.0.1:5005"
    # The staff app's calls to Rasa's HTTP API give up after this long, so a busy
    # Rasa shows the keyworker a clear message instead of a page that hangs.
    rasa_api_timeout_s: float = 5.0
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    # Twilio: empty account means the dev inbox / local fake is used.
    twilio_account_sid: str = Field("", env="TWILIO_ACCOUNT_SID")
    twilio_auth_token: str = Field("", env="TWILIO_AUTH_TOKEN")
    twilio_from_number: str = Field("", env="TWILIO_FROM_NUMBER")
    twilio_base_url: str = Field("", env="TWILIO_BASE_URL")
    twilio_timeout_s: float = 10.0
    public_base_url: str = "http://127.0.0.1:5005"
    dev_inbox_path: Path = Field(default_factory=lambda: VAR_DIR / "dev_inbox.jsonl", env="ELPIS_DEV_INBOX")
    staff_port: int = 8000
    # Public chat page: where "Leave this site" goes (a neutral page), an
    # optional "text us instead" number (E.164), and the socket.io URL the
    # browser uses (empty: same origin, proxied by our web server to rasa_url).
    exit_url: str = "https://www.bbc.co.uk/weather"
    text_us_number: str = ""
    rasa_socket_url: str = ""
    # Email for keyworker alerts; empty host means the dev inbox gets them.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "elpis@localhost"
    # Worker: how many sends at once, and when a claim counts as abandoned.
    worker_concurrency: int = 8
    worker_claim_timeout_s: int = 120
    worker_max_attempts: int = 6
    worker_backoff_s: float = 5.0
    # Appointments: reminders this many hours before (wall-clock, London;
    # largest first, the order they are sent); none in quiet hours (a reminder
    # due then goes earlier); options per offer; least days between a
    # caution's two mandatory appointments.
    reminder_offsets_hours: tuple[int, ...] = (48, 2)
    quiet_hours: str = "21:00-08:00"
    slot_offer_count: int = 3
    mandatory_gap_days: int = 7
    # SMS channel (bot/channels): segments per text, a per-number flood limit,
    # how long numbered options stay answerable, sending replies at once (not
    # waiting for the worker's next poll), turns worked on at once per Rasa
    # process (Rasa predicts on its event loop, so fewer keeps the webhook
    # answering Twilio quickly), and the dev-mode fake Twilio's port.
    sms_max_segments: int = 3
    sms_rate_limit: int = 15
    sms_rate_window_s: int = 60
    sms_options_ttl_s: int = 7200
    sms_send_now: bool = True
    sms_concurrent_turns: int = 2
    sms_replay_after_s: int = 120
    sms_replay_window_s: int = 3600
    sms_replay_interval_s: int = 60
    sms_fake_port: int = 5099
    # Understanding: a message not understood in this long is answered as "not
    # understood" (or crisis, by the net) so no one waits on a stuck model;
    # the fault delay (tests only) makes every parse that slow.
    parse_timeout_s: float = 3.0
    fault_parse_delay_s: float = 0.0
    # Staff app: an urgent alert nobody acknowledged goes further after this long;
    # the team's hours decide what "talk to a person" promises out of hours.
    alert_escalation_minutes: int = 15
    # Least time between two alert texts/emails to one person: alerts in between
    # are counted in the next digest (bot/staff/alert_notify.py; urgent: see there).
    alert_notify_gap_minutes: int = 10
    team_hours: str = "Mon-Fri 09:30-17:00"
    # Privacy (bot/privacy, docs/security.md): days a closed case is kept
    # after closing, days a Rasa tracker is kept after its last event; the SQL
    # tracker store's URL (empty: built from the tracker_db_* parts below, the
    # variables endpoints.production.yml reads, or none = Rasa's in-memory
    # store); the token Rasa's HTTP API requires in production; whether the
    # open REST channel stays on in production.
    retention_closed_days: int = 730
    retention_tracker_days: int = 90
    tracker_db_url: str = ""
    tracker_db_host: str = ""
    tracker_db_port: int = 5432
    tracker_db_name: str = "rasa"
    tracker_db_user: str = ""
    tracker_db_password: str = ""
    rasa_token: str = ""
    allow_rest: bool = False

    class Config:
        env_prefix = "ELPIS_"
        frozen = True

        @classmethod
        def customise_sources(
            cls,
            init_settings: SettingsSourceCallable,
            env_settings: SettingsSourceCallable,
            file_secret_settings: SettingsSourceCallable,
        ) -> tuple[SettingsSourceCallable, ...]:
            # Only the values given: `load_settings` reads the environment (or
            # the mapping a test or `bot.run` hands it), so `Settings()` is the defaults.
            return (init_settings,)

    @validator("*", pre=True)
    def _from_text(cls, value: Any, field: ModelField) -> Any:
        """Text from the environment, for the two kinds pydantic would read otherwise.

        Lists are "48,2" (not JSON) and an empty one counts as unset; booleans
        are true only for 1/true/yes/on (anything else is false, not an error).
        """
        if not isinstance(value, str):
            return value
        if field.shape == SHAPE_TUPLE_ELLIPSIS:
            return tuple(part.strip() for part in value.split(",") if part.strip()) or field.get_default()
        if field.type_ is bool:
            return value.strip().lower() in TRUE_WORDS
        return value

    @validator("reminder_offsets_hours")
    def _largest_first(cls, hours: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted(set(hours), reverse=True))

    @root_validator(skip_on_failure=True)
    def _tracker_db_url_from_parts(cls, values: dict[str, Any]) -> dict[str, Any]:
        if values["tracker_db_url"] or not values["tracker_db_host"]:
            return values
        from sqlalchemy.engine import URL

        url = URL.create(
            "postgresql",
            username=values["tracker_db_user"] or None,
            password=values["tracker_db_password"] or None,
            host=values["tracker_db_host"],
            port=values["tracker_db_port"],
            database=values["tracker_db_name"],
        )
        return {**values, "tracker_db_url": url.render_as_string(hide_password=False)}

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def check(self) -> None:
        """Refuse to run in production with development defaults."""
        if not self.is_production:
            return
        problems = []
        if self.secret_key in ("", DEV_SECRET):
            problems.append("ELPIS_SECRET_KEY must be set to a real secret")
        if DEV_DATA_KEY in self.data_keys:
            problems.append("ELPIS_DATA_KEYS must be set to your own Fernet key(s)")
        if self.lookup_key in ("", DEV_SECRET) or len(self.lookup_key) < 16:
            problems.append("ELPIS_LOOKUP_KEY must be set to a real secret (16+ characters)")
        if self.uses_sqlite:
            problems.append("DATABASE_URL must point at PostgreSQL in production")
        if problems:
            raise RuntimeError("Refusing to start: " + "; ".join(problems))


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from `env` (default: the process environment), each field from its variable."""
    # pydantic keeps the variable names lower-cased (case_sensitive is off).
    given = {name.lower(): value for name, value in (os.environ if env is None else env).items() if value != ""}
    values: dict[str, Any] = {}  # text, made typed by Settings' validators
    for field in Settings.__fields__.values():
        found = [given[name] for name in field.field_info.extra["env_names"] if name in given]
        if found:
            values[field.name] = found[0]
    return Settings(**values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    # Every process calls this first: its logs are redacted from here on.
    from bot.logging_config import install

    install()
    settings = load_settings()
    settings.check()
    return settings
