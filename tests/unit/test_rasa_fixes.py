"""Our fixes to Rasa's action client behave exactly as Rasa's own code, only faster."""
from __future__ import annotations

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
