"""The staff app over real HTTP: `python -m bot.web` on a free port, per database backend.

Unit tests here need no Rasa server (ELPIS_RASA_URL points at a closed port);
handoff with the real Rasa server is tested in tests/browser/test_staff_app.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import uuid

import pytest
import requests

from bot.db import migrate
from bot.db.models import StaffRole
from bot.db.session import session_scope
from bot.ports import free_port, wait_http
from bot.seed import seed
from bot.settings import REPO_ROOT
from bot.staff.accounts import create_staff
from tests.conftest import pg_database

PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def staff_db(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('staffdb') / 'staff.db'}"
    else:
        url = pg_database(f"elpis_staff_{os.getpid()}")
    migrate.upgrade(url)
    seed(url)
    return url


@contextlib.contextmanager
def running_web(db_url: str, rasa_url: str, inbox_dir, artifacts):
    """`python -m bot.web` on a free port, with its Rasa API at rasa_url."""
    port = free_port()
    log = open(artifacts / f"staff-web-{port}.log", "ab")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "DATABASE_URL": db_url,
        "ELPIS_RASA_URL": rasa_url,
        "ELPIS_DEV_INBOX": str(inbox_dir / "inbox.jsonl"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.web", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/healthz", 60, proc)
        yield type("Web", (), {"url": base, "db": db_url})
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


@pytest.fixture(scope="session")
def web(staff_db, tmp_path_factory, artifacts):
    # A closed port for Rasa: every call to it is refused at once.
    with running_web(
        staff_db, f"http://127.0.0.1:{free_port()}", tmp_path_factory.mktemp("inbox"), artifacts
    ) as server:
        yield server


def make_staff(url: str, role: str = "keyworker", password: str = PASSWORD, **extra) -> tuple[int, str]:
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    with session_scope(url) as session:
        staff = create_staff(
            session, email=email, name=f"Test {role.title()}", role=StaffRole(role), password=password, **extra
        )
        return staff.id, email


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Client:
    """A browser-like client: cookies, same-origin forms with the page's CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.http.headers["Origin"] = base

    def get(self, path: str, **kw):
        return self.http.get(self.base + path, allow_redirects=kw.pop("allow_redirects", False), timeout=30, **kw)

    def post(self, path: str, data: dict | None = None, **kw):
        return self.http.post(
            self.base + path, data=data or {}, allow_redirects=kw.pop("allow_redirects", False), timeout=30, **kw
        )

    def form_token(self, path: str) -> str:
        resp = self.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return csrf_of(resp.text)

    def login(self, email: str, password: str = PASSWORD):
        token = self.form_token("/staff/login")
        return self.post("/staff/login", {"email": email, "password": password, "csrf_token": token})

    def submit(self, page: str, action: str, data: dict | None = None, **kw):
        return self.post(action, {"csrf_token": self.form_token(page), **(data or {})}, **kw)


@pytest.fixture
def client(web) -> Client:
    return Client(web.url)


@pytest.fixture
def keyworker(web, client) -> tuple[int, Client]:
    staff_id, email = make_staff(web.db, "keyworker")
    assert client.login(email).status_code == 303
    return staff_id, client


@pytest.fixture
def admin(web) -> tuple[int, Client]:
    staff_id, email = make_staff(web.db, "admin")
    c = Client(web.url)
    assert c.login(email).status_code == 303
    return staff_id, c
