"""Her star on the chat page (issue 24), in real Chromium against the real servers: she asks
"how am I doing?" and the radar of her check-ins shows as a picture from this site, with
the words that describe it as its alternative text, and nothing fetched from elsewhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.dates import today_london
from bot.db.models.outcomes import OutcomeReading, ReadingSource, ReadingStage
from bot.db.session import session_scope
from bot.staff import outcomes as staff_outcomes
from bot.support import checkin
from tests.browser.conftest import ChatPage, axe_violations, open_recorded, wait_until
from tests.support.appointment_data import make_referral

pytestmark = pytest.mark.parametrize("stack", ["sqlite"], indirect=True)


@pytest.fixture
def chat(context, chat_stack, screenshots):
    recorder = open_recorded(context, chat_stack.web_url)
    page = ChatPage(context.new_page(), chat_stack.web_url, screenshots)
    page.recorder = recorder
    return page


def test_how_am_i_doing_shows_her_star(chat, chat_stack):
    chat.open()
    chat.wait_bot("What would you like?")
    sid = chat.state()["sid"]
    with session_scope(chat_stack.database_url) as s:
        staff_outcomes.seed_sample(s)
        referral = make_referral(s, conversation_id=sid, phone="+447700900321")
        areas = checkin.instrument(s).questions
        for days, score in ((100, 3), (3, 8)):
            s.add(
                OutcomeReading(
                    woman_id=referral.woman_id,
                    referral_id=referral.id,
                    taken_on=today_london() - timedelta(days=days),
                    stage=ReadingStage.REVIEW,
                    source=ReadingSource.KEYWORKER,
                    scores={str(a.area_id): score for a in areas},
                )
            )
    reply = chat.say("how am I doing?", then="Your star is below")
    assert f"Gone up: {areas[0].name} 3 to 8" in reply
    star = chat.page.locator("img.star")
    star.wait_for()
    assert wait_until(lambda: star.evaluate("img => img.complete && img.naturalWidth > 0"))
    assert "1 in the middle to 10 at the edge" in star.get_attribute("alt")
    width = chat.page.evaluate("document.documentElement.scrollWidth")
    assert width <= chat.page.viewport_size["width"]  # no sideways scrolling
    chat.shot("star", full_page=True)
    assert axe_violations(chat.page) == []
    assert chat.recorder.foreign() == []
