"""The Rasa speed-ups (bot/rasa_components) give what Rasa's own code gives."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.engine.exceptions import GraphComponentException
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import bot.rasa_components  # noqa: F401  (installs the fixes, as loading our model does)
from bot.rasa_components import action_calls, graph_runner
from bot.rasa_components.action_calls import recent_events
from bot.rasa_components.tracker_store import LiveInMemoryTrackerStore

# --- the graph runner ------------------------------------------------------------


class Step(GraphComponent):
    """A node that records its inputs, so the tests can see what ran and with what."""

    calls: list = []

    @classmethod
    def create(cls, config: dict[str, Any], model_storage, resource, execution_context) -> Step:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self.tag = config["tag"]

    def run(self, **inputs: Any) -> Any:
        if "boom" in inputs.values():
            raise ValueError("boom")
        Step.calls.append(self.tag)
        return [self.tag, sorted(inputs.items())]


def _node(tag: str, needs: dict[str, str], target: bool = False) -> SchemaNode:
    return SchemaNode(
        needs=needs, uses=Step, fn="run", constructor_name="create", config={"tag": tag}, is_target=target
    )


def _runner(tmp_path) -> DaskGraphRunner:
    # A diamond with a shared input, a node only one target needs, and one no target needs.
    schema = GraphSchema(
        {
            "a": _node("a", {"x": "__in__"}),
            "b": _node("b", {"a": "a"}),
            "c": _node("c", {"a": "a", "x": "__in__"}),
            "d": _node("d", {"b": "b", "c": "c"}, target=True),
            "e": _node("e", {"c": "c"}, target=True),
            "unused": _node("unused", {"x": "__in__"}),
        }
    )
    return DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "m"))


@pytest.mark.parametrize("targets", [None, ["d"], ["e"], ["e", "d"]])
def test_the_graph_runs_as_dask_ran_it(tmp_path, targets):
    runner = _runner(tmp_path)
    Step.calls = []
    ours = runner.run(inputs={"__in__": 7}, targets=targets)
    ours_calls = sorted(Step.calls)
    Step.calls = []
    theirs = graph_runner._dask_run(runner, inputs={"__in__": 7}, targets=targets)
    assert ours == theirs
    assert ours_calls == sorted(Step.calls)  # each needed node once, nothing else
    assert "unused" not in ours_calls
    again = runner.run(inputs={"__in__": 8}, targets=targets)  # the cached plan, new inputs
    assert again != ours and again == graph_runner._dask_run(runner, inputs={"__in__": 8}, targets=targets)


def test_a_failing_node_fails_the_run_as_before(tmp_path):
    runner = _runner(tmp_path)
    with pytest.raises(GraphComponentException):
        runner.run(inputs={"__in__": "boom"}, targets=["d"])
    with pytest.raises(GraphComponentException):
        graph_runner._dask_run(runner, inputs={"__in__": "boom"}, targets=["d"])


# --- what goes to the action server ------------------------------------------------


def _events(*kinds: str) -> list[dict]:
    return [{"event": kind, "n": i} for i, kind in enumerate(kinds)]


def test_the_history_sent_starts_at_her_previous_message():
    events = _events("session_started", "user", "bot", "action", "user", "slot", "action", "user", "slot")
    assert recent_events(events) == events[4:]
    assert recent_events(events, user_turns=1) == events[7:]
    assert recent_events(_events("action", "user", "slot")) == _events("action", "user", "slot")  # fewer: all
    assert recent_events([]) == []


def test_the_action_call_keeps_slots_form_and_latest_message(monkeypatch):
    domain = Domain.from_dict({"intents": ["greet"], "slots": {"name": {"type": "text", "mappings": []}}})
    tracker = DialogueStateTracker.from_events(
        "s",
        [
            ActionExecuted("action_listen"),
            UserUttered("one", {"name": "greet", "confidence": 1.0}),
            BotUttered("a"),
            ActionExecuted("action_listen"),
            UserUttered("two", {"name": "greet", "confidence": 1.0}),
            SlotSet("name", "Jo"),
            ActionExecuted("action_listen"),
            UserUttered("three", {"name": "greet", "confidence": 1.0}),
        ],
        domain.slots,
    )
    action = RemoteAction("action_x", EndpointConfig("http://127.0.0.1:1/webhook"))
    body = action._action_call_format(tracker, domain)
    state = body["tracker"]
    assert [e.get("text") for e in state["events"] if e["event"] == "user"] == ["two", "three"]
    assert state["slots"]["name"] == "Jo" and state["latest_message"]["text"] == "three"
    monkeypatch.setenv("ELPIS_ACTION_HISTORY", "full")
    monkeypatch.setattr(action_calls, "_send_full_history", False)
    action_calls.install()  # the setting is read once, when Rasa loads our components
    assert len(action._action_call_format(tracker, domain)["tracker"]["events"]) == len(tracker.events)


def test_the_action_server_connection_is_kept_and_still_closes_cleanly():
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook")

    async def two_borrows():
        async with endpoint.session() as first:
            pass
        async with endpoint.session() as second:
            pass
        assert first is second and not first.closed  # borrowed, not closed after each call
        await first.close()
        async with endpoint.session() as third:  # a closed one is replaced
            assert third is not first
            await third.close()

    asyncio.run(two_borrows())


# --- the embedded tracker store ------------------------------------------------------

DOMAIN = Domain.from_dict({"intents": ["greet"], "slots": {"name": {"type": "text", "mappings": []}}})


def _tracker(sender: str, *events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, list(events), DOMAIN.slots)


def test_the_live_tracker_is_handed_back_only_while_it_matches_what_was_saved():
    async def scenario():
        store = LiveInMemoryTrackerStore(DOMAIN)
        tracker = _tracker("s1", ActionExecuted("action_listen"), UserUttered("hi"), SlotSet("name", "Jo"))
        await store.save(tracker)
        assert await store.retrieve("s1") is tracker  # no rebuild
        # A turn that failed after changing the tracker, before saving: the saved state, rebuilt.
        tracker.update(SlotSet("name", "half-done"))
        rebuilt = await store.retrieve("s1")
        assert rebuilt is not tracker and rebuilt.get_slot("name") == "Jo" and len(rebuilt.events) == 3
        # As Rasa's own store would give it.
        plain = InMemoryTrackerStore(DOMAIN)
        await plain.save(_tracker("s1", ActionExecuted("action_listen"), UserUttered("hi"), SlotSet("name", "Jo")))
        assert list(rebuilt.events) == list((await plain.retrieve("s1")).events)
        assert await store.retrieve("nobody") is None

    asyncio.run(scenario())


def test_with_several_sessions_only_the_last_is_handed_back():
    async def scenario():
        store = LiveInMemoryTrackerStore(DOMAIN)
        tracker = _tracker(
            "s2",
            ActionExecuted("action_session_start"),
            SessionStarted(),
            UserUttered("old"),
            SlotSet("name", "Jo"),
            ActionExecuted("action_session_start"),
            SessionStarted(),
            UserUttered("new"),
        )
        await store.save(tracker)
        found = await store.retrieve("s2")
        assert found is not tracker
        assert [e.text for e in found.events if isinstance(e, UserUttered)] == ["new"]
        one = _tracker("s3", ActionExecuted("action_session_start"), SessionStarted(), UserUttered("only"))
        await store.save(one)
        assert await store.retrieve("s3") is one

    asyncio.run(scenario())


def test_with_an_event_broker_new_events_are_still_streamed():
    published = []

    class Broker:
        def publish(self, event):
            published.append(event["event"])

    async def scenario():
        store = LiveInMemoryTrackerStore(DOMAIN, event_broker=Broker())
        tracker = _tracker("s3", ActionExecuted("action_listen"), UserUttered("hi"))
        await store.save(tracker)
        tracker = await store.retrieve("s3")
        tracker.update(SlotSet("name", "Jo"))
        await store.save(tracker)

    asyncio.run(scenario())
    assert published == ["action", "user", "slot"]  # each event once
