"""`make bench`: every benchmark, one after another, then a summary table.

Each module in this package exposes `run() -> dict` and prints its own table.
Targets (from docs/design and the issues) are printed beside the results;
benchmarks measure, they do not fail the build.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback

from bot.settings import REPO_ROOT

BENCHMARKS = [
    ("latency", "REST latency/throughput vs stock rasa init (median < 100 ms, ratio >= 1.0)"),
    ("search", "service search over 10,000 listings (p95 < 20 ms)"),
    ("scale_out", "throughput with 1 and 2 Rasa processes (PostgreSQL tracker store, Redis lock store)"),
    ("reminders", "10,000 reminders, two workers on PostgreSQL (< 60 s, exactly once)"),
    ("sms", "signed inbound SMS, 20 concurrent senders (median/p95)"),
    ("worst_case", "hostile messages: NLU per input (< 50 ms) and another woman's reply time meanwhile"),
    ("page_weight", "chat page weight gzipped (< 150 KB)"),
    ("staff_app", "staff pages with 3,000 referrals and 500 open alerts (page median < 300 ms)"),
]


def main(only: list[str]) -> int:
    results: dict = {}
    for name, what in BENCHMARKS:
        if only and name not in only:
            continue
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            print(f"\n== {name}: not built yet")
            continue
        print(f"\n== {name}: {what}", flush=True)
        start = time.perf_counter()
        try:
            results[name] = module.run()
        except Exception:
            traceback.print_exc()
            results[name] = {"error": "failed (see above)"}
        print(f"   ({time.perf_counter() - start:.0f} s)", flush=True)
    out = REPO_ROOT / "reports" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    if only and out.exists():  # `python -m bench latency`: update that entry, keep the others
        results = {**json.loads(out.read_text()), **results}
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nall results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
