"""Listing imports (CSV, Open Referral UK JSON): any input gives a report, never an exception."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from bot.db.session import get_engine
from bot.directory.bulk_import import ImportReport
from bot.directory.listings_csv import CSV_COLUMNS, import_csv
from bot.directory.oruk_json import import_openreferral_json

FAST = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "SE15 4QF", "Mon-Fri 09:00-17:00", "07700 900123", "housing", "51.5", "-0.1", "yes", "x" * 300]
    ),
)
csv_text = st.one_of(
    st.text(max_size=400),
    st.lists(st.lists(cell, min_size=len(CSV_COLUMNS), max_size=len(CSV_COLUMNS)), max_size=4).map(
        lambda rows: (
            ",".join(CSV_COLUMNS)
            + "\n"
            + "\n".join(",".join('"' + c.replace('"', '""') + '"' for c in row) for row in rows)
        )
    ),
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "name",
                    "organization",
                    "locations",
                    "service_at_locations",
                    "regular_schedules",
                    "taxonomy",
                    "phones",
                    "description",
                    "services",
                    "x",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def _rolled_back(fn, source) -> ImportReport:
    with Session(get_engine()) as session:
        try:
            return fn(session, source)
        finally:
            session.rollback()


# Found by this test (then fixed): a NUL byte made csv raise _csv.Error out of import_csv.
@FAST
@given(csv_text)
def test_csv_import_reports_instead_of_failing(db_url, text):
    report = _rolled_back(import_csv, text)
    assert isinstance(report, ImportReport) and isinstance(report.as_text(), str)


# Found by this test (then fixed): phones / regular_schedules / service_at_locations /
# organization of the wrong type raised TypeError or AttributeError in _oruk_to_data.
@FAST
@given(st.one_of(json_value, json_value.map(json.dumps), st.text(max_size=200)))
def test_json_import_reports_instead_of_failing(db_url, doc):
    report = _rolled_back(import_openreferral_json, doc)
    assert isinstance(report, ImportReport) and isinstance(report.as_text(), str)
