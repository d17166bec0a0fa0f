"""The running stack's console stays readable, and `make run` shows its progress.

Worker: APScheduler's per-run INFO lines are gone; what is left is a start line,
a digest of work done (only when there was some), warnings and errors.
Stage helper (scripts/stage.py): a line as a stage starts, one with its time,
"still working" while it runs, and nothing more once make has stopped.
"""

from __future__ import annotations

import http.server
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import pytest

from bot.messaging.delivery import Claimed
from bot.settings import REPO_ROOT
from bot.worker import console
from bot.worker.__main__ import build_scheduler
from bot.worker.console import Digest, amount, plural

STAGE = REPO_ROOT / "scripts" / "stage.py"


@pytest.fixture
def restore_levels():
    names = ("apscheduler", "twilio.http_client")
    saved = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


# --- the worker's console ---------------------------------------------------


def _run_scheduler(caplog, quiet: bool, seconds: float = 1.2) -> list[logging.LogRecord]:
    """A compressed stretch of the worker's life: jobs every 0.05 s (for 30 s), the digest every 0.4 s."""
    if quiet:
        console.quiet_noisy_loggers()
    digest = Digest()
    runs = {"n": 0}

    def erase_pending():
        runs["n"] += 1
        return 1 if runs["n"] in (3, 4) else 0  # work done twice, early on; idle after

    scheduler = build_scheduler(
        [("tracker_erasure", 0.05, erase_pending), ("alert_notices", 0.05, lambda: 0)], digest, digest_seconds=0.4
    )
    with caplog.at_level(logging.INFO):
        scheduler.start()
        time.sleep(seconds)
        scheduler.shutdown(wait=True)
    assert runs["n"] >= 10  # the jobs did run, many times
    return [r for r in caplog.records if r.levelno == logging.INFO]


def test_scheduler_chatter_is_info_without_quieting(caplog, restore_levels):
    # The control: the noise this change removes is really there.
    logging.getLogger("apscheduler").setLevel(logging.NOTSET)
    lines = [r.getMessage() for r in _run_scheduler(caplog, quiet=False)]
    assert sum("Running job" in line for line in lines) >= 10
    assert any("executed successfully" in line for line in lines)


def test_quiet_scheduler_leaves_only_the_digest_of_work_done(caplog, restore_levels):
    info = _run_scheduler(caplog, quiet=True)
    assert [r for r in info if r.name.startswith("apscheduler")] == []
    lines = [r.getMessage() for r in info]
    # Work was done early (two runs, one or two digest periods), then silence while idle.
    assert 1 <= len(lines) <= 2, lines
    found = [re.fullmatch(r"last \d+ s: wiped (\d) conversation trackers?", line) for line in lines]
    assert all(found) and sum(int(m.group(1)) for m in found) == 2, lines


def test_job_errors_still_reach_the_console(caplog, restore_levels):
    console.quiet_noisy_loggers()
    digest = Digest()

    def broken():
        raise RuntimeError("database went away")

    scheduler = build_scheduler([("tracker_erasure", 0.05, broken)], digest, digest_seconds=60)
    with caplog.at_level(logging.INFO):
        scheduler.start()
        time.sleep(0.3)
        scheduler.shutdown(wait=True)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "raised an exception" in errors[0].getMessage()


def test_an_hour_of_mostly_idle_work_is_two_lines(caplog):
    """A simulated hour, as the real schedule runs it: erasure every 30 s, alert
    notices and SMS reports every 60 s, digest every 5 min. Two reminders go at
    minute 17, a third and an alert at 41, one alert notice at 42."""
    clock = FakeClock()
    digest = Digest(clock=clock)
    erase = digest.wrap("tracker_erasure", lambda: 0)
    sms = digest.wrap("sms_late_delivery_reports", lambda: 0)
    with caplog.at_level(logging.INFO, logger="bot.worker"):
        for second in range(0, 3600 + 1, 30):
            clock.now = float(second)
            erase()
            if second % 60 == 0:
                sms()
                notices = 1 if second == 42 * 60 else 0
                digest.wrap("alert_notices", lambda: notices)()  # noqa: B023 - called at once
            if second == 17 * 60:
                digest.delivered("reminder", "sent")
                digest.delivered("reminder", "sent")
            if second == 41 * 60:
                digest.delivered("reminder", "sent")
                digest.delivered("alert", "sent")
                digest.delivered("reply", "retry")
            if second and second % 300 == 0:
                digest.flush()
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert lines == [
        "last 5 min: sent 2 reminders",
        "last 5 min: sent 1 alert, 1 reminder; to retry 1 reply; told 1 staff member of new alerts",
    ]


def test_digest_wording_and_amounts():
    @dataclass
    class Purged:  # like bot.privacy.retention.Purged
        women: int = 1
        messages: int = 3
        skipped: bool = False

    assert amount(Purged()) == 4 and amount(None) == 0 and amount(True) == 0 and amount(5) == 5
    assert plural(1, "reply") == "1 reply" and plural(2, "reply") == "2 replies" and plural(2, "day") == "2 days"
    clock = FakeClock()
    digest = Digest(clock=clock)
    assert digest.take() is None  # nothing done: nothing said
    digest.job_done("privacy_retention", Purged())
    digest.job_done("some_new_job", 2)
    digest.delivered("notice", "failed")
    digest.delivered("reminder", "in-flight?")  # an outcome it does not know is not counted
    clock.now = 7200
    assert digest.take() == "last 2.0 h: gave up on 1 notice; deleted 4 records past retention; some_new_job: 2"


def test_worker_reports_each_outcome(monkeypatch):
    from bot.worker import loop

    outcomes = iter(["sent", "retry", "failed"])
    monkeypatch.setattr(loop, "deliver", lambda *a, **k: next(outcomes))
    digest = Digest()
    worker = loop.Worker(
        providers={"sms": object(), "email": object()},
        on_outcome=lambda message, outcome: digest.delivered(message.kind, outcome),
    )
    for kind in ("reminder", "reply", "alert"):
        worker._send_one(Claimed(1, "sms", "+447700900123", "text", 0, None, kind))
    assert worker.sent == 1
    assert digest.take().endswith("sent 1 reminder; to retry 1 reply; gave up on 1 alert")


# --- scripts/stage.py --------------------------------------------------------


def _stage(*args: str, env: dict, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(STAGE), *args], env=env, stdout=stdout, stderr=subprocess.STDOUT, text=True, timeout=30
    )


@pytest.fixture
def stage_env(tmp_path):
    return {**os.environ, "ELPIS_STAGE_DIR": str(tmp_path / "stages"), "ELPIS_STAGE_TICK_S": "0.4"}


def test_time_format():
    sys.path.insert(0, str(STAGE.parent))
    try:
        import stage
    finally:
        sys.path.remove(str(STAGE.parent))
    assert [stage.fmt(s) for s in (0.4, 42, 187, 3725)] == ["0 s", "42 s", "3m 07s", "1h 02m"]


def test_a_stage_says_start_progress_and_time(tmp_path, stage_env):
    out = tmp_path / "out.txt"
    with open(out, "w") as f:  # a file, not a pipe: the ticker keeps writing after `begin` returns
        started = time.monotonic()
        begun = _stage("begin", "model", "training the model (first time ~25 min)", env=stage_env, stdout=f)
        assert begun.returncode == 0
        assert time.monotonic() - started < 5  # `begin` returns at once; the ticker is in the background
        time.sleep(1.0)
        _stage("end", "model", env=stage_env, stdout=f)
        time.sleep(0.6)  # the ticker has stopped: nothing more is written
    lines = out.read_text().splitlines()
    assert lines[0] == "[elpis] model: training the model (first time ~25 min) ..."
    assert all(re.fullmatch(r"\[elpis\] model: still working \(\d s\)", line) for line in lines[1:-1])
    assert 1 <= len(lines[1:-1]) <= 3
    assert re.fullmatch(r"\[elpis\] model: done in \d s", lines[-1])
    assert not (tmp_path / "stages" / "model").exists()


def test_the_ticker_stops_when_make_stops(tmp_path, stage_env):
    # The owner (make, here a short-lived python) exits without `end`, as when a stage fails.
    stage_env["ELPIS_STAGE_TICK_S"] = "1"
    out = tmp_path / "out.txt"
    owner = f"import subprocess, sys; subprocess.run([sys.executable, {str(STAGE)!r}, 'begin', 'db', 'migrating'])"
    with open(out, "w") as f:
        subprocess.run([sys.executable, "-c", owner], env=stage_env, stdout=f, stderr=subprocess.STDOUT, timeout=30)
        time.sleep(2.0)
    assert out.read_text().splitlines() == ["[elpis] db: migrating ..."]


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_servers_stage_ends_when_the_url_answers(tmp_path, stage_env):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    url = f"http://127.0.0.1:{server.server_address[1]}/status"
    server.server_close()  # the port is known; nothing answers yet
    out = tmp_path / "out.txt"
    with open(out, "w") as f:
        _stage("begin", "servers", "starting Rasa", "--until", url, env=stage_env, stdout=f)
        time.sleep(0.6)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", int(url.split(":")[2].split("/")[0])), _Ok)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            deadline = time.monotonic() + 10
            while "up in" not in out.read_text() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            server.shutdown()
            server.server_close()
    lines = out.read_text().splitlines()
    assert lines[0] == "[elpis] servers: starting Rasa ..."
    assert re.fullmatch(r"\[elpis\] servers: up in \d s", lines[-1])


def test_a_url_already_answering_is_not_our_servers(tmp_path, stage_env):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/status"
    try:
        result = _stage("begin", "servers", "starting Rasa", "--until", url, env=stage_env)
    finally:
        server.shutdown()
        server.server_close()
    assert result.stdout.splitlines()[-1] == f"[elpis] servers: something already answers at {url}"


def test_stage_never_fails_the_build(tmp_path):
    env = {**os.environ, "ELPIS_STAGE_DIR": "/proc/no-such-place/stages"}
    result = _stage("begin", "venv", "installing", env=env)
    assert result.returncode == 0 and "(stage begin venv:" in result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_run_brackets_every_stage():
    # `make -n` lists the recipes without running them: each stage of `make run`
    # on a fresh machine begins and ends through scripts/stage.py, servers end on their own.
    text = subprocess.run(["make", "-n", "-B", "run"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60).stdout
    calls = re.findall(r"scripts/stage\.py (begin|end) (\w+)", text)
    assert calls == [
        ("begin", "venv"),
        ("end", "venv"),
        ("begin", "spacy"),
        ("end", "spacy"),
        ("begin", "model"),
        ("end", "model"),
        ("begin", "db"),
        ("end", "db"),
        ("begin", "servers"),
    ]
    assert "--until http://127.0.0.1:5005/status" in text
