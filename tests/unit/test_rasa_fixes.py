"""Our fixes to Rasa's action client behave exactly as Rasa's own code, only faster."""

from __future__ import annotations

from datetime import datetime

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

import bot.rasa_components  # noqa: F401  (installs the fixes, as loading our model does)
from bot.rasa_components import event_lookup


def test_action_answers_are_still_checked_against_rasas_schema():
    action = RemoteAction("action_x", None)
    good = {"events": [{"event": "slot", "name": "n", "value": 1}], "responses": [{"text": "hi"}]}
    assert action._validate_action_result(good) is True
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "slot", "timestamp": "not a number"}]})
    with pytest.raises(ValidationError):
        action._validate_action_result({"responses": "not a list"})


def _sample_events() -> list[dict]:
    from rasa.shared.core import events as ev

    samples = [
        ev.UserUttered(
            "hi", {"name": "greet", "confidence": 0.9}, [{"entity": "e", "value": "v", "start": 0, "end": 1}]
        ),
        ev.BotUttered("hello", {"buttons": [{"title": "a", "payload": "/a"}]}),
        ev.SlotSet("n", [1, "a"]),
        ev.Restarted(),
        ev.AllSlotsReset(),
        ev.ReminderScheduled("i", datetime(2026, 11, 23, 12)),
        ev.ReminderCancelled("r"),
        ev.ActionReverted(),
        ev.UserUtteranceReverted(),
        ev.StoryExported(),
        ev.FollowupAction("action_x"),
        ev.ConversationPaused(),
        ev.ConversationResumed(),
        ev.ActionExecuted("action_x", "RulePolicy", 1.0),
        ev.AgentUttered("x"),
        ev.ActiveLoop("form"),
        ev.LoopInterrupted(True),
        ev.ActionExecutionRejected("a"),
        ev.SessionStarted(),
        ev.EntitiesAdded([{"entity": "e", "value": "v"}]),
        ev.DefinePrevUserUtteredFeaturization(False),
    ]
    return [e.as_dict() for e in samples]


def test_quick_event_check_agrees_with_the_full_schema():
    """The per-event-name check and Rasa's oneOf schema give the same verdict."""
    from jsonschema import validate

    from bot.rasa_components.action_result_schema import _quick_valid

    events = _sample_events()
    bad = [dict(e, timestamp="noon") for e in events] + [dict(e, event="no_such") for e in events]
    bad += [{"event": "slot", "name": 3}, {"event": "user", "parse_data": "x"}, {"no_event": 1}, "slot"]
    for answer in [{"events": [e]} for e in events + bad] + [
        {"events": events},
        {"events": None},
        {},
        {"responses": [{"text": "x"}]},
        {"responses": "x"},
        [],
    ]:
        try:
            validate(answer, RemoteAction.action_response_format_spec())
            full = True
        except ValidationError:
            full = False
        assert _quick_valid(answer) == full, answer
        if not full:  # and Rasa's own error message, from the full check
            with pytest.raises(ValidationError, match="Failed to validate"):
                RemoteAction("a", None)._validate_action_result(answer)
    assert all(_quick_valid({"events": [e]}) for e in events)


def test_events_are_found_by_name_as_before():
    for cls in (UserUttered, SlotSet, ActionExecuted):
        assert Event.resolve_by_type(cls.type_name) is cls is event_lookup._original(cls.type_name)
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    # A round trip through the tracker store's format still gives the same events.
    events = [UserUttered("hello", {"name": "greet", "confidence": 1.0}), SlotSet("name", "Jo")]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events
