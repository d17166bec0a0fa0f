"""Message latency and throughput through the REST channel, ours vs stock `rasa init`.

Each of our conversations does real work: a self-referral with database writes,
a service search and an appointment question. The stock assistant made by
`rasa init` (trained here, in the same run) answers its own greet/mood script.
Reported: median/p95/p99 per message and messages per second at 1, 10 and 20
concurrent conversations, the ratio ours/stock, training time and peak memory.

    python -m bench.latency [--quick]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bot.db import migrate
from bot.ports import free_port, wait_http
from bot.seed import seed
from bot.stack import VENV_BIN, Stack

OUR_SCRIPT = [
    "hi",
    "i want to refer myself",
    "yes",
    "Jo",
    "SE15 4QF",
    "07700 900123",
    "texts only",
    "any time",
    "1 2",
    "yes",
    "1",
    "yes",
    "is there a womens centre near SE15",
    "when is my appointment",
]
STOCK_SCRIPT = ["hello", "I am sad", "yes", "great", "bye", "hi", "are you a bot?", "good"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run_load(url: str | list[str], script: list[str], concurrency: int, rounds: int) -> dict:
    """`concurrency` conversations at a time; with several URLs (Rasa processes
    behind a load balancer) each message goes to the next one in turn."""
    latencies: list[float] = []
    urls = [url] if isinstance(url, str) else url

    def conversation(n):
        session = requests.Session()
        sender = f"bench-{uuid.uuid4().hex[:10]}"
        for i, text in enumerate(script):
            start = time.perf_counter()
            resp = session.post(urls[(n + i) % len(urls)], json={"sender": sender, "message": text}, timeout=120)
            resp.raise_for_status()
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(conversation, range(concurrency * rounds)))
    elapsed = time.perf_counter() - start
    return {
        "concurrency": concurrency,
        "messages": len(latencies),
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "msg_per_s": len(latencies) / elapsed,
    }


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident memory, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def train_stock(workdir: Path) -> tuple[Path, float]:
    start = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)  # rasa init refuses a folder that does not exist
    subprocess.run(
        [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(workdir)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    models = sorted((workdir / "models").glob("*.tar.gz"))
    return models[-1], time.perf_counter() - start


def stock_server(workdir: Path, model: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(VENV_BIN / "rasa"),
            "run",
            "--model",
            str(model),
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
            "--enable-api",
        ],  # same flags as ours; /status (the readiness check) needs the API
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_http(f"http://127.0.0.1:{port}/status", 300, proc)
    return proc


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.latency")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    args = parser.parse_args(argv)
    rounds = 1 if args.quick else 3
    levels = (1, 10, 20)
    results: dict = {"ours": [], "stock": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        url = f"sqlite:///{tmp_path / 'bench.db'}"
        migrate.upgrade(url)
        seed(url)
        stack = Stack(
            rasa_port=free_port(),
            action_port=free_port(),
            web_port=free_port(),
            env={"DATABASE_URL": url, "ELPIS_DEV_INBOX": str(tmp_path / "inbox.jsonl")},
            log_dir=tmp_path / "logs",
            roles=("actions", "rasa", "worker"),
        )
        stack.start()
        try:
            for level in levels:
                results["ours"].append(run_load(f"{stack.rasa_url}/webhooks/rest/webhook", OUR_SCRIPT, level, rounds))
            by_name = {s.name: s.proc.pid for s in stack.services}
            results["peak_rss_mb"] = {"rasa": peak_rss_mb(by_name["rasa"]), "actions": peak_rss_mb(by_name["actions"])}
        finally:
            stack.stop()
        stock_dir = tmp_path / "stock"
        stock_model, results["stock_train_s"] = train_stock(stock_dir)
        port = free_port()
        proc = stock_server(stock_dir, stock_model, port)
        try:
            for level in levels:
                results["stock"].append(
                    run_load(f"http://127.0.0.1:{port}/webhooks/rest/webhook", STOCK_SCRIPT, level, rounds)
                )
        finally:
            os.killpg(proc.pid, 15)
            proc.wait()
        shutil.rmtree(stock_dir, ignore_errors=True)
    print("\nREST latency and throughput (ours does a referral with DB writes, a search, an appointment query)")
    print(
        f"{'conc':>4} {'ours med':>9} {'p95':>7} {'p99':>7} {'msg/s':>7} | {'stock med':>9} {'p95':>7} {'msg/s':>7} | ratio"
    )
    for ours, stock in zip(results["ours"], results["stock"]):
        ratio = ours["msg_per_s"] / stock["msg_per_s"]
        print(
            f"{ours['concurrency']:>4} {ours['median_ms']:>8.1f}ms {ours['p95_ms']:>6.0f}ms {ours['p99_ms']:>6.0f}ms "
            f"{ours['msg_per_s']:>7.1f} | {stock['median_ms']:>8.1f}ms {stock['p95_ms']:>6.0f}ms "
            f"{stock['msg_per_s']:>7.1f} | {ratio:.2f}"
        )
    print(
        f"peak memory: rasa {results['peak_rss_mb']['rasa']:.0f} MB, actions {results['peak_rss_mb']['actions']:.0f} MB;"
        f" stock rasa init trained in {results['stock_train_s']:.0f} s"
    )
    return results


def run() -> dict:
    return main(["--quick"])


if __name__ == "__main__":
    main()
