"""The service's evaluation tables reproduce a synthetic cohort's known figures exactly,
over real HTTP on SQLite and PostgreSQL: referrals by pathway, engagement by pathway,
the needs profile, time in support, and the average outcome change per area between
each case's first and latest readings (with n), on the page and in the CSV, honouring
the date and borough filters.

The cohort is referred in January-June 2018 (no other test makes referrals then); one
case referred in December 2017, with readings, must never be counted.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone
from fractions import Fraction

import pytest

from bot.db.crud import outcomes as crud
from bot.db.models import Need, Pathway, Referral
from bot.db.models.appointments import AppointmentKind, AppointmentStatus
from bot.db.models.outcomes import ReadingSource, ReadingStage
from bot.db.models.referrals import PoliceOutcome
from bot.db.session import session_scope
from bot.staff.outcome_report import one_place
from tests.staff.test_reports import make_referral, tables_of

M1, M2, FIRST = AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2, AppointmentKind.ASSESSMENT
ATT, MISS = AppointmentStatus.ATTENDED, AppointmentStatus.MISSED
CAUTION, SELF = Pathway.POLICE_CAUTION, Pathway.SELF
H, A, D, ACC, FIN, KIDS, SEX = (
    Need.HEALTH,
    Need.ABUSE,
    Need.DRUGS_ALCOHOL,
    Need.ACCOMMODATION,
    Need.FINANCE,
    Need.CHILDREN_FAMILIES,
    Need.SEX_WORK,
)
RANGE = "from=2018-01-01&to=2018-06-30"
STAGES = (ReadingStage.START, ReadingStage.REVIEW, ReadingStage.END)


def _day(y, m, d):
    return datetime(y, m, d, 12, tzinfo=timezone.utc)


def _readings(url: str, referral_id: int, readings: list[tuple[date, dict[str, int]]]) -> None:
    with session_scope(url) as s:
        by_key = {a.key: a.id for a in crud.get_instrument(s).active}
        referral = s.get(Referral, referral_id)
        for n, (day, scores) in enumerate(readings):
            stage = STAGES[0] if n == 0 else STAGES[2] if n == len(readings) - 1 else STAGES[1]
            ids = {by_key[k]: v for k, v in scores.items()}
            crud.add_reading(s, referral, day, stage, ReadingSource.KEYWORKER, ids, None)


@pytest.fixture(scope="module")
def cohort(web):
    url = web.db
    r0 = make_referral(url, _day(2017, 12, 20), CAUTION, "Southwark", [H], [(M1, ATT)])  # outside the range
    _readings(url, r0, [(date(2018, 1, 5), {"home": 1}), (date(2018, 3, 5), {"home": 10})])
    r1 = make_referral(url, _day(2018, 1, 10), CAUTION, "Southwark", [H, A, D, ACC], [(M1, ATT), (M2, ATT)], None, 100)
    _readings(
        url,
        r1,
        [
            (date(2018, 1, 20), {"home": 2, "mind": 3, "safety": 4, "money": 5}),
            (date(2018, 3, 1), {"home": 4, "safety": 6}),  # mind and money skipped
            (date(2018, 4, 20), {"home": 6, "mind": 5, "safety": 7}),
        ],
    )
    r2 = make_referral(url, _day(2018, 2, 5), CAUTION, "Lambeth", [H], [(M1, ATT), (M2, MISS)])
    _readings(
        url, r2, [(date(2018, 2, 10), {"home": 5, "mind": 4}), (date(2018, 5, 10), {"home": 4, "mind": 6, "safety": 3})]
    )
    r3 = make_referral(url, _day(2018, 3, 1), SELF, "Southwark", [FIN, KIDS], [(FIRST, ATT)], None, 40)
    _readings(url, r3, [(date(2018, 3, 5), {"home": 3})])  # one reading: no change to count
    make_referral(url, _day(2018, 4, 15), SELF, "Southwark", [], [(FIRST, MISS)], None, 200)
    r5 = make_referral(
        url,
        _day(2018, 5, 20),
        SELF,
        "Lambeth",
        [A, H, D, SEX, FIN],
        [(FIRST, ATT)],
        PoliceOutcome.NO_FURTHER_ACTION,
        400,
    )
    _readings(
        url,
        r5,
        [
            (date(2018, 6, 1), {"home": 1, "safety": 2, "money": 3}),
            (date(2018, 9, 1), {"home": 2, "safety": 2, "money": 6}),
        ],
    )
    make_referral(url, _day(2018, 6, 30), CAUTION, "Hackney", [ACC], [])


def test_every_evaluation_table_reproduces_the_cohort(web, keyworker, cohort):
    _, kw = keyworker
    resp = kw.get(f"/staff/reports?{RANGE}")
    assert resp.status_code == 200 and 'id="report-total">6<' in resp.text
    t = tables_of(resp.text).tables
    assert t["referrals_by_pathway"] == {
        "Pathway": ["Referrals"],
        "Police caution": ["3 (50%)"],
        "Self-referral": ["2 (33%)"],
        "Other police contact": ["1 (17%)"],
        "All referrals": ["6 (100%)"],
    }
    assert t["engagement_by_pathway"] == {
        "Pathway": ["Referrals", "At least one meeting attended", "Both caution meetings attended"],
        "Police caution": ["3", "2 (67%)", "1 (33%)"],
        "Self-referral": ["2", "1 (50%)", "not applicable"],
        "Other police contact": ["1", "1 (100%)", "not applicable"],
        "All referrals": ["6", "4 (67%)", "not applicable"],
    }
    needs = t["needs_profile"]
    assert needs["Health (including mental health)"] == ["3 (50%)"]
    assert needs["Abuse and domestic violence"] == ["2 (33%)"] and needs["Drugs and alcohol"] == ["2 (33%)"]
    assert needs["Accommodation"] == ["2 (33%)"] and needs["Finance, benefit and debt"] == ["2 (33%)"]
    assert needs["Children and families"] == ["1 (17%)"] and needs["Sex work"] == ["1 (17%)"]
    assert needs["Education, training and employment"] == ["0 (0%)"]
    assert needs["Attitudes, thinking and behaviour"] == ["0 (0%)"]
    assert needs["4 or more needs"] == ["2 (33%)"]
    assert needs["Mental health, domestic abuse and substance use together"] == ["2 (33%)"]
    assert needs["No needs named"] == ["1 (17%)"]
    assert t["time_in_support"] == {
        "Time": ["Closed cases", "Open cases (so far)", "All referrals"],
        "Under 3 months": ["1 (25%)", "0 (0%)", "1 (17%)"],
        "3-6 months": ["1 (25%)", "0 (0%)", "1 (17%)"],
        "6-12 months": ["1 (25%)", "0 (0%)", "1 (17%)"],
        "Over 12 months": ["1 (25%)", "2 (100%)", "3 (50%)"],
        "Beyond 3 months": ["3 (75%)", "2 (100%)", "5 (83%)"],
    }
    change = t["outcome_change"]
    # Home: 2->6, 5->4, 1->2 (the one-reading case and the December 2017 case left out).
    assert change["Home"] == ["3", "2.7", "4.0", "+1.3"]
    assert change["Mind and mood"] == ["2", "3.5", "5.5", "+2.0"]  # 3->5 across a skipped review, 4->6
    assert change["Safety"] == ["2", "3.0", "4.5", "+1.5"]  # 4->7, 2->2
    assert change["Money"] == ["1", "3.0", "6.0", "+3.0"]  # the first case scored it once only
    assert change["Work and learning"] == ["0", "", "", ""]
    assert len(change) == 1 + 10
    assert "Cases with two or more readings: 3." in resp.text


def test_the_outcome_table_honours_the_borough_and_date_filters_and_downloads(web, keyworker, cohort):
    _, kw = keyworker
    southwark = tables_of(kw.get(f"/staff/reports?{RANGE}&borough=Southwark").text).tables["outcome_change"]
    assert southwark["Home"] == ["1", "2.0", "6.0", "+4.0"]
    assert southwark["Safety"] == ["1", "4.0", "7.0", "+3.0"] and southwark["Money"] == ["0", "", "", ""]
    lambeth = kw.get(f"/staff/reports/outcome_change.csv?{RANGE}&borough=Lambeth")
    assert lambeth.status_code == 200 and lambeth.headers["content-type"].startswith("text/csv")
    assert 'filename="elpis-outcome-change-2018-01-01-2018-06-30-Lambeth.csv"' in lambeth.headers["content-disposition"]
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(lambeth.text))}
    assert rows["Area"] == ["Cases (n)", "Average first score", "Average latest score", "Average change"]
    assert rows["Home"] == ["2", "3.0", "3.0", "0.0"]  # 5->4, 1->2
    assert rows["Mind and mood"] == ["1", "4.0", "6.0", "+2.0"]
    assert rows["Money"] == ["1", "3.0", "6.0", "+3.0"] and rows["Safety"] == ["1", "2.0", "2.0", "0.0"]
    december = tables_of(kw.get("/staff/reports?from=2017-12-01&to=2017-12-31").text).tables["outcome_change"]
    assert december["Home"] == ["1", "1.0", "10.0", "+9.0"]  # the case left out above, on its own


@pytest.mark.parametrize(
    "value,signed,text",
    [
        (Fraction(4, 3), True, "+1.3"),
        (Fraction(5, 4), True, "+1.3"),  # halves go away from zero
        (Fraction(-5, 4), True, "-1.3"),
        (Fraction(-1, 20), True, "-0.1"),
        (Fraction(1, 30), True, "0.0"),  # no sign on nought
        (Fraction(8, 3), False, "2.7"),
        (Fraction(10), False, "10.0"),
    ],
)
def test_averages_round_half_away_from_zero_to_one_place(value, signed, text):
    assert one_place(value, signed) == text
