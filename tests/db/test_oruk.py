"""Open Referral UK 3.0 export and import (issue 22), on SQLite and PostgreSQL.

The export is checked with the official schemas (bot.directory.oruk_schema:
the official copy shipped in bot/directory/oruk_3_0, offline).
"""

from __future__ import annotations

import copy
import json
import uuid

from sqlalchemy import create_engine, text

from bot.db import migrate
from bot.db.session import session_scope
from bot.directory import create_service, export_openreferral_json, import_openreferral_json, list_services, oruk_schema
from bot.directory.oruk import export_oruk
from tests.db.test_directory import CENTRE


def listings(session):
    return sorted(
        (
            {k: v for k, v in d.items() if k not in ("id", "updated_at")}
            for d in list_services(session, include_inactive=True)
        ),
        key=lambda d: d["name"],
    )


def without_times(doc):
    return [{k: v for k, v in s.items() if k != "last_modified"} for s in doc]


def ids_in(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "id" or (k.endswith("_id") and not k.startswith("x_")):
                yield v
            yield from ids_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from ids_in(v)


def nulls_in(value, path=""):
    if value is None:
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from nulls_in(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from nulls_in(v, f"{path}/{i}")


def test_sample_export_validates_against_service_package(db_url):
    with session_scope() as session:
        weekdays = [{"weekday": d, "opens_at": "09:00", "closes_at": "17:00"} for d in range(1, 6)]
        saturday_at_peckham = {"weekday": 6, "opens_at": "10:00", "closes_at": "13:00", "location": 0}
        create_service(
            session,
            {**{k: v for k, v in CENTRE.items() if k != "hours"}, "schedules": weekdays + [saturday_at_peckham]},
        )
        doc = export_oruk(session)
        legacy = export_openreferral_json(session)
    assert len(doc) == 46
    assert oruk_schema.errors("service_package", doc) == []
    # The 1.1-shaped document we wrote before fails the 3.0 schema (370 errors for the 45 SAMPLE listings).
    assert len(oruk_schema.errors("service_package", legacy["services"])) > 300
    assert not list(nulls_in(doc))
    for value in ids_in(doc):
        assert str(uuid.UUID(value)) == value
    # Object ids are unique across the export (term ids repeat: a term is shared).
    own = [s["id"] for s in doc] + [
        x["id"]
        for s in doc
        for key in ("schedules", "attributes", "contacts", "service_at_locations")
        for x in s.get(key, [])
    ]
    assert len(own) == len(set(own))
    centre = next(s for s in doc if s.get("x_elpis_external_id") == "test-centre")
    assert centre["organization"]["name"] == "Test Trust"
    phone = centre["contacts"][0]["phones"][0]
    assert phone["number"] == "020 7946 0999" and phone["contact_id"] == centre["contacts"][0]["id"]
    assert oruk_schema.errors("phone", phone) == []
    loc = centre["service_at_locations"][0]["location"]
    assert loc["location_type"] == "physical" and loc["addresses"][0]["postal_code"] == "SE15 5ZZ"
    saturday = next(s for s in centre["schedules"] if s.get("byday") == "SA")
    assert saturday["service_at_location_id"] == centre["service_at_locations"][0]["id"]
    holiday = next(s for s in centre["schedules"] if "valid_from" in s)
    assert holiday["valid_to"] == "2027-01-01" and holiday["x_elpis_closed"] is True
    terms = {a["taxonomy_term"]["term"] for a in centre["attributes"]}
    assert {"housing", "mental_health", "accommodation", "health"} <= terms
    assert all(a["link_id"] == centre["id"] for a in centre["attributes"])
    # Stored ids: the same in the next export.
    with session_scope() as session:
        assert without_times(export_oruk(session)) == without_times(doc)


def test_round_trip_3_0_export_to_import_gives_the_same_listings(db_url, tmp_path):
    with session_scope() as session:
        create_service(session, CENTRE)
        before = listings(session)
        doc = export_oruk(session)
    # Into an empty directory (a fresh database): same listings, same ids.
    other = f"sqlite:///{tmp_path / 'other.db'}"
    migrate.upgrade(other)
    with session_scope(other) as session:
        report = import_openreferral_json(session, json.dumps(doc))
    assert report.ok and report.created == len(doc), report.as_text()
    with session_scope(other) as session:
        assert listings(session) == before
        again = export_oruk(session)
    assert without_times(again) == without_times(doc)
    # Back into the first: matched by id, updated, nothing added, ids kept.
    changed = copy.deepcopy(doc)
    centre = next(s for s in changed if s.get("x_elpis_external_id") == "test-centre")
    centre["name"] = "Renamed Centre"
    with session_scope() as session:
        report = import_openreferral_json(session, changed)
    assert report.ok and report.updated == len(doc) and report.created == 0
    with session_scope() as session:
        after = export_oruk(session)
    assert next(s for s in after if s["id"] == centre["id"])["name"] == "Renamed Centre"
    assert sorted(ids_in(without_times(after))) == sorted(ids_in(without_times(doc)))


def test_a_foreign_3_0_service_imports(db_url):
    feed = json.load(open(oruk_schema.schema_dir().parent / "examples" / "service_full.json"))
    feed["service_at_locations"][0]["location"].update(latitude=51.47, longitude=-0.069)
    feed["service_at_locations"][0]["location"]["addresses"][0].update(postal_code="SE15 5AA", country="GB")
    feed["schedules"][0]["opens_at"], feed["schedules"][0]["closes_at"] = "10:00:00", "18:00:00"
    feed["contacts"][0]["phones"] = [{"id": str(uuid.uuid4()), "number": "020 7946 0555"}]
    feed["attributes"][0]["taxonomy_term"].update(name="housing", term="housing")
    with session_scope() as session:
        report = import_openreferral_json(session, [feed])
        assert report.ok, report.as_text()
        got = next(s for s in list_services(session) if s["name"] == "Community Counselling")
        assert [d["id"] for d in export_oruk(session) if d["name"] == "Community Counselling"] == [feed["id"]]
    assert got["organisation"] == "Example Organization Inc." and got["phones"][0]["number"] == "020 7946 0555"
    assert {s["weekday"] for s in got["schedules"]} == {4, 5} and "housing" in got["categories"]
    assert got["locations"][0]["postcode"] == "SE15 5AA"


def test_a_1_1_file_still_imports(db_url):
    with session_scope() as session:
        create_service(session, CENTRE)
        legacy = export_openreferral_json(session)
    assert legacy["schema"].startswith("Open Referral UK (HSDS 1.1")
    centre = next(s for s in legacy["services"] if s["id"] == "test-centre")
    new = {**copy.deepcopy(centre), "id": "from-1-1", "name": "From a 1.1 file"}
    with session_scope() as session:
        report = import_openreferral_json(session, {"services": [centre, new]})
        assert report.ok and report.updated == 1 and report.created == 1, report.as_text()
        got = next(s for s in list_services(session) if s["external_id"] == "from-1-1")
    want = listings_of(CENTRE)[0]
    assert got["phones"] == want["phones"] and got["categories"] == want["categories"]
    assert len(got["schedules"]) == 5 and got["holidays"][0]["description"] == "Christmas"
    assert got["locations"][0]["transport"] == "Peckham Rye station" and got["women_only"] is True


def listings_of(data):
    with session_scope() as session:
        return [s for s in list_services(session) if s["external_id"] == data["external_id"]]


def test_migration_fills_uuids_of_existing_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url, "0018_police_outcome_contact")
    engine = create_engine(url, future=True)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO dir_organisations (id, name, created_at, updated_at) VALUES "
                "(1, 'A', '2026-01-01', '2026-01-01'), (2, 'B', '2026-01-01', '2026-01-01')"
            )
        )
    migrate.upgrade(url)
    with engine.begin() as conn:
        values = conn.execute(text("SELECT uuid FROM dir_organisations")).scalars().all()
    engine.dispose()
    assert len(set(values)) == 2 and all(str(uuid.UUID(v)) == v for v in values)
