"""The dev "text the bot" page served by the fake Twilio, in a real browser (Debian's Chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.channels.conftest import unique_number
from tests.conftest import REQUIRE_SERVICES

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        if REQUIRE_SERVICES:
            pytest.fail("Chromium (/usr/bin/chromium) is required in CI")
        pytest.skip("Chromium not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser.new_page()
        browser.close()


def test_new_user_texts_the_bot_from_the_page(sms_stack, page):
    fake_url = f"http://127.0.0.1:{sms_stack.fake_twilio_port}/"
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(fake_url) else None)
    page.goto(fake_url)
    page.fill("#number", unique_number(sms_stack))
    page.dispatch_event("#number", "change")
    page.fill("#body", "hi")
    page.click("button[type=submit]")
    page.wait_for_selector(".msg.out", timeout=60_000)
    assert "Reply 1 for Get support" in page.inner_text(".msg.out")
    assert page.inner_text(".msg.in").startswith("hi")
    page.fill("#body", "1")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.msg.out').length >= 2", timeout=60_000)
    assert "18 or over" in page.locator(".msg.out").nth(1).inner_text()
    assert page.inner_text("#status") == ""
    assert outside == []  # the page loads nothing from anywhere else
