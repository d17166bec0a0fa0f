"""The read-only Open Referral UK 3.0 API over real HTTP (`python -m bot.web`), per backend.

Responses are checked with the official schemas (offline copy, bot.directory.oruk_schema).
"""

from __future__ import annotations

import uuid

import requests

from bot.db.session import session_scope
from bot.directory import create_service, delete_service, oruk_schema

HIDDEN = {
    "name": "Hidden Test Listing",
    "organisation": "Hidden Trust",
    "external_id": "hidden-test-listing",
    "status": "inactive",
    "locations": [{"address": "1 Example Road", "postcode": "SE15 5AA"}],
}


def get(web, path, **params):
    return requests.get(web.url + path, params=params, timeout=30, headers={"Origin": "https://example.org"})


def test_root_says_version_and_profile(web):
    for path in ("/oruk/", "/oruk"):
        resp = get(web, path)
        assert resp.status_code == 200 and resp.headers["Access-Control-Allow-Origin"] == "*"
        assert resp.json()["version"] == "HSDS-UK-3.0"
        assert oruk_schema.errors("api_details", resp.json()) == []


def test_services_are_paged_and_valid(web):
    first = get(web, "/oruk/services", page=1, per_page=20)
    assert first.status_code == 200 and first.headers["Access-Control-Allow-Origin"] == "*"
    body = first.json()
    assert oruk_schema.errors("service_list", body) == []
    assert body["size"] == 20 and body["page_number"] == 1 and body["first_page"] and not body["last_page"]
    total = body["total_items"]
    assert total >= 45 and body["total_pages"] == -(-total // 20) and len(body["contents"]) == 20
    seen = [s["id"] for s in body["contents"]]
    for page in range(2, body["total_pages"] + 1):
        more = get(web, "/oruk/services", page=page, per_page=20).json()
        assert oruk_schema.errors("service_list", more) == []
        seen += [s["id"] for s in more["contents"]]
    assert more["last_page"] and len(seen) == len(set(seen)) == total
    beyond = get(web, "/oruk/services", page=body["total_pages"] + 1, per_page=20).json()
    assert beyond["empty"] and beyond["contents"] == []
    assert get(web, "/oruk/services", page="x").status_code == 400
    assert get(web, "/oruk/services", page=0).status_code == 400
    assert len(get(web, "/oruk/services", per_page=1000).json()["contents"]) <= 100


def test_one_service_and_unknown_ids(web):
    listed = get(web, "/oruk/services", per_page=5).json()["contents"][0]
    resp = get(web, f"/oruk/services/{listed['id']}")
    assert resp.status_code == 200 and resp.headers["Access-Control-Allow-Origin"] == "*"
    assert oruk_schema.errors("service", resp.json()) == []
    assert resp.json() == listed
    for unknown in (str(uuid.uuid4()), "not-a-uuid", "1"):
        missing = get(web, f"/oruk/services/{unknown}")
        assert missing.status_code == 404 and missing.headers["Access-Control-Allow-Origin"] == "*"


# Fields of the ORUK 3.0 entities, HSDS 3.0 names the profile dropped, and our public flags:
# anything else in a response would be a leak.
EXTRA_FIELDS = {
    "phones",
    "link_entity",
    "eligibility_description",
    "transportation",
    "x_elpis_closed",
    "x_elpis_women_only",
    "x_elpis_national",
    "x_elpis_closed_on_bank_holidays",
    "x_elpis_sample",
}


def allowed_fields() -> set[str]:
    import json

    doc = json.loads((oruk_schema.schema_dir() / "service_with_definitions.json").read_text())
    names = set(doc["properties"])
    for definition in doc["definitions"].values():
        names |= set(definition.get("properties", {}))
    return names | EXTRA_FIELDS


def test_only_public_listings_and_fields(web):
    with session_scope(web.db) as session:
        hidden = create_service(session, HIDDEN)
        hidden_id, hidden_uuid = hidden.id, hidden.uuid
    try:
        assert get(web, f"/oruk/services/{hidden_uuid}").status_code == 404
        everything = get(web, "/oruk/services", per_page=100).json()
        assert everything["total_items"] <= 100
        assert hidden_uuid not in {s["id"] for s in everything["contents"]}
        assert set(_keys(everything["contents"])) <= allowed_fields()
        assert "x_elpis_external_id" not in set(_keys(everything["contents"]))
        assert "sample-southwark-womens-centre" not in str(everything)
    finally:
        with session_scope(web.db) as session:
            delete_service(session, hidden_id)


def _keys(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)
