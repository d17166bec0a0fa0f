"""Staff app pages with a busy service: 3,000 referrals, 500 open alerts.

Times (median/p95 over 30 requests each) the alert queue, a case search, one
case, and the reports page, over real HTTP against `python -m bot.web` on
SQLite; and one login (argon2id verify). Target (ours): every page median
< 300 ms, so a keyworker never waits on the queue.

    python -m bench.staff_app
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bot.db import migrate
from bot.db.models import Alert, AlertReason, AlertUrgency, Need, Pathway, Referral, ReferralNeed, StaffRole, Woman
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.ports import free_port, wait_http
from bot.seed import seed
from bot.settings import REPO_ROOT
from bot.staff.accounts import create_staff

REFERRALS, ALERTS, ROUNDS = 3000, 500, 30
PASSWORD = "benchmark passphrase"


def _fill(url: str) -> None:
    rng = random.Random(5)
    boroughs = ["Southwark", "Lambeth", "Hackney", "Lewisham", "Camden"]
    with session_scope(url) as session:
        create_staff(session, email="bench@example.org", name="Bench", role=StaffRole.ADMIN, password=PASSWORD)
        for i in range(REFERRALS):
            woman = Woman(preferred_name=f"Woman {i}", phone_e164=f"+4477009{i:05d}"[:13], safe_to_text=i % 2 == 0)
            session.add(woman)
            session.flush()
            referral = Referral(
                reference=f"ELP-B{i:05d}",
                woman_id=woman.id,
                pathway=Pathway.SELF if i % 3 else Pathway.POLICE_CAUTION,
                borough=rng.choice(boroughs),
                in_coverage=True,
                channel="rest",
                conversation_id=f"bench-{i}",
                created_at=utcnow() - timedelta(days=rng.randint(0, 400)),
            )
            session.add(referral)
            session.flush()
            for need in rng.sample(list(Need), rng.randint(0, 6)):
                session.add(ReferralNeed(referral_id=referral.id, need=need))
            if i < ALERTS:
                session.add(
                    Alert(
                        reason=AlertReason.CRISIS if i % 4 == 0 else AlertReason.HUMAN_REQUESTED,
                        urgency=AlertUrgency.URGENT if i % 4 == 0 else AlertUrgency.NORMAL,
                        conversation_id=f"bench-{i}",
                        channel="rest",
                        woman_id=woman.id,
                        referral_id=referral.id,
                        summary="bench",
                    )
                )


def _time(client, path: str) -> dict:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        resp = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert resp.status_code == 200, (path, resp.status_code)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(0.95 * len(samples)) - 1], 1),
    }


def run() -> dict:
    from tests.staff.conftest import Client

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        seed(url)
        _fill(url)
        port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO_ROOT),
            "DATABASE_URL": url,
            "ELPIS_RASA_URL": f"http://127.0.0.1:{free_port()}",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.web", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_http(f"http://127.0.0.1:{port}/healthz", 60, proc)
            client = Client(f"http://127.0.0.1:{port}")
            start = time.perf_counter()
            assert client.login("bench@example.org", PASSWORD).status_code == 303
            login_ms = round((time.perf_counter() - start) * 1000, 1)
            results = {
                "login_ms": login_ms,
                "alert_queue": _time(client, "/staff/alerts"),
                "case_search": _time(client, "/staff/cases?q=woman%2012&borough=Southwark"),
                "case_view": _time(client, "/staff/cases/42"),
                "reports": _time(client, "/staff/reports"),
            }
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    print(f"staff app ({REFERRALS} referrals, {ALERTS} open alerts; target: page median < 300 ms)")
    print(f"  login (argon2id)  {results['login_ms']} ms")
    for key in ("alert_queue", "case_search", "case_view", "reports"):
        print(f"  {key:<16} median {results[key]['median_ms']:>7} ms   p95 {results[key]['p95_ms']:>7} ms")
    return results


if __name__ == "__main__":
    run()
