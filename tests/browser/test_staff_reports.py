"""The reports page in Chromium: in every bar chart no label runs into a bar or a
value (they overlapped on the engagement chart), the filters and CSV links work
from the page, and axe finds nothing serious."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bot.db import migrate
from bot.db.models import StaffRole
from bot.db.session import session_scope
from bot.seed import seed
from bot.staff.accounts import create_staff
from tests.browser.conftest import axe_violations
from tests.staff.conftest import PASSWORD, running_web
from tests.staff.test_reports import ATT, FIRST, M1, M2, MISS, make_referral


@pytest.fixture(scope="module")
def reports_web(tmp_path_factory, artifacts):
    from datetime import datetime, timezone

    from bot.db.models import Need, Pathway

    tmp = tmp_path_factory.mktemp("reportsweb")
    url = f"sqlite:///{tmp / 'elpis.db'}"
    migrate.upgrade(url)
    seed(url)
    with session_scope(url) as session:
        create_staff(
            session, email="reports@staff.test", name="Report Reader", role=StaffRole.KEYWORKER, password=PASSWORD
        )
    now = datetime.now(timezone.utc)
    make_referral(
        url, now - timedelta(days=40), Pathway.POLICE_CAUTION, "Southwark", list(Need), [(M1, ATT), (M2, ATT)]
    )
    make_referral(url, now - timedelta(days=20), Pathway.POLICE_CAUTION, "Lambeth", [Need.HEALTH], [(M1, ATT)])
    make_referral(url, now - timedelta(days=10), Pathway.SELF, "Southwark", [Need.FINANCE], [(FIRST, MISS)])
    with running_web(url, "http://127.0.0.1:9", tmp, artifacts) as web:
        yield web


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_chart_labels_never_overlap_bars_or_values(browser, reports_web):
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    try:
        page.goto(f"{reports_web.url}/staff/login")
        page.fill("#email", "reports@staff.test")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/staff/alerts.*"))
        page.goto(f"{reports_web.url}/staff/reports")
        charts = page.locator("figure.chart svg")
        assert charts.count() == 3
        for i in range(charts.count()):
            boxes = charts.nth(i).evaluate(
                """svg => Array.from(svg.querySelectorAll('text, rect')).map(el => {
                    const b = el.getBoundingClientRect();
                    return {tag: el.tagName, text: el.textContent, x: b.x, y: b.y, width: b.width, height: b.height};
                })"""
            )
            texts = [b for b in boxes if b["tag"] == "text" and b["width"] > 0]
            shapes = [b for b in boxes if b["tag"] == "rect" and b["width"] > 0]
            assert texts and shapes
            for n, t in enumerate(texts):
                assert not any(_overlap(t, r) for r in shapes), (i, t["text"])
                assert not any(_overlap(t, o) for o in texts[n + 1 :]), (i, t["text"])
        engagement = page.locator("figure.chart").nth(1).inner_text()
        assert "Police caution: both caution meetings" in engagement and "50%" in engagement

        # The filter form narrows every table; the CSV link carries the filter.
        page.select_option("#r-borough", "Lambeth")
        page.click("#report-filters button[type=submit]")
        page.wait_for_url(re.compile(r".*borough=Lambeth.*"))
        assert page.inner_text("#report-total") == "1"
        link = page.locator('a[href*="needs_profile.csv"]')
        assert "borough=Lambeth" in link.get_attribute("href")
        with page.expect_download() as info:
            link.click()
        assert info.value.suggested_filename == "elpis-needs-profile-Lambeth.csv"
        assert axe_violations(page) == []
    finally:
        page.close()


def test_date_filter_from_the_page(browser, reports_web):
    page = browser.new_page()
    try:
        page.goto(f"{reports_web.url}/staff/login")
        page.fill("#email", "reports@staff.test")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/staff/alerts.*"))
        since = (date.today() - timedelta(days=15)).isoformat()
        page.goto(f"{reports_web.url}/staff/reports?from={since}")
        assert page.inner_text("#report-total") == "1"
        assert page.input_value("#r-from") == since
    finally:
        page.close()
