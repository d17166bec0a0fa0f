"""Service-finder speed: search 10,000 generated listings by outcode and category.

Measures what the action server does per message (resolve her outcode, open a
session, check the directory version, search the cached snapshot, render a
page): median and 95th percentile, target p95 < 20 ms. Also the one-off costs
after an admin edit: reloading the snapshot and rebuilding the entity pipeline.
Runs on a temporary SQLite file, and on PostgreSQL when TEST_DATABASE_URL is set.

    python -m bench.search
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from datetime import time as dtime
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

LISTINGS = 10_000
QUERIES = 1_000
TARGET_P95_MS = 20.0


def _generate(url: str, n: int, seed: int = 6) -> None:
    """Bulk-insert n listings spread over London's postcode districts."""
    from bot.db.models import (
        DirLocation,
        DirOrganisation,
        DirPhone,
        DirSchedule,
        DirService,
        DirServiceAtLocation,
        DirServiceCategory,
    )
    from bot.db.session import session_scope
    from bot.directory.taxonomy import CATEGORIES, with_ancestors
    from bot.geo.postcodes import all_outcodes

    rng = random.Random(seed)
    districts = [o for o in all_outcodes() if not o.non_geographic and o.primary_in_london]
    codes = list(CATEGORIES)
    now = datetime.now(timezone.utc)
    with session_scope(url) as session:
        session.execute(
            insert(DirOrganisation),
            [{"id": i + 1, "name": f"BENCH org {i + 1}", "created_at": now, "updated_at": now} for i in range(n // 20)],
        )
        services, locations, sites, phones, schedules, categories = [], [], [], [], [], []
        for i in range(1, n + 1):
            district = rng.choice(districts)
            services.append(
                {
                    "id": i,
                    "organisation_id": rng.randint(1, n // 20),
                    "name": f"BENCH listing {i}",
                    "status": "active",
                    "women_only": rng.random() < 0.4,
                    "national": False,
                    "closed_on_bank_holidays": True,
                    "is_sample": True,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            locations.append(
                {
                    "id": i,
                    "name": district.outcode,
                    "address": f"{i} Bench Road",
                    "postcode": f"{district.outcode} 1AA",
                    "borough": district.borough,
                    "latitude": district.latitude + rng.uniform(-0.01, 0.01),
                    "longitude": district.longitude + rng.uniform(-0.015, 0.015),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            sites.append({"service_id": i, "location_id": i})
            phones.append({"service_id": i, "number": f"+44207946{i % 1000:04d}"})
            opens = dtime(rng.choice([8, 9, 10]), rng.choice([0, 30]))
            closes = dtime(rng.choice([16, 17, 18, 20]))
            for day in range(1, 6 + (rng.random() < 0.3)):
                schedules.append({"service_id": i, "weekday": day, "opens_at": opens, "closes_at": closes})
            for code in with_ancestors(rng.sample(codes, rng.randint(1, 3))):
                categories.append({"service_id": i, "category": code})
        for model, rows in (
            (DirService, services),
            (DirLocation, locations),
            (DirServiceAtLocation, sites),
            (DirPhone, phones),
            (DirSchedule, schedules),
            (DirServiceCategory, categories),
        ):
            for start in range(0, len(rows), 5000):
                session.execute(insert(model), rows[start : start + 5000])


def _fix_sequences(url: str) -> None:
    """PostgreSQL: explicit ids were inserted, so move the id sequences past them."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url, future=True)
    with engine.begin() as conn:
        for table in ("dir_organisations", "dir_services", "dir_locations"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    engine.dispose()


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure(url: str, n: int = LISTINGS, queries: int = QUERIES) -> dict:
    from actions.services import render
    from bot.db import migrate
    from bot.db.session import session_scope
    from bot.directory import update_service
    from bot.directory.catalogue import CACHE, current_snapshot
    from bot.directory.entities import DirectoryEntities
    from bot.directory.search import SearchQuery, search_snapshot
    from bot.directory.taxonomy import CATEGORIES
    from bot.geo import resolve_location
    from bot.geo.postcodes import all_outcodes

    migrate.upgrade(url)
    started = time.perf_counter()
    _generate(url, n)
    _fix_sequences(url)
    generate_s = time.perf_counter() - started

    CACHE.clear()
    started = time.perf_counter()
    with session_scope(url) as session:
        snap = current_snapshot(session)
    cold_load_s = time.perf_counter() - started
    entities = DirectoryEntities()
    started = time.perf_counter()
    entities.pipeline(snap)
    entities_s = time.perf_counter() - started

    rng = random.Random(42)
    districts = [o.outcode for o in all_outcodes() if not o.non_geographic and o.primary_in_london]
    codes = list(CATEGORIES)
    at = datetime(2026, 11, 24, 11, 0, tzinfo=timezone.utc)
    timings: list[float] = []
    db_parts: list[float] = []  # session + version check (the database's share)
    found: list[int] = []
    for _ in range(queries):
        outcode, category = rng.choice(districts), rng.choice(codes)
        t0 = time.perf_counter()
        loc = resolve_location(outcode)
        t_db = time.perf_counter()
        with session_scope(url) as session:
            snap = current_snapshot(session)
        db_parts.append((time.perf_counter() - t_db) * 1000)
        result = search_snapshot(snap, SearchQuery(loc.latitude, loc.longitude, loc.borough, (category,), None, at))
        render.page_messages("Here:", result.hits[:3], 0, max(0, len(result.hits) - 3), "sms", at)
        timings.append((time.perf_counter() - t0) * 1000)
        found.append(len(result.hits))

    # An admin edit, then the next search (snapshot reload).
    with session_scope(url) as session:
        update_service(session, 1, {"name": "BENCH listing 1 (edited)"})
    t0 = time.perf_counter()
    with session_scope(url) as session:
        snap = current_snapshot(session)
    reload_after_edit_s = time.perf_counter() - t0
    assert any(item.name == "BENCH listing 1 (edited)" for item in snap.listings)

    return {
        "listings": n,
        "queries": queries,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": _percentile(timings, 95) < TARGET_P95_MS,
        "db_check_median_ms": round(statistics.median(db_parts), 2),
        "db_check_p95_ms": round(_percentile(db_parts, 95), 2),
        "median_results": statistics.median(found),
        "generate_s": round(generate_s, 2),
        "snapshot_load_s": round(cold_load_s, 2),
        "reload_after_edit_s": round(reload_after_edit_s, 2),
        "entities_build_s": round(entities_s, 2),
    }


def _postgres_url() -> str | None:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    name = f"elpis_bench_search_{os.getpid()}"
    admin = create_engine(make_url(base), isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    from bot.db.session import get_engine

    get_engine.cache_clear()
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def print_table(results: dict) -> None:
    keys = [
        "listings",
        "queries",
        "median_ms",
        "p95_ms",
        "max_ms",
        "target_p95_ms",
        "meets_target",
        "db_check_median_ms",
        "db_check_p95_ms",
        "median_results",
        "snapshot_load_s",
        "reload_after_edit_s",
        "entities_build_s",
        "generate_s",
    ]
    print("service finder search (the action server's code path per message)")
    print(f"| {'':22} | " + " | ".join(f"{k:>12}" for k in results) + " |")
    print(f"|{'-' * 24}|" + "|".join("-" * 14 for _ in results) + "|")
    for key in keys:
        print(f"| {key:22} | " + " | ".join(f"{str(r[key]):>12}" for r in results.values()) + " |")


def run(listings: int = LISTINGS, queries: int = QUERIES) -> dict:
    """{"sqlite": {...}, "postgresql": {...} (when TEST_DATABASE_URL is set)}; prints the table."""
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = measure(f"sqlite:///{Path(tmp) / 'bench.db'}", listings, queries)
    pg = _postgres_url()
    if pg:
        try:
            results["postgresql"] = measure(pg, listings, queries)
        finally:
            _drop_postgres(pg)
    print_table(results)
    return results


def main() -> int:
    results = run()
    return 0 if all(r["meets_target"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
