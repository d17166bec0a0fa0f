"""Every staff page, with data on it, in Chromium (tests/browser/staff_pages.py names them):

- at 320 CSS px nothing scrolls sideways (WCAG 1.4.10): the page is at most 320 px wide, and
  a table wider than the screen scrolls inside its own labelled region that the keyboard reaches;
- axe-core finds nothing serious or critical, at 320 px and on a desktop screen;
- the keyboard: a skip link comes first and moves focus to the main content, and every control
  Tab reaches shows where focus is;
- a favicon: /favicon.ico and the linked icon load, and no page asks for anything that is missing.
Lighthouse's accessibility score is in test_staff_lighthouse.py.
"""

from __future__ import annotations

import pytest
import requests

from tests.browser.conftest import axe_violations
from tests.browser.staff_pages import hold_conversation, log_in, reach

# Elements whose content is wider than they are and that scroll sideways: each must be a named,
# focusable region (a keyboard user scrolls it with the arrow keys once it has focus).
SIDEWAYS_SCROLLERS = """() => [...document.querySelectorAll('body *')].filter(el => {
    const x = getComputedStyle(el).overflowX;
    return (x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1;
}).map(el => ({id: el.id, cls: el.className, tabindex: el.getAttribute('tabindex'),
               role: el.getAttribute('role'),
               label: el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') || '').split(' ')
                   .map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim()}))"""

# Where focus is drawn: an outline at least 2 px wide that is not transparent, or a box shadow.
FOCUS_SHOWN = """() => {
    const el = document.activeElement, s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
        && s.outlineColor !== 'rgba(0, 0, 0, 0)' && s.outlineColor !== 'transparent';
    return {tag: el.tagName, id: el.id, text: (el.innerText || el.value || '').slice(0, 30),
            shown: outline || s.boxShadow !== 'none'};
}"""


@pytest.fixture(scope="module")
def sessions(browser, staff_site):
    """Per viewport width, a browser context per role (and one logged out); made once, reused."""
    made: dict[int, dict] = {}

    def at(width: int) -> dict:
        if width not in made:
            made[width] = {}
            for role in (None, "keyworker", "admin"):
                ctx = browser.new_context(viewport={"width": width, "height": 720}, locale="en-GB")
                if role:
                    page = ctx.new_page()
                    log_in(page, staff_site.url, role)
                    if role == "keyworker":
                        hold_conversation(page, staff_site.url)
                    page.close()
                made[width][role] = ctx
        return made[width]

    yield at
    for contexts in made.values():
        for ctx in contexts.values():
            ctx.close()


def open_page(ctx, site, staff_page):
    """The page loaded, its status checked and its data on it; every failed request recorded."""
    page = ctx.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    resp = reach(page, site.url, staff_page)
    assert resp is not None and resp.status == staff_page.status, (staff_page.name, resp and resp.status)
    assert staff_page.shows in page.inner_text("main"), staff_page.name
    page.wait_for_load_state("load")
    if staff_page.status == 200:
        assert not failed, (staff_page.name, failed)
    else:  # only the page itself is an error
        assert failed == [f"{staff_page.status} {resp.url}"], (staff_page.name, failed)
    return page


def test_no_staff_page_scrolls_sideways_at_320_px(sessions, staff_site, screenshots):
    contexts = sessions(320)
    wide, bad_regions = {}, {}
    for staff_page in staff_site.pages:
        page = open_page(contexts[staff_page.role], staff_site, staff_page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[staff_page.name] = width
        scrollers = page.evaluate(SIDEWAYS_SCROLLERS)
        unnamed = [s for s in scrollers if s["tabindex"] != "0" or s["role"] != "region" or not s["label"]]
        if unnamed:
            bad_regions[staff_page.name] = unnamed
        page.screenshot(path=str(screenshots / f"staff-320-{staff_page.name}.png"), full_page=True)
        page.close()
    assert not wide, f"pages wider than 320 px: {wide}"
    assert not bad_regions, f"sideways scrolling that is not a named focusable region: {bad_regions}"


@pytest.mark.parametrize("width", [320, 1280])
def test_axe_finds_nothing_serious_on_any_staff_page(sessions, staff_site, width):
    contexts = sessions(width)
    found = {}
    for staff_page in staff_site.pages:
        page = open_page(contexts[staff_page.role], staff_site, staff_page)
        violations = axe_violations(page)
        if violations:
            found[staff_page.name] = violations
        page.close()
    assert not found, found


def test_skip_link_first_and_focus_always_shown(sessions, staff_site):
    contexts = sessions(320)
    missing = {}
    for staff_page in staff_site.pages:
        page = open_page(contexts[staff_page.role], staff_site, staff_page)
        page.keyboard.press("Tab")
        skip = page.evaluate(
            """() => { const a = document.activeElement, r = a.getBoundingClientRect();
                return {cls: a.className, href: a.getAttribute('href'), text: a.innerText,
                        visible: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.width > 0}; }"""
        )
        assert skip == {"cls": "skip", "href": "#main", "text": "Skip to main content", "visible": True}, (
            staff_page.name,
            skip,
        )
        assert page.evaluate(FOCUS_SHOWN)["shown"], staff_page.name
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", staff_page.name
        # From the main content on, every stop Tab makes shows focus (the first 25 on each page).
        for _ in range(25):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS_SHOWN)
            if focus["tag"] == "BODY":
                break
            if not focus["shown"]:
                missing.setdefault(staff_page.name, []).append(focus)
        page.close()
    assert not missing, f"focus not shown: {missing}"


def test_favicon_on_every_page(sessions, staff_site):
    icon = requests.get(f"{staff_site.url}/favicon.ico", timeout=10)
    assert icon.status_code == 200 and icon.headers["Content-Type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00" and b"PNG" in icon.content  # an icon of PNG images
    contexts = sessions(320)
    for staff_page in staff_site.pages:
        page = open_page(contexts[staff_page.role], staff_site, staff_page)
        href = page.eval_on_selector('link[rel="icon"]', "l => l.href")
        linked = page.request.get(href)
        assert linked.status == 200 and linked.headers["content-type"] == "image/svg+xml", staff_page.name
        assert b"<text" not in linked.body()  # a shape only: no words that would name the service
        page.close()
