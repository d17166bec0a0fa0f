"""The reports page and its CSV downloads over real HTTP, on SQLite and PostgreSQL.

The cases here are made in 2019 (no other test makes referrals then), so the
date filter isolates them from everything else in the shared test database.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from bot.db.models import Centre, Need, Pathway, Referral, ReferralNeed, Woman
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentSlot, AppointmentStatus
from bot.db.models.referrals import PoliceOutcome
from bot.db.session import session_scope
from bot.staff.report_tables import Pct, Table, table_csv

M1, M2, FIRST = AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2, AppointmentKind.ASSESSMENT
ATT, MISS = AppointmentStatus.ATTENDED, AppointmentStatus.MISSED
RANGE = "from=2019-03-01&to=2019-04-30"


def make_referral(url, created, pathway, borough, needs=(), appts=(), outcome=None, closed_after_days=None) -> int:
    with session_scope(url) as session:
        woman = Woman(preferred_name="Report Rae", phone_e164="+447700900777", safe_to_text=True)
        session.add(woman)
        session.flush()
        referral = Referral(
            reference="ELP-" + uuid.uuid4().hex[:6].upper(),
            woman_id=woman.id,
            pathway=pathway,
            police_outcome=outcome,
            borough=borough,
            in_coverage=True,
            channel="sms",
            created_at=created,
            closed_at=created + timedelta(days=closed_after_days) if closed_after_days is not None else None,
        )
        session.add(referral)
        session.flush()
        session.add_all(ReferralNeed(referral_id=referral.id, need=n) for n in needs)
        centre_id = session.execute(select(Centre.id).order_by(Centre.id)).scalars().first()
        for i, (kind, status) in enumerate(appts):
            start = created + timedelta(days=7 + i, minutes=int(uuid.uuid4().int % 997))
            slot = AppointmentSlot(
                centre_id=centre_id, starts_at=start, ends_at=start + timedelta(hours=1), capacity=1, booked_count=1
            )
            session.add(slot)
            session.flush()
            session.add(Appointment(referral_id=referral.id, slot_id=slot.id, kind=kind, status=status))
        return referral.id


@pytest.fixture(scope="module")
def cases(web):
    """Four referrals in March-April 2019: two cautions, a self-referral, one after police contact."""
    day = lambda m, d: datetime(2019, m, d, 12, tzinfo=timezone.utc)  # noqa: E731
    health_abuse_drugs = (Need.HEALTH, Need.ABUSE, Need.DRUGS_ALCOHOL, Need.ACCOMMODATION)
    make_referral(
        web.db, day(3, 5), Pathway.POLICE_CAUTION, "Southwark", health_abuse_drugs, [(M1, ATT), (M2, ATT)], None, 200
    )
    make_referral(web.db, day(3, 20), Pathway.POLICE_CAUTION, "Lambeth", [Need.HEALTH], [(M1, ATT), (M2, MISS)])
    make_referral(web.db, day(4, 2), Pathway.SELF, "Southwark", [], [(FIRST, MISS)])
    make_referral(
        web.db,
        day(4, 10),
        Pathway.SELF,
        "Southwark",
        [Need.FINANCE],
        [(FIRST, ATT)],
        PoliceOutcome.NO_FURTHER_ACTION,
        30,
    )


class _Tables(HTMLParser):
    """Every <table id="t-..."> on a page as {key: {row header: [cells]}}, and its caption."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self.captions: dict[str, str] = {}
        self.key = self.cell = None
        self.row: list[str] = []
        self.scopes: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and (a.get("id") or "").startswith("t-"):
            self.key = a["id"][2:]
            self.tables[self.key] = {}
        elif self.key and tag in ("th", "td", "caption"):
            self.cell = ""
            if tag == "th":
                self.scopes.append(a.get("scope") or "")
        elif self.key and tag == "tr":
            self.row = []

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if not self.key:
            return
        if tag == "caption":
            self.captions[self.key] = self.cell or ""
        elif tag in ("th", "td"):
            self.row.append((self.cell or "").strip())
        elif tag == "tr" and self.row:
            self.tables[self.key][self.row[0]] = self.row[1:]
        elif tag == "table":
            self.key = None
        if tag in ("th", "td", "caption"):
            self.cell = None


def tables_of(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


def test_every_table_counts_the_filtered_referrals(web, keyworker, cases):
    _, kw = keyworker
    resp = kw.get(f"/staff/reports?{RANGE}")
    assert resp.status_code == 200
    page = tables_of(resp.text)
    t = page.tables
    assert t["referrals_by_pathway"]["Police caution"] == ["2 (50%)"]
    assert t["referrals_by_pathway"]["Self-referral"] == ["1 (25%)"]
    assert t["referrals_by_pathway"]["Other police contact"] == ["1 (25%)"]
    assert t["referrals_by_month"]["2019-03"] == ["2", "0", "0", "2"]
    assert t["referrals_by_month"]["2019-04"] == ["0", "1", "1", "2"]
    assert t["engagement_by_pathway"]["Police caution"] == ["2", "2 (100%)", "1 (50%)"]
    assert t["engagement_by_pathway"]["Self-referral"] == ["1", "0 (0%)", "not applicable"]
    assert t["engagement_by_pathway"]["Other police contact"] == ["1", "1 (100%)", "not applicable"]
    needs = t["needs_profile"]
    assert needs["Health (including mental health)"] == ["2 (50%)"]
    assert needs["Finance, benefit and debt"] == ["1 (25%)"] and needs["Sex work"] == ["0 (0%)"]
    assert needs["4 or more needs"] == ["1 (25%)"]
    assert needs["Mental health, domestic abuse and substance use together"] == ["1 (25%)"]
    assert len([k for k in needs if k not in ("Need",)]) == 9 + 3
    support = t["time_in_support"]
    assert support["Under 3 months"] == ["1 (50%)", "0 (0%)", "1 (25%)"]
    assert support["6-12 months"] == ["1 (50%)", "0 (0%)", "1 (25%)"]
    assert support["Over 12 months"] == ["0 (0%)", "2 (100%)", "2 (50%)"]
    assert support["Beyond 3 months"] == ["1 (50%)", "2 (100%)", "3 (75%)"]
    appts = t["appointments"]
    assert appts["Caution meeting 2"] == ["1 (50%)", "1 (50%)", "0", "0"]
    assert appts["All appointments"] == ["4 (67%)", "2 (33%)", "0", "0"]
    assert 'id="report-total">4<' in resp.text
    # Accessible tables: a caption that says the filter, column and row headers.
    assert "2019-03-01 to 2019-04-30" in page.captions["needs_profile"]
    assert set(page.scopes) == {"col", "row"}
    outcome = {k: v for k, v in t["outcome_change"].items() if k != "Area"}
    assert len(outcome) == 10 and all(row == ["0", "", "", ""] for row in outcome.values())  # no readings here
    assert "borough of <strong>her postcode</strong>" in resp.text


def test_filters_change_the_numbers(web, keyworker, cases):
    _, kw = keyworker
    southwark = tables_of(kw.get(f"/staff/reports?{RANGE}&borough=Southwark").text).tables
    assert southwark["referrals_by_pathway"]["Police caution"] == ["1 (33%)"]
    assert southwark["referrals_by_pathway"]["All referrals"] == ["3 (100%)"]
    assert southwark["needs_profile"]["Health (including mental health)"] == ["1 (33%)"]
    april = tables_of(kw.get("/staff/reports?from=2019-04-01&to=2019-04-30").text).tables
    assert april["referrals_by_pathway"]["Police caution"] == ["0 (0%)"]
    assert april["appointments"]["All appointments"] == ["1 (50%)", "1 (50%)", "0", "0"]
    bad = kw.get("/staff/reports?from=2019-13-45")
    assert bad.status_code == 200 and "is not a date like" in bad.text


def test_csv_download_has_the_filtered_table(web, keyworker, cases):
    _, kw = keyworker
    page = kw.get(f"/staff/reports?{RANGE}&borough=Lambeth").text
    links = re.findall(r'href="([^"]+\.csv[^"]*)"', page)
    assert len(links) == 10 and all("borough=Lambeth" in link for link in links)  # a link per table
    resp = kw.get(links[[i for i, x in enumerate(links) if "engagement_by_pathway" in x][0]].replace("&amp;", "&"))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/csv")
    assert (
        resp.headers["content-disposition"]
        == 'attachment; filename="elpis-engagement-by-pathway-2019-03-01-2019-04-30-Lambeth.csv"'
    )
    rows = list(csv.reader(io.StringIO(resp.text)))
    assert rows[0] == [
        "Pathway",
        "Referrals",
        "At least one meeting attended",
        "At least one meeting attended (%)",
        "Both caution meetings attended",
        "Both caution meetings attended (%)",
    ]
    assert rows[1] == ["Police caution", "1", "1", "100", "0", "0"]
    assert rows[2] == ["Self-referral", "0", "0", "", "not applicable", ""]
    whole = kw.get(f"/staff/reports/engagement_by_pathway.csv?{RANGE}")
    assert list(csv.reader(io.StringIO(whole.text)))[1] == ["Police caution", "2", "2", "100", "1", "50"]
    assert kw.get("/staff/reports/nothing_here.csv").status_code == 404


def test_csv_cells_never_run_as_formulas():
    table = Table(
        "t",
        "T",
        ["Name", "Count"],
        [['=HYPERLINK("http://x")', Pct(1, 2)], ["+1+1", 3], ["-2-cmd|' /C calc'!A0", 4], ["@SUM", 5], ["-1.5", 6]],
    )
    rows = list(csv.reader(io.StringIO(table_csv(table))))
    assert rows[0] == ["Name", "Count", "Count (%)"]
    assert [r[0] for r in rows[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+1+1",
        "'-2-cmd|' /C calc'!A0",
        "'@SUM",
        "-1.5",  # a plain number runs nothing: it stays a number (an average change)
    ]
    assert rows[1][1:] == ["1", "50"] and rows[2][1:] == ["3", ""]


def test_reports_need_a_login(client, web):
    assert client.get("/staff/reports/appointments.csv").status_code in (302, 303)
