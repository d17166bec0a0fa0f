"""`python -m bot.run` (what `make run` calls) stops every process it started.

A stuck server (SIGSTOPped here: it cannot answer SIGTERM, like a Rasa whose NLU
thread holds the GIL) is SIGKILLed a few seconds after SIGTERM; a second SIGTERM
while stopping kills at once instead of aborting the stop; children die with a
killed `bot.run`; a taken port is named before anything starts. These runs start
every server but Rasa (no model needed); Rasa's CORS is checked on the shared stack.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import websockets

from bot.db import migrate
from bot.ports import free_port, port_is_free
from bot.settings import REPO_ROOT
from bot.stack import STOP_GRACE_S, Service, Stack

ROLES = "fake-twilio,web,worker"
START_TIMEOUT = 60
# SIGKILL comes STOP_GRACE_S after SIGTERM; this much more for the kernel and our polling.
MARGIN = 3.0


def _ppid_and_state(pid: int) -> tuple[int, str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[1]), fields[0]


def descendants(root: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (info := _ppid_and_state(int(entry.name))):
            parents[int(entry.name)] = info[0]
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    info = _ppid_and_state(pid)
    return info is not None and info[1] != "Z"  # a zombie holds no port and runs nothing


def cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class Run:
    """One `python -m bot.run` on free ports, its output in a file."""

    def __init__(self, tmp_path: Path, web_port: int | None = None):
        self.ports = {"web": web_port or free_port(), "fake-twilio": free_port()}
        self.log = tmp_path / "run.log"
        url = f"sqlite:///{tmp_path / 'elpis.db'}"
        migrate.upgrade(url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
        env.update(
            DATABASE_URL=url,
            ELPIS_DEV_INBOX=str(tmp_path / "inbox.jsonl"),
            PYTHONPATH=str(REPO_ROOT),
            ELPIS_SMS_FAKE_PORT=str(self.ports["fake-twilio"]),
        )
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bot.run",
                    "--only",
                    ROLES,
                    "--web-port",
                    str(self.ports["web"]),
                    "--rasa-port",
                    str(free_port()),
                    "--action-port",
                    str(free_port()),
                ],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.children: set[int] = set()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self) -> None:
        assert wait_until(lambda: "[elpis] ready" in self.output() or self.proc.poll() is not None, START_TIMEOUT)
        assert self.proc.poll() is None, self.output()
        self.children = descendants(self.proc.pid)
        assert len(self.children) >= 3, self.children

    def child(self, module: str) -> int:
        return next(pid for pid in self.children if f"-m {module} " in cmdline(pid) + " ")

    def all_gone(self) -> bool:
        return not any(alive(pid) for pid in self.children)

    def ports_free(self) -> bool:
        return all(port_is_free(port) for port in self.ports.values())

    def cleanup(self) -> None:
        for pid in [self.proc.pid, *self.children]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait()


@pytest.fixture
def run(tmp_path):
    started = Run(tmp_path)
    yield started
    started.cleanup()


def test_sigterm_kills_a_stuck_server_within_the_grace_period(run):
    run.wait_ready()
    os.kill(run.child("bot.web"), signal.SIGSTOP)  # stuck: SIGTERM stays pending
    os.kill(run.proc.pid, signal.SIGTERM)
    bound = STOP_GRACE_S + MARGIN
    assert wait_until(run.all_gone, bound), f"children alive {bound}s after SIGTERM:\n{run.output()}"
    assert run.proc.wait(timeout=MARGIN) == 0
    assert run.ports_free()


def test_a_second_sigterm_while_stopping_kills_at_once_and_leaves_nothing(run):
    run.wait_ready()
    os.kill(run.child("bot.web"), signal.SIGSTOP)
    os.kill(run.proc.pid, signal.SIGTERM)
    time.sleep(0.5)
    os.kill(run.proc.pid, signal.SIGTERM)
    # Well before the grace period ends: the second signal skipped it.
    assert wait_until(run.all_gone, STOP_GRACE_S - 2), run.output()
    assert run.proc.wait(timeout=MARGIN) == 0
    assert "Traceback" not in run.output()
    assert run.ports_free()


def test_children_die_when_bot_run_is_killed(run):
    run.wait_ready()
    os.kill(run.proc.pid, signal.SIGKILL)
    assert wait_until(run.all_gone, MARGIN), [cmdline(pid) for pid in run.children if alive(pid)]
    assert wait_until(run.ports_free, MARGIN)


def test_a_taken_port_is_named_with_its_holder_and_nothing_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        blocked = Run(tmp_path, web_port=port)
        try:
            assert blocked.proc.wait(timeout=START_TIMEOUT) != 0
            lines = blocked.output().strip().splitlines()
            assert len(lines) == 1, lines
            assert f"port {port} (web) is already in use by pid {os.getpid()}" in lines[0]
            assert port_is_free(blocked.ports["fake-twilio"])  # checked before anything started
        finally:
            blocked.cleanup()


def test_stop_kills_a_process_group_that_ignores_sigterm():
    """In-process `Stack.stop()` (as the tests use it): a server and its own child both ignore SIGTERM."""
    port = free_port()
    ignore = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    server = (
        "import socket, subprocess, sys; "
        + ignore
        + "subprocess.Popen([sys.executable, '-c', %r]); " % (ignore + "time.sleep(600)")
        + f"s = socket.socket(); s.bind(('127.0.0.1', {port})); s.listen(); time.sleep(600)"
    )
    stack = Stack(roles=(), extra=[Service("stuck", [sys.executable, "-c", server])])
    stack.start()
    try:
        leader = stack.services[0].proc.pid
        assert wait_until(lambda: not port_is_free(port) and len(descendants(leader)) == 1, 10)
        group = {leader, *descendants(leader)}
        started = time.monotonic()
        stack.stop()
        assert time.monotonic() - started < STOP_GRACE_S + MARGIN
        assert not any(alive(pid) for pid in group)
        assert port_is_free(port)
    finally:
        stack.stop()


EVIL = "http://evil.example"


def _allowed_origin(resp: requests.Response) -> str | None:
    return resp.headers.get("Access-Control-Allow-Origin")


def test_rasa_cors_allows_only_the_chat_pages_own_origin(stack):
    webhook = f"{stack.rasa_url}/webhooks/rest/webhook"

    def preflight(origin: str) -> requests.Response:
        return requests.options(
            webhook,
            timeout=10,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )

    for page in (f"http://127.0.0.1:{stack.web_port}", f"http://localhost:{stack.web_port}"):
        assert _allowed_origin(preflight(page)) == page
    assert _allowed_origin(preflight(EVIL)) is None
    for url in (
        f"{stack.rasa_url}/",
        f"{stack.rasa_url}/status",
        f"{stack.rasa_url}/socket.io/?EIO=4&transport=polling",
    ):
        resp = requests.get(url, headers={"Origin": EVIL}, timeout=10)
        assert resp.status_code < 500 and _allowed_origin(resp) is None, (url, resp.headers)


def test_the_chat_pages_socket_still_reaches_rasa_through_the_web_server(stack):
    """The page talks to its own origin; the web server forwards the websocket to Rasa."""

    async def open_packet() -> str:
        url = f"ws://127.0.0.1:{stack.web_port}/socket.io/?EIO=4&transport=websocket"
        async with websockets.connect(url, origin=f"http://127.0.0.1:{stack.web_port}") as ws:
            return await asyncio.wait_for(ws.recv(), 10)

    # In a thread of its own: a browser test (Playwright's sync API) may hold this thread's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert (
            pool.submit(asyncio.run, open_packet()).result().startswith("0{")
        )  # engine.io "open" from Rasa  # engine.io "open" from Rasa
