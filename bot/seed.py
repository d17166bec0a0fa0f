"""SAMPLE data for the embedded default (`make run`) and tests: `python -m bot.db seed`.

Everything here is made up for development: the coverage list, the centres and
the demo keyworker are not the real service's. Running it twice changes nothing.
It sits above the features: the foundation's rows first, then each feature
seeds its own SAMPLE data on top (bot/db imports no feature).
"""

from __future__ import annotations

import csv

from sqlalchemy import select

from bot.appointments.seed import seed_slots
from bot.db.crud.knowledge import seed_answers
from bot.db.crud.knowledge_translations import seed_translations
from bot.db.models import Centre, CoverageBorough, Staff, StaffRole
from bot.db.session import session_scope
from bot.directory.seed import seed_directory
from bot.geo.boroughs import BOROUGHS_CSV
from bot.staff.demo import ensure_demo_admin
from bot.staff.outcomes import seed_sample as seed_outcome_instrument

# SAMPLE coverage: five Basic Command Units' boroughs.
SAMPLE_COVERAGE_BCUS = ("Central South", "South East", "Central East", "Central North", "North East")

SAMPLE_CENTRES = [
    # name, address, postcode, borough, lat, lon, phone, hours
    (
        "SAMPLE Southwark Women's Centre",
        "1 Example Road, Peckham",
        "SE15 5AA",
        "Southwark",
        51.4693,
        -0.0692,
        "020 7946 0101",
        "Mon-Fri 9:30-17:00",
    ),
    (
        "SAMPLE Lambeth Women's Centre",
        "2 Example Street, Brixton",
        "SW9 8AA",
        "Lambeth",
        51.4627,
        -0.1146,
        "020 7946 0102",
        "Mon-Fri 9:30-17:00",
    ),
    (
        "SAMPLE Hackney Women's Centre",
        "3 Example Lane, Dalston",
        "E8 2AA",
        "Hackney",
        51.5460,
        -0.0750,
        "020 7946 0103",
        "Mon-Thu 10:00-16:00",
    ),
    (
        "SAMPLE Lewisham Women's Centre",
        "4 Example Parade, Catford",
        "SE6 4AA",
        "Lewisham",
        51.4452,
        -0.0209,
        "020 7946 0104",
        "Tue-Sat 10:00-16:00",
    ),
]


def coverage_rows() -> list[dict]:
    with BOROUGHS_CSV.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["bcu"] in SAMPLE_COVERAGE_BCUS]


def seed(url: str | None = None) -> None:
    with session_scope(url) as session:
        known = set(session.execute(select(CoverageBorough.code)).scalars())
        for row in coverage_rows():
            if row["borough_code"] not in known:
                session.add(CoverageBorough(name=row["borough"], code=row["borough_code"], bcu=row["bcu"]))
        centres = set(session.execute(select(Centre.name)).scalars())
        for name, address, postcode, borough, lat, lon, phone, hours in SAMPLE_CENTRES:
            if name not in centres:
                session.add(
                    Centre(
                        name=name,
                        address=address,
                        postcode=postcode,
                        borough=borough,
                        latitude=lat,
                        longitude=lon,
                        phone=phone,
                        opening_hours=hours,
                    )
                )
        if session.execute(select(Staff.id).where(Staff.email == "keyworker@example.org")).first() is None:
            # SAMPLE keyworker on duty; no password: staff logins are made by the CLI.
            session.add(
                Staff(
                    email="keyworker@example.org",
                    name="Sample Keyworker",
                    role=StaffRole.KEYWORKER,
                    phone_e164="+447700900999",
                    on_duty=True,
                )
            )
        # Not SAMPLE: the assistant's answers, loaded once from answers.yml (admins keep them after).
        seed_answers(session)
        seed_translations(session)  # the same answers in our other languages (answers.<code>.yml)
        # SAMPLE outcome instrument (our own wording, not a licensed one), only when there is none.
        seed_outcome_instrument(session)
    seed_directory(url)  # SAMPLE service listings
    seed_slots(url)  # SAMPLE appointment slots
    ensure_demo_admin(url)  # demo staff login, printed; embedded SQLite default only
