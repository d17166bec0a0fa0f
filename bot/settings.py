"""Settings, read once from the environment.

Every process (Rasa server, action server, worker, staff app, CLI) calls
`get_settings()`; nothing else reads `os.environ`. Defaults are the embedded
development setup: SQLite under `var/`, no Twilio account, local dev inbox.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"

# Values that must never reach production; `Settings.check()` refuses them.
DEV_SECRET = "dev-only-not-secret"
# Fernet key for the embedded default only (so the dev database stays readable
# across restarts); production must set ELPIS_DATA_KEYS and ELPIS_LOOKUP_KEY.
DEV_DATA_KEY = "ZGV2LW9ubHktbm90LXNlY3JldC1lbHBpcy1kYXRhLWs="


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    return int(value) if value not in (None, "") else default


def _hours(value: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    """"48,2" -> (48, 2); largest first, so reminders are listed in the order sent."""
    if value in (None, ""):
        return default
    return tuple(sorted({int(part) for part in value.replace(" ", "").split(",") if part}, reverse=True))


def _tracker_db_url(env: dict[str, str]) -> str:
    """The SQL tracker store of endpoints.production.yml, from the same variables."""
    host = env.get("ELPIS_TRACKER_DB_HOST")
    if not host:
        return ""
    from sqlalchemy.engine import URL

    return URL.create(
        "postgresql", username=env.get("ELPIS_TRACKER_DB_USER") or None,
        password=env.get("ELPIS_TRACKER_DB_PASSWORD") or None, host=host,
        port=_int(env.get("ELPIS_TRACKER_DB_PORT"), 5432), database=env.get("ELPIS_TRACKER_DB_NAME") or "rasa",
    ).render_as_string(hide_password=False)


def default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'elpis.db'}"


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    database_url: str = field(default_factory=default_database_url)
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
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    twilio_base_url: str = ""
    twilio_timeout_s: float = 10.0
    public_base_url: str = "http://127.0.0.1:5005"
    dev_inbox_path: Path = field(default_factory=lambda: VAR_DIR / "dev_inbox.jsonl")
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
    # Appointments: reminders this many hours before (wall-clock, London);
    # none in quiet hours (a reminder due then goes earlier); options per offer;
    # least days between a caution's two mandatory appointments.
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
    # tracker store's URL (empty: built from ELPIS_TRACKER_DB_*, or none =
    # Rasa's in-memory store); the token Rasa's HTTP API requires in production;
    # whether the open REST channel stays on in production.
    retention_closed_days: int = 730
    retention_tracker_days: int = 90
    tracker_db_url: str = ""
    rasa_token: str = ""
    allow_rest: bool = False

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


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    defaults = Settings()
    return Settings(
        environment=env.get("ELPIS_ENV", defaults.environment),
        database_url=env.get("DATABASE_URL") or defaults.database_url,
        timezone=env.get("ELPIS_TIMEZONE", defaults.timezone),
        secret_key=env.get("ELPIS_SECRET_KEY", defaults.secret_key),
        data_keys=tuple(k.strip() for k in env.get("ELPIS_DATA_KEYS", "").split(",") if k.strip())
        or defaults.data_keys,
        lookup_key=env.get("ELPIS_LOOKUP_KEY") or defaults.lookup_key,
        privacy_notice_version=env.get(
            "ELPIS_PRIVACY_NOTICE_VERSION", defaults.privacy_notice_version
        ),
        reference_prefix=env.get("ELPIS_REFERENCE_PREFIX", defaults.reference_prefix),
        caution_deadline_weeks=_int(
            env.get("ELPIS_CAUTION_DEADLINE_WEEKS"), defaults.caution_deadline_weeks
        ),
        rasa_url=env.get("ELPIS_RASA_URL", defaults.rasa_url),
        rasa_api_timeout_s=float(env.get("ELPIS_RASA_API_TIMEOUT_S") or defaults.rasa_api_timeout_s),
        action_server_url=env.get("ELPIS_ACTION_SERVER_URL", defaults.action_server_url),
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
        twilio_from_number=env.get("TWILIO_FROM_NUMBER", ""),
        twilio_base_url=env.get("TWILIO_BASE_URL", ""),
        twilio_timeout_s=float(env.get("ELPIS_TWILIO_TIMEOUT_S") or defaults.twilio_timeout_s),
        public_base_url=env.get("ELPIS_PUBLIC_BASE_URL", defaults.public_base_url),
        dev_inbox_path=Path(env.get("ELPIS_DEV_INBOX", str(defaults.dev_inbox_path))),
        staff_port=_int(env.get("ELPIS_STAFF_PORT"), defaults.staff_port),
        exit_url=env.get("ELPIS_EXIT_URL") or defaults.exit_url,
        text_us_number=env.get("ELPIS_TEXT_US_NUMBER", ""),
        rasa_socket_url=env.get("ELPIS_RASA_SOCKET_URL", ""),
        smtp_host=env.get("ELPIS_SMTP_HOST", ""),
        smtp_port=_int(env.get("ELPIS_SMTP_PORT"), defaults.smtp_port),
        smtp_from=env.get("ELPIS_SMTP_FROM", defaults.smtp_from),
        worker_concurrency=_int(env.get("ELPIS_WORKER_CONCURRENCY"), defaults.worker_concurrency),
        worker_claim_timeout_s=_int(env.get("ELPIS_WORKER_CLAIM_TIMEOUT_S"), defaults.worker_claim_timeout_s),
        worker_max_attempts=_int(env.get("ELPIS_WORKER_MAX_ATTEMPTS"), defaults.worker_max_attempts),
        worker_backoff_s=float(env.get("ELPIS_WORKER_BACKOFF_S") or defaults.worker_backoff_s),
        reminder_offsets_hours=_hours(env.get("ELPIS_REMINDER_OFFSETS_HOURS"), defaults.reminder_offsets_hours),
        quiet_hours=env.get("ELPIS_QUIET_HOURS") or defaults.quiet_hours,
        slot_offer_count=_int(env.get("ELPIS_SLOT_OFFER_COUNT"), defaults.slot_offer_count),
        mandatory_gap_days=_int(env.get("ELPIS_MANDATORY_GAP_DAYS"), defaults.mandatory_gap_days),
        sms_max_segments=_int(env.get("ELPIS_SMS_MAX_SEGMENTS"), defaults.sms_max_segments),
        sms_rate_limit=_int(env.get("ELPIS_SMS_RATE_LIMIT"), defaults.sms_rate_limit),
        sms_rate_window_s=_int(env.get("ELPIS_SMS_RATE_WINDOW_S"), defaults.sms_rate_window_s),
        sms_options_ttl_s=_int(env.get("ELPIS_SMS_OPTIONS_TTL_S"), defaults.sms_options_ttl_s),
        sms_send_now=_bool(env.get("ELPIS_SMS_SEND_NOW"), defaults.sms_send_now),
        sms_concurrent_turns=_int(env.get("ELPIS_SMS_CONCURRENT_TURNS"), defaults.sms_concurrent_turns),
        sms_replay_after_s=_int(env.get("ELPIS_SMS_REPLAY_AFTER_S"), defaults.sms_replay_after_s),
        sms_replay_window_s=_int(env.get("ELPIS_SMS_REPLAY_WINDOW_S"), defaults.sms_replay_window_s),
        sms_replay_interval_s=_int(env.get("ELPIS_SMS_REPLAY_INTERVAL_S"), defaults.sms_replay_interval_s),
        sms_fake_port=_int(env.get("ELPIS_SMS_FAKE_PORT"), defaults.sms_fake_port),
        parse_timeout_s=float(env.get("ELPIS_PARSE_TIMEOUT_S") or defaults.parse_timeout_s),
        fault_parse_delay_s=float(env.get("ELPIS_FAULT_PARSE_DELAY_S") or defaults.fault_parse_delay_s),
        alert_escalation_minutes=_int(env.get("ELPIS_ALERT_ESCALATION_MINUTES"), defaults.alert_escalation_minutes),
        alert_notify_gap_minutes=_int(env.get("ELPIS_ALERT_NOTIFY_GAP_MINUTES"), defaults.alert_notify_gap_minutes),
        team_hours=env.get("ELPIS_TEAM_HOURS") or defaults.team_hours,
        retention_closed_days=_int(env.get("ELPIS_RETENTION_CLOSED_DAYS"), defaults.retention_closed_days),
        retention_tracker_days=_int(env.get("ELPIS_RETENTION_TRACKER_DAYS"), defaults.retention_tracker_days),
        tracker_db_url=env.get("ELPIS_TRACKER_DB_URL") or _tracker_db_url(env),
        rasa_token=env.get("ELPIS_RASA_TOKEN", ""),
        allow_rest=_bool(env.get("ELPIS_ALLOW_REST"), defaults.allow_rest),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    # Every process calls this first: its logs are redacted from here on.
    from bot.logging_config import install

    install()
    settings = load_settings()
    settings.check()
    return settings
