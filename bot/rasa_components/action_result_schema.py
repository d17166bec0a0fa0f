"""Check action server answers against Rasa's schema without rebuilding it every time.

Rasa 3.6 calls `jsonschema.validate(result, schema)` for every action server
answer, which first checks the (large) events schema itself against the JSON
Schema meta-schema: measured at about 60% of the Rasa process's CPU time in
our conversations (py-spy, `make bench`). The same validation with a validator
built once costs a fraction of that. Same schema, same errors, same message.

Then, per event, Rasa's schema is a `oneOf` over every event type, so each
event is checked against all of them (still ~15% of Rasa's CPU per message).
Every alternative is tagged by a constant `event` name, so only the one with
her event's name can match: we check that one, and fall back to the full check
(and its exact error) whenever the quick one does not pass. A valid answer is
valid either way; an invalid one gets the same error as before.

Installed from bot/rasa_components/__init__.py, like action_server_down.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, not per answer
    return cls(schema)


@lru_cache(maxsize=1)
def _by_event_name() -> tuple[Any, dict[str, Any]] | None:
    """(validator for the answer without its events, {event name: validator}),
    or None when the schema is not shaped as expected (then: full check only)."""
    schema = RemoteAction.action_response_format_spec()
    try:
        item = schema["properties"]["events"]["items"]
        alternatives = item["oneOf"]
        names = [alt["properties"]["event"]["const"] for alt in alternatives]
    except (KeyError, TypeError):
        return None
    if len(set(names)) != len(names):
        return None  # two alternatives with one name: oneOf could differ
    cls = validators.validator_for(schema)
    base = {k: v for k, v in item.items() if k != "oneOf"}
    outer = {**schema, "properties": {**schema["properties"], "events": {"type": "array"}}}
    per_name = {name: cls({**base, "allOf": [alt]}) for name, alt in zip(names, alternatives)}
    return cls(outer), per_name


def _quick_valid(result: Any) -> bool:
    split = _by_event_name()
    if split is None or not isinstance(result, dict):
        return False
    outer, per_name = split
    if not outer.is_valid(result):
        return False
    for event in result.get("events") or []:
        check = per_name.get(event.get("event", "")) if isinstance(event, dict) else None
        if check is None or not check.is_valid(event):
            return False
    return True


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if _quick_valid(result):
        return True
    # As jsonschema.validate: the most relevant of the errors, if any.
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action "  # not sent
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result


__all__ = ["ValidationError", "install", "validate_action_result"]
