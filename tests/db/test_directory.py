"""The directory on SQLite and PostgreSQL: admin edits, imports all-or-nothing, exports, SAMPLE seed."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from bot.db.models import AuditLog, DirLocation, DirService, Referral
from bot.db.session import session_scope
from bot.directory import (
    DirectoryError,
    create_service,
    delete_service,
    export_csv,
    export_openreferral_json,
    get_service,
    import_csv,
    import_openreferral_json,
    list_services,
    update_service,
)
from bot.directory.catalogue import directory_version
from bot.directory.search import SearchQuery, search_directory
from bot.directory.seed import seed_directory
from bot.directory.whereabouts import record_location, save_location_on_record
from bot.geo import resolve_location

MONDAY_11 = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)

CENTRE = {
    "name": "Test Women's Centre",
    "organisation": "Test Trust",
    "external_id": "test-centre",
    "description": "A test listing.",
    "women_only": True,
    "categories": ["housing", "Mental health"],
    "phones": [{"number": "020 7946 0999", "description": "front desk"}],
    "locations": [
        {
            "name": "Peckham",
            "address": "9 Example Road",
            "postcode": "se15 5zz",
            "latitude": 51.47,
            "longitude": -0.069,
            "transport": "Peckham Rye station",
        }
    ],
    "hours": "Mon-Fri 09:00-17:00",
    "holidays": [{"start_date": "2026-12-24", "end_date": "2027-01-01", "closed": True, "description": "Christmas"}],
    "last_checked": "2026-11-01",
}


def near(session, place, *categories, when=None):
    loc = resolve_location(place)
    return search_directory(session, SearchQuery(loc.latitude, loc.longitude, loc.borough, categories, when, MONDAY_11))


def test_sample_directory_is_seeded_and_marked(db_url):
    with session_scope() as session:
        services = list_services(session)
    local = [s for s in services if not s["national"]]
    national = [s for s in services if s["national"]]
    assert len(local) >= 30
    assert len({loc["borough"] for s in local for loc in s["locations"]}) >= 10
    assert {"National Domestic Abuse Helpline", "Samaritans"} <= {s["name"] for s in national}
    assert all(s["is_sample"] for s in services)
    assert all(s["name"].startswith("SAMPLE ") for s in local)
    assert seed_directory(db_url).created == 0  # running it again changes nothing


def test_create_get_update_delete(db_url):
    with session_scope() as session:
        service = create_service(session, CENTRE)
        sid = service.id
    with session_scope() as session:
        got = get_service(session, sid)
    assert got["categories"] == ["accommodation", "health", "housing", "mental_health"]
    assert got["locations"][0]["postcode"] == "SE15 5ZZ" and got["locations"][0]["borough"] == "Southwark"
    assert got["phones"] == [{"number": "020 7946 0999", "description": "front desk"}]
    assert len(got["schedules"]) == 5 and got["holidays"][0]["description"] == "Christmas"
    with session_scope() as session:
        update_service(session, sid, {"phones": ["020 7946 0998"], "name": "Test Centre Renamed"})
    with session_scope() as session:
        got = get_service(session, sid)
        assert got["name"] == "Test Centre Renamed" and got["phones"][0]["number"] == "020 7946 0998"
        assert got["locations"][0]["address"] == "9 Example Road"  # untouched fields stay
        update_service(session, sid, {"locations": [{"address": "1 New Street", "postcode": "SW9 8AA"}]})
    with session_scope() as session:
        assert get_service(session, sid)["locations"][0]["borough"] == "Lambeth"
        assert delete_service(session, sid) is True
        assert get_service(session, sid) is None
        orphans = session.execute(select(func.count(DirLocation.id)).where(DirLocation.address == "1 New Street"))
        assert orphans.scalar_one() == 0


def test_bad_input_lists_every_problem_and_writes_nothing(db_url):
    bad = {
        **CENTRE,
        "name": "",
        "categories": ["housing", "astrology"],
        "phones": ["12"],
        "locations": [{"postcode": "ZZ99 9ZZZ", "latitude": 95, "longitude": 0}],
        "hours": "Mondays at nine",
    }
    with session_scope() as session:
        before = session.execute(select(func.count(DirService.id))).scalar_one()
        with pytest.raises(DirectoryError) as err:
            create_service(session, bad)
    text = "\n".join(err.value.errors)
    for expected in (
        "name: required",
        "unknown category 'astrology'",
        "'12' is not a UK phone number",
        "is not a UK postcode",
        "outside the UK",
        "hours:",
    ):
        assert expected in text
    with session_scope() as session:
        assert session.execute(select(func.count(DirService.id))).scalar_one() == before
        with pytest.raises(DirectoryError):
            update_service(session, 999999, {"name": "x"})


def test_edit_changes_the_version_and_the_next_search(db_url):
    with session_scope() as session:
        sid = create_service(session, CENTRE).id
        before = directory_version(session)
        assert "Test Women's Centre" in [h.listing.name for h in near(session, "SE15", "housing").hits]
    with session_scope() as session:
        update_service(
            session,
            sid,
            {"name": "Test Women's Centre (moved)", "locations": [{"address": "1 Far Road", "postcode": "CR0 1AA"}]},
        )
    with session_scope() as session:
        assert directory_version(session) != before
        names = [h.listing.name for h in near(session, "SE15", "housing").hits]
        assert not any(n.startswith("Test Women's Centre") for n in names)
        assert "Test Women's Centre (moved)" in [h.listing.name for h in near(session, "CR0", "housing").hits]
        update_service(session, sid, {"status": "inactive"})
    with session_scope() as session:
        assert "Test Women's Centre (moved)" not in [h.listing.name for h in near(session, "CR0", "housing").hits]


CSV_HEADER = "id,organisation,name,categories,phones,address,postcode,borough,hours,national\n"


def test_import_csv_is_all_or_nothing_with_a_report_per_row(db_url):
    text = CSV_HEADER + (
        "t-1,Org A,Good listing,housing,020 7946 0990,1 Example Road,SE15 5AA,,Mon-Fri 09:00-17:00,no\n"
        "t-2,Org B,,housing,020 7946 0991,2 Example Road,SE15 5AB,,Mon 09:00-17:00,no\n"
        "t-3,Org C,Bad hours,astrology,020 7946 0992,3 Example Road,SE15 5AC,,Mon nine till five,no\n"
    )
    with session_scope() as session:
        before = directory_version(session)
        report = import_csv(session, text)
    assert not report.ok and report.created == 0
    rows = {(e.row, e.message.split(":")[0]) for e in report.errors}
    assert (2, "name") in rows and (3, "categories") in rows and (3, "hours") in rows
    assert "nothing imported" in report.as_text()
    with session_scope() as session:
        assert directory_version(session) == before
        assert list_services(session, search="Good listing") == []


def test_import_csv_adds_then_updates_by_id(db_url):
    text = (
        CSV_HEADER
        + "t-1,Org A,Listing one,housing;legal,020 7946 0990,1 Example Road,SE15 5AA,,Mon-Fri 09:00-17:00,no\n"
    )
    with session_scope() as session:
        assert import_csv(session, text).created == 1
    with session_scope() as session:
        report = import_csv(session, text.replace("Listing one", "Listing one (new name)"))
    assert (report.created, report.updated) == (0, 1)
    with session_scope() as session:
        [found] = list_services(session, search="Listing one")
    assert found["name"] == "Listing one (new name)" and found["categories"] == [
        "accommodation",
        "housing",
        "legal_advice",
    ]
    with session_scope() as session:
        bad = import_csv(session, "name,organisation,colour\nx,y,blue\n")
    assert not bad.ok and "unknown columns: colour" in bad.as_text()


def test_csv_export_round_trips(db_url):
    with session_scope() as session:
        create_service(session, CENTRE)
        exported = export_csv(session)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) >= 46
    row = next(r for r in rows if r["id"] == "test-centre")
    assert row["hours"] == "Mon-Fri 09:00-17:00" and row["postcode"] == "SE15 5ZZ"
    assert row["holidays"] == "2026-12-24..2027-01-01 closed Christmas"
    assert row["phones"] == "020 7946 0999 (front desk)"  # the description is kept
    with session_scope() as session:
        report = import_csv(session, exported)
    assert report.ok and report.created == 0 and report.updated == len(rows)
    with session_scope() as session:
        again = get_service(session, list_services(session, search="Test Women")[0]["id"])
    assert again["holidays"][0]["end_date"] == "2027-01-01" and again["women_only"] is True
    assert again["phones"] == [{"number": "020 7946 0999", "description": "front desk"}]


def test_the_phones_cell_keeps_descriptions_and_bracketed_area_codes():
    from bot.directory.phones import parse_phone_cell, phone_cell

    cell = "(020) 7946 0101 (advice line); 116 123;\n0800 000 000 ( )"
    assert parse_phone_cell(cell) == [
        {"number": "(020) 7946 0101", "description": "advice line"},
        {"number": "116 123"},
        {"number": "0800 000 000", "description": None},
    ]
    phones = [{"number": "020 7946 0101", "description": "advice line"}, {"number": "116 123", "description": None}]
    assert phone_cell(phones) == "020 7946 0101 (advice line); 116 123"
    assert parse_phone_cell(phone_cell(phones)) == [
        {"number": "020 7946 0101", "description": "advice line"},
        {"number": "116 123"},
    ]


def test_openreferral_json_round_trip(db_url):
    with session_scope() as session:
        create_service(session, CENTRE)
        doc = export_openreferral_json(session)
    service = next(s for s in doc["services"] if s["id"] == "test-centre")
    assert service["organization"]["name"] == "Test Trust"
    assert service["phones"][0]["number"] == "020 7946 0999"
    loc = service["service_at_locations"][0]["location"]
    assert loc["physical_addresses"][0]["postal_code"] == "SE15 5ZZ" and loc["transportation"] == "Peckham Rye station"
    assert {"byday": "MO", "opens_at": "09:00", "closes_at": "17:00", "freq": "WEEKLY", "interval": 1} in service[
        "regular_schedules"
    ]
    assert service["holiday_schedules"][0]["closed"] is True
    assert {"housing", "mental_health"} <= {t["taxonomy"]["id"] for t in service["service_taxonomys"]}
    assert service["assured_date"] == "2026-11-01" and service["x_elpis_women_only"] is True
    text = json.dumps(doc)
    with session_scope() as session:
        report = import_openreferral_json(session, text)
    assert report.ok and report.updated == len(doc["services"])
    # A new listing from ORUK JSON, and a broken document.
    new = json.loads(json.dumps(service))
    new["id"], new["name"] = "oruk-new", "From ORUK"
    with session_scope() as session:
        assert import_openreferral_json(session, {"services": [new]}).created == 1
        assert not import_openreferral_json(session, "{not json").ok
        broken = import_openreferral_json(session, [{"id": "x", "name": "No organisation"}])
    assert not broken.ok and "organisation: required" in broken.as_text()


def test_her_location_is_read_and_filled_on_her_record(db_url):
    from bot.db.crud.conversations import get_or_create
    from bot.db.models import Conversation
    from bot.referrals.service import ReferralDraft, submit_referral

    draft = ReferralDraft(conversation_id="conv-1", channel="rest", pathway="self", preferred_name="Jo")
    submitted = submit_referral(draft, db_url)
    with session_scope() as session:
        convo = get_or_create(session, "conv-1")
        convo.woman_id = submitted.woman_id
    with session_scope() as session:
        assert record_location(session, "conv-1") is None  # she skipped it in the referral
        assert save_location_on_record(session, "conv-1", None, "SE15", "Southwark") is True
    with session_scope() as session:
        assert record_location(session, "conv-1") == {"postcode": None, "outcode": "SE15", "borough": "Southwark"}
        assert save_location_on_record(session, "conv-1", None, "CR0", "Croydon") is False  # never overwritten
        referral = session.execute(select(Referral).where(Referral.woman_id == submitted.woman_id)).scalar_one()
        assert referral.in_coverage is True
        assert (
            session.execute(
                select(func.count(AuditLog.id)).where(AuditLog.action == "referral.area_from_service_search")
            ).scalar_one()
            == 1
        )
        assert record_location(session, "nobody") is None
        assert session.execute(select(Conversation.woman_id).where(Conversation.sender_id == "conv-1")).scalar_one()


def test_cli_import_and_export(db_url, tmp_path, capsys):
    from bot.directory.__main__ import main

    out = tmp_path / "listings.json"
    assert main(["export", str(out)]) == 0
    exported = json.loads(out.read_text())  # an ORUK 3.0 service_package: a list of services
    assert exported and all(s["id"] and s["name"] for s in exported)
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_HEADER + "x,Org,,housing,,1 Road,SE15 5AA,,,no\n", encoding="utf-8")
    assert main(["import", str(bad)]) == 1
    assert "row 1 (x): name: required" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(CSV_HEADER + "cli-1,Org,CLI listing,housing,,1 Road,SE15 5AA,,,no\n", encoding="utf-8")
    assert main(["import", str(good)]) == 0
    with session_scope() as session:
        assert [s["name"] for s in list_services(session, search="CLI listing")] == ["CLI listing"]
