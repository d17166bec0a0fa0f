"""The alert queue in Chromium: a new urgent alert appears in the list without the page
reloading, is announced in the polite live region, and focus never moves (while it is
inside the list, the list waits for it to leave)."""

from __future__ import annotations

import re
import uuid

import pytest

from bot.db import migrate
from bot.db.models import Alert, AlertReason, AlertUrgency, StaffRole
from bot.db.session import session_scope
from bot.seed import seed
from bot.staff.accounts import create_staff
from tests.browser.conftest import wait_until
from tests.staff.conftest import PASSWORD, running_web

POLL_WAIT = 40.0  # the page polls every 10 s; a shared 2-core machine can be slow


@pytest.fixture(scope="module")
def queue_web(tmp_path_factory, artifacts):
    tmp = tmp_path_factory.mktemp("queueweb")
    url = f"sqlite:///{tmp / 'elpis.db'}"
    migrate.upgrade(url)
    seed(url)
    with session_scope(url) as session:
        create_staff(
            session, email="queue@staff.test", name="Queue Keyworker", role=StaffRole.KEYWORKER, password=PASSWORD
        )
    with running_web(url, "http://127.0.0.1:9", tmp, artifacts) as web:
        yield web


def add_alert(url: str, summary: str, urgent: bool = True) -> int:
    with session_scope(url) as session:
        alert = Alert(
            reason=AlertReason.CRISIS if urgent else AlertReason.HUMAN_REQUESTED,
            urgency=AlertUrgency.URGENT if urgent else AlertUrgency.NORMAL,
            summary=summary,
            channel="socketio",
            conversation_id=f"live-{uuid.uuid4().hex[:8]}",
        )
        session.add(alert)
        session.flush()
        return alert.id


def test_a_new_urgent_alert_appears_in_place_announced_politely(browser, queue_web):
    first = add_alert(queue_web.db, "Asked to talk to a person", urgent=False)
    page = browser.new_page()
    try:
        page.goto(f"{queue_web.url}/staff/login")
        page.fill("#email", "queue@staff.test")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/staff/alerts.*"))
        assert page.locator("meta[http-equiv=refresh]").count() == 0
        assert page.get_attribute("#queue-news", "aria-live") == "polite"
        page.evaluate("window.notReloaded = true")

        # Focus inside the list: the new row waits, the announcement does not, focus stays.
        link = page.locator(f'tr[data-alert-id="{first}"] a')
        link.focus()
        urgent = add_alert(queue_web.db, "Crisis words in a conversation (live test)")
        assert wait_until(
            lambda: "New urgent alert: Crisis words in a conversation (live test)" in page.inner_text("#queue-news"),
            timeout=POLL_WAIT,
        )
        assert page.evaluate('document.activeElement.closest("tr").dataset.alertId') == str(first)
        assert page.locator(f'tr[data-alert-id="{urgent}"]').count() == 0

        # Focus leaves the list: the rows update in place, urgent on top, marked new.
        page.focus("#f-urgency")
        assert wait_until(lambda: page.locator(f'tr[data-alert-id="{urgent}"]').count() == 1, timeout=5)
        order = page.eval_on_selector_all("#alert-rows tr[data-alert-id]", "rows => rows.map(r => r.dataset.alertId)")
        assert order[0] == str(urgent) and str(first) in order
        assert "New" in page.inner_text(f'tr[data-alert-id="{urgent}"]')
        assert page.inner_text("#queue-total") == "2 open"
        assert page.evaluate("document.activeElement.id") == "f-urgency"
        assert page.evaluate("window.notReloaded") is True
    finally:
        page.close()
