"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright, against the real stack.

Chromium is installed with apt-get when missing; if that fails the tests skip
with the reason, or fail when ELPIS_REQUIRE_SERVICES=1 (CI). Playwright never
downloads a browser here. Every request the page makes to a host other than
our web server is answered by a local stub (and recorded), so nothing leaves
the machine and the tests can assert that the page asked for nothing else.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from bot.ports import free_port, wait_http
from bot.settings import REPO_ROOT
from tests.conftest import REQUIRE_SERVICES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
NEUTRAL_HTML = "<!doctype html><html lang=en><title>Weather</title><h1>Weather</h1><p>Sunny spells.</p></html>"
STORE_KEY = "c.state"
WAIT_MS = 60_000  # generous: a shared 2-core machine can be slow
FIXED_CHANNEL = "bot.channels.socketio.SocketIOInput"


def _missing(what: str, why: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required in CI but unavailable: {why}")
    pytest.skip(f"{what} not available: {why}")


def _install_chromium() -> str | None:
    """Debian's chromium via apt-get; returns why it failed, or None."""
    if shutil.which("apt-get") is None:
        return "no apt-get on this machine"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "chromium"]
    for argv in (install, ["apt-get", "update", "-q"], install):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900)
        if argv is install and done.returncode == 0 and CHROMIUM.exists():
            return None
    return (done.stderr or done.stdout).strip().splitlines()[-1] if (done.stderr or done.stdout) else "apt-get failed"


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        why = _install_chromium()
        if why:
            _missing("Chromium (/usr/bin/chromium)", why)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the venv
        _missing("Playwright (python)", str(exc))
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def chat_stack(stack):  # noqa: F811
    """The stack, checked to use the socket.io channel whose replies reach the page."""
    config = yaml.safe_load(Path(stack.credentials).read_text()) or {}
    if FIXED_CHANNEL not in config:
        pytest.fail(
            f"{stack.credentials} must register {FIXED_CHANNEL} instead of `socketio:` "
            "(Rasa 3.6's own channel drops every reply with session_persistence: RasaHQ/rasa#13027)"
        )
    return stack


@pytest.fixture(scope="session")
def screenshots(artifacts) -> Path:
    path = artifacts / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Recorder:
    """Every request and websocket the pages of one browser context open."""

    def __init__(self, own_origin: str):
        self.own = urlsplit(own_origin).netloc
        self.urls: list[str] = []
        self.referers: dict[str, str | None] = {}

    def foreign(self) -> list[str]:
        return [
            u
            for u in self.urls
            if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).netloc != self.own
        ]


@pytest.fixture
def context(browser):
    """A fresh browser context (its own storage), a phone-sized viewport."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", has_touch=True)
    yield ctx
    ctx.close()


def open_recorded(ctx, web_url: str) -> tuple:
    recorder = Recorder(web_url)

    def route(route):
        req = route.request
        if urlsplit(req.url).netloc == recorder.own:
            route.continue_()
            return
        recorder.referers[req.url] = req.headers.get("referer")
        route.fulfill(status=200, content_type="text/html", body=NEUTRAL_HTML)

    ctx.route("**/*", route)
    ctx.on("request", lambda req: recorder.urls.append(req.url))
    ctx.on("page", lambda p: p.on("websocket", lambda ws: recorder.urls.append(ws.url)))
    return recorder


class ChatPage:
    """One tab of the chat page, driven as a woman would: taps and typing."""

    def __init__(self, page, web_url: str, shots: Path):
        self.page = page
        self.web_url = web_url.rstrip("/")
        self.shots = shots

    def open(self, path: str = "/"):
        self.page.goto(self.web_url + path)
        return self

    @property
    def log(self):
        return self.page.locator("#log")

    def bot_texts(self) -> list[str]:
        return self.page.locator("#log .msg.bot .text").all_inner_texts()

    def user_texts(self) -> list[str]:
        return self.page.locator("#log .msg.user .text").all_inner_texts()

    def wait_bot(self, text: str, timeout: int = WAIT_MS):
        """Wait until a bot message containing `text` is on the page; return all bot text."""
        self.page.locator("#log .msg.bot", has_text=text).last.wait_for(timeout=timeout)
        return "\n".join(self.bot_texts())

    def tap(self, title: str, then: str | None = None):
        before = self.page.locator("#log .msg.bot").count()
        self.page.locator("#log .replies button:not([disabled])", has_text=title).last.click()
        return self._wait_reply(before, then)

    def say(self, text: str, then: str | None = None):
        before = self.page.locator("#log .msg.bot").count()
        box = self.page.locator("#input")
        box.click()
        box.fill(text)
        box.press("Enter")
        return self._wait_reply(before, then)

    def _wait_reply(self, before: int, then: str | None) -> str:
        if then:
            return self.wait_bot(then)
        self.page.wait_for_function(
            "n => document.querySelectorAll('#log .msg.bot').length > n", arg=before, timeout=WAIT_MS
        )
        return "\n".join(self.bot_texts()[before:])

    def state(self) -> dict | None:
        import json

        raw = self.page.evaluate(f"sessionStorage.getItem('{STORE_KEY}')")
        return json.loads(raw) if raw else None

    def shot(self, name: str, full_page: bool = False):
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=full_page)


def axe_violations(page, min_impact=("serious", "critical")) -> list[dict]:
    """Run axe-core (vendored, injected by the test: the page never serves it)."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values:
              ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return [v for v in result if v["impact"] in min_impact]


class WebServer:
    """An extra `python -m bot.web` with its own settings (e.g. a Rasa that is down)."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.port = free_port()
        self.env = {**os.environ, **env, "PYTHONPATH": str(REPO_ROOT)}
        self.log_dir = log_dir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> WebServer:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        out = open(self.log_dir / f"web-extra-{self.port}.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.web", "--port", str(self.port)],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_http(f"{self.url}/healthz", 60, self.proc)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class TcpForwarder:
    """A TCP relay to the Rasa server that can be cut and restored: a network
    loss (or a Rasa outage) the page must notice and recover from."""

    def __init__(self, target_port: int, port: int | None = None):
        self.target_port = target_port
        self.port = port or free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = None
        self.writers: set = set()

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self.writers.update({writer, up_writer})
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.writers.difference_update({writer, up_writer})

    async def _start(self):
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _stop(self):
        if self.server:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for writer in list(self.writers):
            writer.close()
        self.writers.clear()

    def up(self) -> TcpForwarder:
        self._call(self._start())
        return self

    def down(self) -> None:
        self._call(self._stop())

    def close(self) -> None:
        self.down()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


def port_closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def wait_until(predicate, timeout: float = 10.0, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


@pytest.fixture(scope="session")
def staff_site(tmp_path_factory, artifacts):
    """The staff app (`python -m bot.web`) on a database with a working day's data and every page
    named (tests/browser/staff_pages.py), for the accessibility tests."""
    from tests.browser.staff_pages import TrackerServer, seed_working_day, staff_pages
    from tests.staff.conftest import running_web

    tmp = tmp_path_factory.mktemp("staffsite")
    url = f"sqlite:///{tmp / 'elpis.db'}"
    seeded = seed_working_day(url)
    with TrackerServer() as rasa, running_web(url, rasa.url, tmp, artifacts) as web:
        web.seeded = seeded
        web.pages = staff_pages(seeded)
        yield web
