"""bench/cold_start.py's logic, without training or a real Rasa (both cost minutes of CPU).

Training is a fake runner that checks what it is given (an empty, private Rasa
cache) and leaves a model; the stack is a small HTTP server that answers "hi"
after a few refusals, as Rasa does while it loads the model.
"""

from __future__ import annotations

import http.server
import json
import re
import shlex
import subprocess
import threading
from pathlib import Path

import pytest

from bench import cold_start
from bot.settings import REPO_ROOT


def test_training_command_is_the_makefiles():
    # Cold training must time what `make model` runs, not a variant of it.
    line = next(
        ln for ln in (REPO_ROOT / "Makefile").read_text().splitlines() if ln.strip().startswith("$(RASA) train")
    )
    args = shlex.split(line)[1:]
    out = args.index("--out")
    del args[out : out + 2]
    assert args == cold_start.TRAIN_ARGS


def test_cold_train_uses_an_empty_private_cache(tmp_path):
    seen = {}

    def fake_run(cmd, cwd, env, stdout, stderr):
        cache = Path(env[cold_start.CACHE_ENV])
        seen.update(cmd=cmd, cache=cache, empty=not any(cache.iterdir()), cwd=cwd)
        out = Path(cmd[cmd.index("--out") + 1])
        out.mkdir(parents=True)
        (out / "elpis.tar.gz").write_bytes(b"m" * 2_000_000)
        (cache / "cache.db").write_bytes(b"c" * 500_000)
        return subprocess.CompletedProcess(cmd, 0)

    figures, model = cold_start.cold_train(tmp_path / "train", run=fake_run)
    assert seen["empty"] and seen["cache"].is_relative_to(tmp_path) and seen["cwd"] == REPO_ROOT
    assert seen["cmd"][1:3] == ["train", "--domain"] and model == tmp_path / "train" / "models" / "elpis.tar.gz"
    assert figures["model_mb"] == 2.0 and figures["cache_mb"] == 0.5 and figures["cold_train_s"] >= 0


def test_cold_train_failure_shows_the_log(tmp_path):
    def failing(cmd, cwd, env, stdout, stderr):
        stdout.write(b"InvalidDomain: something is wrong\n")
        return subprocess.CompletedProcess(cmd, 1)

    with pytest.raises(RuntimeError, match="InvalidDomain"):
        cold_start.cold_train(tmp_path / "train", run=failing)


class FakeRasa(http.server.BaseHTTPRequestHandler):
    """503 twice (loading), then an empty reply, then the greeting."""

    script = [(503, b""), (503, b""), (200, b"[]"), (200, b'[{"recipient_id": "x", "text": "Hello"}]')]

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.messages.append(body)
        status, payload = self.script[min(len(self.server.messages), len(self.script)) - 1]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_rasa():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeRasa)
    server.messages = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_first_answer_waits_through_loading_and_empty_replies(fake_rasa):
    url = f"http://127.0.0.1:{fake_rasa.server_address[1]}/webhooks/rest/webhook"
    answer = cold_start.first_answer(url, timeout=10, interval=0.05)
    assert answer["attempts"] == 4 and answer["replies"] == 1
    assert {m["message"] for m in fake_rasa.messages} == {"hi"}
    assert len({m["sender"] for m in fake_rasa.messages}) == 1  # one conversation, as a person would have


def test_first_answer_gives_up_with_the_reason(fake_rasa):
    FakeRasa.script, saved = [(503, b"")], FakeRasa.script
    try:
        url = f"http://127.0.0.1:{fake_rasa.server_address[1]}/webhooks/rest/webhook"
        with pytest.raises(TimeoutError, match="last: HTTP 503"):
            cold_start.first_answer(url, timeout=0.3, interval=0.05)
    finally:
        FakeRasa.script = saved


class FakeStack:
    def __init__(self, url):
        self.rasa_url = url
        self.events = []

    def start(self, timeout):
        self.events.append("start")

    def stop(self):
        self.events.append("stop")


def test_main_records_startup_and_keeps_other_benchmarks(tmp_path, fake_rasa, monkeypatch):
    report = tmp_path / "bench.json"
    earlier_training = {
        "cold_train_s": 1500.0,
        "cache_mb": 90.0,
        "model_mb": 40.0,
        "measured_at": "2026-12-01T10:00:00Z",
    }
    report.write_text(json.dumps({"latency": {"ours": []}, "cold_start": {"training": earlier_training}}))
    model = tmp_path / "elpis.tar.gz"
    model.write_bytes(b"model")
    stack = FakeStack(f"http://127.0.0.1:{fake_rasa.server_address[1]}")
    dbs = []
    monkeypatch.setattr(cold_start, "make_stack", lambda model, workdir, db_url: stack)
    monkeypatch.setattr(cold_start, "prepare_db", dbs.append)
    monkeypatch.setattr(cold_start, "cold_train", lambda *a, **k: pytest.fail("--skip-training trains nothing"))

    result = cold_start.main(["--skip-training", "--model", str(model), "--out", str(report), "--timeout", "10"])

    saved = json.loads(report.read_text())
    assert saved["latency"] == {"ours": []}  # other benchmarks' results are kept
    assert saved["cold_start"] == result
    assert stack.events == ["start", "stop"] and re.fullmatch(r"sqlite:///.+/cold\.db", dbs[0])
    startup = result["startup"]
    assert startup["attempts"] == 4 and startup["model"] == str(model)
    assert startup["start_to_first_answer_s"] >= startup["servers_ready_s"]
    # Training skipped: the earlier cold figure stays, dated, and the fresh-clone total uses it.
    assert result["training"] == earlier_training
    assert result["make_run_to_first_answer_s"] == pytest.approx(
        1500.0 + startup["db_s"] + startup["start_to_first_answer_s"], abs=0.11
    )


def test_startup_stops_the_stack_when_no_answer_comes(tmp_path, monkeypatch):
    model = tmp_path / "elpis.tar.gz"
    model.write_bytes(b"model")
    stack = FakeStack("http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(TimeoutError):
        cold_start.startup(model, tmp_path / "run", timeout=0.5, prepare=lambda url: None, stack_for=lambda *a: stack)
    assert stack.events == ["start", "stop"]


def test_without_any_training_figure_it_says_skipped():
    start = {"db_s": 1.0, "start_to_first_answer_s": 50.0}
    result = cold_start.combine(None, None, start, previous=None)
    assert result["training"] == {"skipped": True} and "make_run_to_first_answer_s" not in result
    fresh = cold_start.combine({"cold_train_s": 1400.0}, 12.0, start, previous={"training": {"cold_train_s": 1.0}})
    assert fresh["make_run_to_first_answer_s"] == 1463.0 and fresh["spacy_build_s"] == 12.0
