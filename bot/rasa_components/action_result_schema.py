"""Check action server answers against Rasa's schema without rebuilding it every time.

Rasa 3.6 calls `jsonschema.validate(result, schema)` for every action server
answer, which first checks the (large) events schema itself against the JSON
Schema meta-schema: measured at about 60% of the Rasa process's CPU time in
our conversations (py-spy, `make bench`). The same validation with a validator
built once costs a fraction of that. Same schema, same errors, same message.

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


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    # As jsonschema.validate: the most relevant of the errors, if any.
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action "
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


__all__ = ["ValidationError", "install", "validate_action_result"]
