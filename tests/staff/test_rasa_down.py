"""The staff app when Rasa is busy (accepts the connection, never answers) or down
(refuses it): every page and action says so kindly, within the API timeout
(5 s by default), and leaves no half-done handoff. Real HTTP, both databases."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
from sqlalchemy import select

from bot.db.crud.alerts import raise_alert
from bot.db.crud.conversations import get_or_create
from bot.db.models import AlertReason, Conversation
from bot.db.models.staff_app import Handoff
from bot.db.session import session_scope
from tests.staff.conftest import Client, make_staff, running_web

# The default timeout is 5 s; before, a busy Rasa held each page 15 s and then failed.
BOUND_S = 10
BUSY = "the assistant is busy"
DOWN = "the assistant is not answering"


class SilentRasa:
    """A TCP server that reads every request and never answers: Rasa with its event loop stuck."""

    def __init__(self):
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self.server = self.loop.run_until_complete(asyncio.start_server(self._hold, "127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    async def _hold(self, reader, writer):
        self.connections += 1
        while await reader.read(65536):
            pass  # never a reply
        writer.close()

    def stop(self):
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def silent_rasa():
    server = SilentRasa()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def busy_web(staff_db, silent_rasa, tmp_path_factory, artifacts):
    with running_web(staff_db, silent_rasa.url, tmp_path_factory.mktemp("inbox"), artifacts) as server:
        yield server


def logged_in(web) -> tuple[int, Client]:
    staff_id, email = make_staff(web.db, "keyworker")
    client = Client(web.url)
    assert client.login(email).status_code == 303
    return staff_id, client


def new_alert(url: str) -> tuple[int, str]:
    sender = f"busy-{uuid.uuid4().hex[:10]}"
    with session_scope(url) as session:
        return raise_alert(session, AlertReason.CRISIS, conversation_id=sender, channel="rest").id, sender


def held_by(url: str, staff_id: int) -> str:
    """A conversation this keyworker has taken over (the database's side of it)."""
    sender = f"held-{uuid.uuid4().hex[:10]}"
    with session_scope(url) as session:
        get_or_create(session, sender, "rest").paused = True
        session.add(Handoff(conversation_id=sender, staff_id=staff_id))
    return sender


def handoff_state(url: str, sender: str) -> tuple[bool, list[tuple[bool, str | None]]]:
    """(conversation paused, [(handoff still open, its last message key)])."""
    with session_scope(url) as session:
        paused = session.execute(select(Conversation.paused).where(Conversation.sender_id == sender)).scalar()
        rows = session.execute(select(Handoff).where(Handoff.conversation_id == sender)).scalars().all()
        return bool(paused), [(h.ended_at is None, h.last_message_key) for h in rows]


def timed(call):
    started = time.monotonic()
    resp = call()
    return resp, time.monotonic() - started


def post(client: Client, action: str, data: dict):
    # The token from a page that does not ask Rasa (it is per session), so only the action is timed.
    token = client.form_token("/staff/alerts")
    return timed(lambda: client.post(action, {"csrf_token": token, **data}))


def assert_said(resp, elapsed: float, *phrases: str) -> None:
    assert resp.status_code < 500, (resp.status_code, resp.text[:500])
    assert "Something went wrong" not in resp.text
    for phrase in phrases:
        assert phrase in resp.text, phrase
    assert elapsed < BOUND_S, f"took {elapsed:.1f}s"


# ---- Rasa busy: connects, never answers -------------------------------------------------------


def test_busy_rasa_alert_and_conversation_pages_say_so_quickly(busy_web, silent_rasa):
    _, client = logged_in(busy_web)
    alert_id, sender = new_alert(busy_web.db)
    before = silent_rasa.connections
    assert_said(
        *timed(lambda: client.get(f"/staff/alerts/{alert_id}")),
        "The conversation could not be loaded just now: " + BUSY,
    )
    assert_said(
        *timed(lambda: client.get(f"/staff/conversation?c={sender}")),
        "The conversation could not be loaded just now: " + BUSY,
    )
    assert_said(*timed(lambda: client.get(f"/staff/conversation/messages?c={sender}")), BUSY)
    assert silent_rasa.connections > before  # it was asked, and waited for


def test_busy_rasa_take_over_is_refused_and_nothing_is_half_done(busy_web):
    _, client = logged_in(busy_web)
    alert_id, sender = new_alert(busy_web.db)
    resp, elapsed = post(client, "/staff/conversation/take", {"c": sender, "alert_id": str(alert_id)})
    assert_said(resp, elapsed, "The conversation was not taken over: " + BUSY, 'id="take-over"')
    assert handoff_state(busy_web.db, sender) == (False, [])


def test_busy_rasa_reply_keeps_her_words_and_the_handoff(busy_web):
    staff_id, client = logged_in(busy_web)
    sender = held_by(busy_web.db, staff_id)
    resp, elapsed = post(
        client,
        "/staff/conversation/reply",
        {"c": sender, "text": "Are you safe to talk now?", "message_key": "busy-key-1"},
    )
    assert_said(resp, elapsed, "Your message may not have gone", BUSY, "Are you safe to talk now?</textarea>")
    # A slow Rasa may still send it: the key stays claimed, so this form cannot send it twice.
    assert handoff_state(busy_web.db, sender) == (True, [(True, "busy-key-1")])


def test_busy_rasa_hand_back_leaves_the_keyworker_holding_it(busy_web):
    staff_id, client = logged_in(busy_web)
    sender = held_by(busy_web.db, staff_id)
    resp, elapsed = post(client, "/staff/conversation/release", {"c": sender})
    assert_said(
        resp, elapsed, "The conversation was not handed back, so you are still answering it: " + BUSY, 'id="hand-back"'
    )
    paused, handoffs = handoff_state(busy_web.db, sender)
    assert paused and handoffs[0][0]  # still held: the crisis net stays on until it is really handed back


# ---- Rasa down: the port refuses the connection ------------------------------------------------


def test_rasa_down_every_page_and_action_says_so(web):
    staff_id, client = logged_in(web)
    alert_id, sender = new_alert(web.db)
    assert_said(
        *timed(lambda: client.get(f"/staff/alerts/{alert_id}")),
        "The conversation could not be loaded just now: " + DOWN,
    )
    assert_said(*timed(lambda: client.get(f"/staff/conversation?c={sender}")), DOWN)
    assert_said(
        *post(client, "/staff/conversation/take", {"c": sender}), "The conversation was not taken over: " + DOWN
    )
    assert handoff_state(web.db, sender) == (False, [])

    held = held_by(web.db, staff_id)
    resp, elapsed = post(
        client, "/staff/conversation/reply", {"c": held, "text": "I'm here.", "message_key": "down-key-1"}
    )
    assert_said(resp, elapsed, "Your message was not sent: " + DOWN, "I&#39;m here.</textarea>", 'value="down-key-1"')
    # Surely not sent: the key is free again, so the same form can go once Rasa is back.
    assert handoff_state(web.db, held) == (True, [(True, None)])
    assert_said(
        *post(client, "/staff/conversation/release", {"c": held}),
        "The conversation was not handed back, so you are still answering it: " + DOWN,
    )
    assert handoff_state(web.db, held) == (True, [(True, None)])
