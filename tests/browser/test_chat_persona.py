"""Issue #19's self-referral journey typed into the public chat page in Chromium
(socket.io, real servers), as over REST and SMS: the same 12 messages with the
same slips (tests/support/personas.py), ending in a booked first meeting."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import Referral, Woman
from bot.db.models.appointments import Appointment
from bot.db.session import session_scope
from tests.browser.conftest import WAIT_MS, ChatPage, open_recorded
from tests.support import personas

pytestmark = pytest.mark.parametrize("stack", ["sqlite"], indirect=True)

# Every bot message after the n-th holds all these words.
_REPLIED = """([n, words]) => {
  const all = [...document.querySelectorAll('#log .msg.bot')];
  if (all.length <= n) return false;
  const text = all.slice(n).map(e => e.innerText).join('\\n');
  return words.every(w => text.includes(w));
}"""


def say(chat: ChatPage, step: personas.Step, number: int) -> None:
    before = chat.page.locator("#log .msg.bot").count()
    box = chat.page.locator("#input")
    box.click()
    box.fill(step.says)
    box.press("Enter")
    try:
        chat.page.wait_for_function(_REPLIED, arg=[before, list(step.expect)], timeout=WAIT_MS)
    except Exception as error:
        got = "\n".join(chat.bot_texts()[before:])
        raise AssertionError(f"message {number} {step.says!r} wanted {step.expect}, got:\n{got}") from error


def test_self_referral_journey_on_the_page(context, chat_stack, screenshots):
    url = chat_stack.database_url
    with session_scope(url) as s:
        ids = personas.make_slots(s, personas.Days.from_today())
    open_recorded(context, chat_stack.web_url)
    chat = ChatPage(context.new_page(), chat_stack.web_url, screenshots).open()
    chat.wait_bot("What would you like?")
    steps = personas.self_referral(texting=False)
    assert len(steps) <= personas.SELF_REFERRAL_MAX
    for number, step in enumerate(steps, 1):
        say(chat, step, number)
    assert len(chat.user_texts()) == len(steps)
    with session_scope(url) as s:
        referral = s.execute(select(Referral).where(Referral.conversation_id == chat.state()["sid"])).scalar_one()
        woman = s.get(Woman, referral.woman_id)
        booked = s.execute(select(Appointment.slot_id).where(Appointment.referral_id == referral.id)).scalars().all()
        assert (woman.phone_e164, woman.safe_times) == ("+447700900432", "after 6pm")
    assert booked == [ids["tue_10"]]
