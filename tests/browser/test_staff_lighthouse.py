"""Lighthouse's accessibility score is 100 on every staff page, with data on it, as each role sees it.

Debian's Chromium is started by Playwright with a remote-debugging port; Playwright logs in
(the browser's own profile keeps the session cookie) and Lighthouse's node API
(tests/browser/lighthouse/run.mjs, pinned in its package-lock.json, installed by `make test`
with `npm ci`) connects to the same browser by that port, so its tab is logged in too. Each
page is loaded, then audited as it stands (Lighthouse's snapshot mode: the alert queue and a
conversation poll for news, so the network never goes quiet for a navigation audit). Only the
accessibility category runs; every audit in it is one snapshot mode runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.ports import free_port
from tests.browser.conftest import CHROMIUM_ARGS, _missing
from tests.browser.staff_pages import hold_conversation, log_in, reach

LIGHTHOUSE_DIR = Path(__file__).parent / "lighthouse"
RUNNER = LIGHTHOUSE_DIR / "run.mjs"
TIMEOUT_S = 300  # one role's pages; about 2 s a page on a quiet 2-core machine


@pytest.fixture(scope="module")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        _missing("Node.js (for Lighthouse)", "no node on PATH")
    if not (LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json").exists():
        _missing("Lighthouse", f"not installed in {LIGHTHOUSE_DIR} (make test runs npm ci there)")
    return path


@pytest.fixture
def debug_browser(chromium_path, tmp_path):
    """One Chromium with a remote-debugging port; its persistent context is the browser's default
    one, where Lighthouse opens its tabs, so the cookie Playwright's login sets is theirs too."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    playwright = sync_playwright().start()
    ctx = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=str(chromium_path),
        headless=True,
        args=[*CHROMIUM_ARGS, f"--remote-debugging-port={port}"],
        locale="en-GB",
        viewport={"width": 1280, "height": 900},
    )
    yield ctx, port
    ctx.close()
    playwright.stop()


def lighthouse(node: str, port: int, urls: list[str]) -> list[dict]:
    done = subprocess.run(
        [node, str(RUNNER), str(port), *urls],
        cwd=LIGHTHOUSE_DIR,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_lighthouse_accessibility_is_100_on_every_staff_page(node, debug_browser, staff_site):
    ctx, port = debug_browser
    page = ctx.new_page()
    results, audited = [], []
    # Error pages answer 404 on purpose: Lighthouse refuses to audit those (axe checks them).
    pages = [p for p in staff_site.pages if p.status == 200 or p.via]
    for role in (None, "keyworker", "admin"):
        if role:
            if page.locator("form.logout button").count():
                page.click("form.logout button")
            log_in(page, staff_site.url, role)
            if role == "keyworker":
                hold_conversation(page, staff_site.url)
        by_url = [p for p in pages if p.role == role and not p.via]
        results += lighthouse(node, port, [staff_site.url + p.path for p in by_url])
        audited += by_url
        # A page a form leads to: Playwright sends the form in a tab, Lighthouse audits that tab.
        for staff_page in (p for p in pages if p.role == role and p.via):
            tab = ctx.new_page()
            reach(tab, staff_site.url, staff_page)
            assert staff_page.shows in tab.inner_text("main")
            results += lighthouse(node, port, ["tab:" + tab.url])
            audited.append(staff_page)
            tab.close()

    assert len(results) == len(pages)
    # Each page was audited as itself (not a login page it was sent to), with no error.
    assert [r["final_url"] for r in results] == [r["url"] for r in results]
    # Scored on what the page has: a page's own controls, names, contrast and structure pass.
    below = [
        {"page": p.name, **r} for p, r in zip(audited, results) if r["score"] != 1 or r["error"] or r["passed"] < 10
    ]
    assert not below, json.dumps(below, indent=1)
