"""Shared fixtures: databases on SQLite and PostgreSQL, and the real servers.

PostgreSQL tests run when TEST_DATABASE_URL is set (CI sets it). Without it they
skip with a reason; with ELPIS_REQUIRE_SERVICES=1 (CI) a missing server fails
the run instead, so CI can never skip them quietly.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.db import migrate
from bot.db.base import Base
from bot.db.session import _session_factory, get_engine
from bot.ports import free_port
from bot.seed import seed
from bot.settings import REPO_ROOT, get_settings
from bot.stack import Stack

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
REQUIRE_SERVICES = os.environ.get("ELPIS_REQUIRE_SERVICES") == "1"
ARTIFACTS = REPO_ROOT / "test-artifacts"


def _service_missing(what: str, why: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required in CI but unavailable: {why}")
    pytest.skip(f"{what} not available: {why}")


def pg_database(name: str) -> str:
    """A fresh PostgreSQL database beside TEST_DATABASE_URL's (trust auth)."""
    if not PG_URL:
        _service_missing("PostgreSQL", "set TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test")
    base = make_url(PG_URL)
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT", future=True)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:  # pragma: no cover - depends on the machine
        _service_missing("PostgreSQL", str(exc).splitlines()[0])
    return base.set(database=name).render_as_string(hide_password=False)


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Point in-process code (settings, engines) at `url` for one test."""
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    get_engine.cache_clear()
    _session_factory.cache_clear()


@pytest.fixture(scope="session")
def migrated_urls(tmp_path_factory) -> dict[str, str]:
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'unit.db'}"}
    migrate.upgrade(urls["sqlite"])
    return urls


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, migrated_urls, monkeypatch) -> str:
    """A migrated, empty-but-seeded database; every test gets both backends."""
    if request.param not in migrated_urls:
        url = pg_database(f"elpis_unit_{os.getpid()}")
        migrate.upgrade(url)
        migrated_urls[request.param] = url
    url = migrated_urls[request.param]
    engine = create_engine(url, future=True)
    with engine.begin() as conn:
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
    engine.dispose()
    use_database(monkeypatch, url)
    seed(url)
    return url


@pytest.fixture(scope="session")
def model_path() -> Path:
    # ELPIS_TEST_MODEL lets an engineer test a model trained elsewhere.
    path = Path(os.environ.get("ELPIS_TEST_MODEL") or REPO_ROOT / "models" / "elpis.tar.gz")
    if not path.exists():
        pytest.fail("no trained model: run `make model` (make test does this first)")
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


# The real Rasa server, action server, web server and worker, on free ports, per
# database backend; shared by the integration and browser tests (one per session).
@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def stack(request, model_path, tmp_path_factory, artifacts):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('stack') / 'elpis.db'}"
    else:
        url = pg_database(f"elpis_stack_{os.getpid()}")
    migrate.upgrade(url)
    seed(url)
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        env={"DATABASE_URL": url, "ELPIS_DEV_INBOX": str(tmp_path_factory.mktemp("inbox") / "inbox.jsonl")},
        model=model_path,
        log_dir=artifacts / "logs",
    )
    # Like ELPIS_TEST_MODEL: lets an engineer test a channel config not yet in credentials.yml.
    if os.environ.get("ELPIS_TEST_CREDENTIALS"):
        stack.credentials = Path(os.environ["ELPIS_TEST_CREDENTIALS"])
    stack.start()
    stack.database_url = url
    yield stack
    stack.stop()


class Chat:
    """One woman's conversation over the REST channel."""

    def __init__(self, stack: Stack, sender: str):
        self.url = f"{stack.rasa_url}/webhooks/rest/webhook"
        self.sender = sender

    def say(self, text: str) -> list[str]:
        resp = requests.post(self.url, json={"sender": self.sender, "message": text}, timeout=60)
        assert resp.status_code == 200, resp.text
        return [m.get("text", "") for m in resp.json()]

    def say_joined(self, text: str) -> str:
        return "\n".join(self.say(text))


@pytest.fixture
def chat(stack):
    return Chat(stack, new_sender())


def pytest_configure(config):
    # `make test` and CI run these too; `-m "not slow"` leaves them out for a quick local loop.
    config.addinivalue_line("markers", "slow: starts and breaks real processes (fault tests)")
