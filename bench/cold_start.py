"""A new user's first `make run`: cold training, then start-up to the first answer.

1. Cold training: the Makefile's `rasa train` into a temporary folder, with
   Rasa's training cache (RASA_CACHE_DIRECTORY, rasa/engine/caching.py) pointed
   at a new empty folder, so nothing is reused from earlier trainings: what a
   fresh clone pays. About 16 minutes of both cores on the 2-core machine.
2. Start-up: what `make run` does after training, on free ports and a new
   SQLite file: migrate and seed, start every process (`bot.stack`'s Stack, fake
   Twilio included when there is no Twilio account), then say "hi" to the REST
   webhook until it answers.

The result goes into reports/bench.json under "cold_start"; other keys are
kept. With --skip-training only start-up is measured (against models/elpis.tar.gz
or --model), and an earlier cold-training figure stays, with its own date.
Not measured: installing the venv (network-bound) and building spaCy when it
is already built (timed here if it is missing).

    python -m bench.cold_start [--skip-training] [--model PATH] [--timeout S] [--keep-model PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import requests

from bot.settings import REPO_ROOT, get_settings

REPORT = REPO_ROOT / "reports" / "bench.json"
KEY = "cold_start"
SPACY_META = REPO_ROOT / "var" / "spacy" / "elpis_en" / "meta.json"
# The Makefile's `$(MODEL)` recipe, less --out (a test checks they agree).
TRAIN_ARGS = [
    "train",
    "--domain",
    "domain",
    "--data",
    "data",
    "--config",
    "config.yml",
    "--fixed-model-name",
    "elpis",
    "--num-threads",
    "2",
]
CACHE_ENV = "RASA_CACHE_DIRECTORY"


def _mb(path: Path) -> float:
    if path.is_file():
        return round(path.stat().st_size / 1e6, 1)
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)


def build_spacy_if_missing(run: Callable | None = None) -> float | None:
    """Training needs the spaCy pipeline; on a fresh clone `make` builds it first."""
    if SPACY_META.exists():
        return None
    start = time.perf_counter()
    (run or subprocess.run)(
        [sys.executable, "-m", "bot.nlu.spacy_builder", "var/spacy/elpis_en"], cwd=REPO_ROOT, check=True
    )
    return round(time.perf_counter() - start, 1)


def cold_train(workdir: Path, run: Callable | None = None) -> tuple[dict, Path]:
    """Train as the Makefile does, with an empty training cache; returns (figures, model)."""
    cache = workdir / "rasa-cache"
    cache.mkdir(parents=True)
    out = workdir / "models"
    log_path = workdir / "train.log"
    env = {**os.environ, CACHE_ENV: str(cache), "PYTHONPATH": str(REPO_ROOT)}
    rasa = Path(sys.executable).parent / "rasa"
    start = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = (run or subprocess.run)(
            [str(rasa), *TRAIN_ARGS, "--out", str(out)], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"rasa train failed ({proc.returncode}):\n{tail}")
    model = out / "elpis.tar.gz"
    return {
        "cold_train_s": round(seconds, 1),
        "model_mb": _mb(model),
        "cache_mb": _mb(cache),  # what the next, warm, training can reuse
        "num_threads": 2,
        "measured_at": _now(),
    }, model


def first_answer(url: str, timeout: float, message: str = "hi", interval: float = 0.5) -> dict:
    """Say `message` to a REST webhook until a reply with text comes back.

    Refused connections, 5xx and empty replies count as "not yet". Returns the
    seconds until the answer, the attempts, and how many replies it had.
    """
    start = time.perf_counter()
    deadline = start + timeout
    attempts = 0
    last = "no attempt"
    sender = f"bench-cold-{uuid.uuid4().hex[:10]}"
    while True:
        attempts += 1
        try:
            resp = requests.post(
                url, json={"sender": sender, "message": message}, timeout=max(1.0, deadline - time.perf_counter())
            )
            if resp.status_code == 200:
                replies = [r for r in resp.json() if isinstance(r, dict) and (r.get("text") or r.get("custom"))]
                if replies:
                    return {"seconds": time.perf_counter() - start, "attempts": attempts, "replies": len(replies)}
                last = "answered with no reply"
            else:
                last = f"HTTP {resp.status_code}"
        except (requests.RequestException, ValueError) as exc:
            last = type(exc).__name__
        if time.perf_counter() + interval > deadline:
            raise TimeoutError(
                f"no answer to {message!r} from {url} after {timeout:.0f} s ({attempts} tries, last: {last})"
            )
        time.sleep(interval)


def prepare_db(url: str) -> None:
    from bot.db import migrate
    from bot.seed import seed

    migrate.upgrade(url)
    seed(url)


def make_stack(model: Path, workdir: Path, db_url: str):
    from bot.ports import free_port
    from bot.stack import Stack

    fake_twilio = None if get_settings().twilio_account_sid else free_port()  # as bot.run's main
    return Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        model=model,
        env={"DATABASE_URL": db_url, "ELPIS_DEV_INBOX": str(workdir / "inbox.jsonl")},
        log_dir=workdir / "logs",
        fake_twilio_port=fake_twilio,
    )


def startup(
    model: Path,
    workdir: Path,
    timeout: float,
    prepare: Callable[[str], None] | None = None,
    stack_for: Callable | None = None,
) -> dict:
    """`make run` after training: migrate and seed, start everything, first answer to "hi"."""
    prepare, stack_for = prepare or prepare_db, stack_for or make_stack
    if not model.exists():
        raise FileNotFoundError(f"{model}: no model to start (train it: make model)")
    db_url = f"sqlite:///{workdir / 'cold.db'}"
    start = time.perf_counter()
    prepare(db_url)
    db_s = time.perf_counter() - start
    stack = stack_for(model, workdir, db_url)
    spawned = time.perf_counter()
    stack.start(timeout=timeout)
    try:
        ready_s = time.perf_counter() - spawned
        answer = first_answer(f"{stack.rasa_url}/webhooks/rest/webhook", timeout)
    finally:
        stack.stop()
    return {
        "db_s": round(db_s, 1),
        "servers_ready_s": round(ready_s, 1),
        "first_reply_s": round(answer["seconds"], 2),  # after ready: the first message's own cost
        "start_to_first_answer_s": round(ready_s + answer["seconds"], 1),
        "attempts": answer["attempts"],
        "model": _label(model, workdir),
        "measured_at": _now(),
    }


def _label(model: Path, workdir: Path) -> str:
    model = model.resolve()
    if model.is_relative_to(workdir.parent.resolve()):
        return "cold-trained (temporary)"
    return str(model.relative_to(REPO_ROOT)) if model.is_relative_to(REPO_ROOT) else str(model)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _commit() -> str | None:
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        return None


def combine(training: dict | None, spacy_s: float | None, start: dict, previous: dict | None) -> dict:
    """This run's figures; with training skipped, the last cold-training figure is kept (it has its date)."""
    if (
        training is None
        and previous
        and isinstance(previous.get("training"), dict)
        and "cold_train_s" in previous["training"]
    ):
        training = previous["training"]
    result = {
        "commit": _commit(),
        "cpus": os.cpu_count(),
        "training": training or {"skipped": True},
        "startup": start,
    }
    if spacy_s is not None:
        result["spacy_build_s"] = spacy_s
    if training and "cold_train_s" in training:
        # `make run` on a fresh clone, less the venv install: spaCy, training, db, start, "hi" answered.
        result["make_run_to_first_answer_s"] = round(
            (spacy_s or 0) + training["cold_train_s"] + start["db_s"] + start["start_to_first_answer_s"], 1
        )
    return result


def record(result: dict, path: Path = REPORT) -> dict:
    """Write `result` under "cold_start", keeping every other benchmark's entry."""
    everything: dict = {}
    if path.exists():
        try:
            everything = json.loads(path.read_text())
        except ValueError:
            everything = {}
    everything[KEY] = result
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(everything, indent=2, default=str))
    return everything


def previous_result(path: Path = REPORT) -> dict | None:
    try:
        return json.loads(path.read_text()).get(KEY)
    except (OSError, ValueError, AttributeError):
        return None


def show(result: dict) -> None:
    training = result["training"]
    start = result["startup"]
    print("\nCold start (a new user's first `make run`, less the venv install)")
    if "cold_train_s" in training:
        print(
            f"  cold training (empty Rasa cache)   {training['cold_train_s'] / 60:6.1f} min"
            f"   ({training['measured_at']}; cache {training['cache_mb']} MB, model {training['model_mb']} MB)"
        )
    else:
        print("  cold training                       skipped")
    if "spacy_build_s" in result:
        print(f"  spaCy build                         {result['spacy_build_s']:6.1f} s")
    print(f"  migrate + seed                      {start['db_s']:6.1f} s")
    print(f"  servers ready                       {start['servers_ready_s']:6.1f} s")
    print(
        f"  first answer to 'hi' after start    {start['start_to_first_answer_s']:6.1f} s"
        f"   (first reply itself {start['first_reply_s']:.2f} s)"
    )
    if "make_run_to_first_answer_s" in result:
        print(f"  make run to first answer            {result['make_run_to_first_answer_s'] / 60:6.1f} min")


def measure(
    skip_training: bool, model: Path | None, timeout: float, previous: dict | None = None, keep: Path | None = None
) -> dict:
    with tempfile.TemporaryDirectory(prefix="elpis-cold-") as tmp:
        workdir = Path(tmp)
        training = spacy_s = None
        if skip_training:
            model = model or REPO_ROOT / "models" / "elpis.tar.gz"
        else:
            spacy_s = build_spacy_if_missing()
            training, trained = cold_train(workdir / "train")
            if keep:  # the model just timed is the one to use: no second training
                keep.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(trained, keep)
            model = model or trained
        start = startup(model, workdir / "run", timeout)
        shutil.rmtree(workdir / "train", ignore_errors=True)
    return combine(training, spacy_s, start, previous)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.cold_start", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--skip-training", action="store_true", help="time only start-up to the first answer (no ~16 min cold training)"
    )
    parser.add_argument(
        "--model",
        type=Path,
        help="start this model (default: the cold-trained one, or models/elpis.tar.gz with --skip-training)",
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for servers and the answer")
    parser.add_argument("--out", type=Path, default=REPORT)
    parser.add_argument("--keep-model", type=Path, help="copy the cold-trained model here (e.g. models/elpis.tar.gz)")
    args = parser.parse_args(argv)
    result = measure(args.skip_training, args.model, args.timeout, previous_result(args.out), args.keep_model)
    record(result, args.out)
    show(result)
    print(f"\nresults: {args.out} ({KEY!r})")
    return result


def run() -> dict:
    """For `bench/__main__.py`'s list, should it take this one: measured, not written (it writes)."""
    return measure(False, None, 600.0, previous_result())


if __name__ == "__main__":
    main()
