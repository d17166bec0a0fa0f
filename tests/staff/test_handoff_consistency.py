"""Take over and hand back when Rasa fails halfway: the database and Rasa never
disagree in the way that leaves her unanswered. Rasa's API is faked here; the
pages over real HTTP are in test_rasa_down.py."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db.models import Conversation, StaffRole
from bot.db.models.staff_app import Handoff
from bot.db.session import session_scope
from bot.staff import handoff, rasa_api
from bot.staff.accounts import create_staff


class FakeRasa:
    """Records calls; `fail` names the calls that raise (busy: no answer in time)."""

    def __init__(self, monkeypatch, *fail: str):
        self.calls: list[str] = []
        self.fail = set(fail)
        for name in ("tracker", "pause", "resume", "append"):
            monkeypatch.setattr(rasa_api, name, self._fake(name))

    def _fake(self, name):
        async def call(sender_id, *args, **kwargs):
            self.calls.append(name)
            if name in self.fail:
                raise rasa_api.RasaUnavailable("rasa did not answer in time", busy=True)
            return {"events": [{"event": "action"}], "latest_input_channel": "rest"} if name == "tracker" else {}

        return call


def keyworker(email: str) -> int:
    with session_scope() as session:
        return create_staff(session, email=email, name="Kim", role=StaffRole.KEYWORKER).id


def state(sender: str) -> tuple[bool, list[bool]]:
    """(paused in the database, [handoff open] per handoff row)."""
    with session_scope() as session:
        paused = session.execute(select(Conversation.paused).where(Conversation.sender_id == sender)).scalar()
        rows = session.execute(select(Handoff).where(Handoff.conversation_id == sender)).scalars().all()
        return bool(paused), [h.ended_at is None for h in rows]


def test_a_pause_rasa_did_not_confirm_is_undone_and_nothing_recorded(db_url, monkeypatch):
    rasa = FakeRasa(monkeypatch, "pause")
    kim = keyworker("kim-pause@example.org")
    with pytest.raises(rasa_api.RasaUnavailable):
        asyncio.run(handoff.take_over("c-pause", "rest", kim, "Kim"))
    assert rasa.calls == ["tracker", "pause", "resume"]  # a late pause is followed by this resume
    assert state("c-pause") == (False, [])


def test_a_database_failure_after_the_pause_undoes_it(db_url, monkeypatch):
    rasa = FakeRasa(monkeypatch)
    kim = keyworker("kim-db@example.org")

    def broken(*args):
        raise RuntimeError("database went away")

    monkeypatch.setattr(handoff, "_record_take", broken)
    with pytest.raises(RuntimeError):
        asyncio.run(handoff.take_over("c-db", "rest", kim, "Kim"))
    assert rasa.calls == ["tracker", "pause", "resume"]


def test_taken_over_even_when_the_joined_line_does_not_reach_her(db_url, monkeypatch):
    rasa = FakeRasa(monkeypatch, "append")
    kim = keyworker("kim-join@example.org")
    info = asyncio.run(handoff.take_over("c-join", "rest", kim, "Kim"))
    assert rasa.calls == ["tracker", "pause", "append"]
    assert info.paused and info.holder_id == kim and not info.told_her
    assert state("c-join") == (True, [True])


def test_a_hand_back_rasa_did_not_confirm_leaves_the_keyworker_holding_it(db_url, monkeypatch):
    rasa = FakeRasa(monkeypatch)
    kim = keyworker("kim-back@example.org")
    info = asyncio.run(handoff.take_over("c-back", "rest", kim, "Kim"))
    rasa.fail = {"resume"}
    with pytest.raises(rasa_api.RasaUnavailable):
        asyncio.run(handoff.hand_back(info, kim, "Kim"))
    assert state("c-back") == (True, [True])  # the crisis net stays on; she can try again
    rasa.fail = set()
    asyncio.run(handoff.hand_back(info, kim, "Kim"))
    assert state("c-back") == (False, [False])
