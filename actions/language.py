"""Every action speaks the conversation's language: the `language` slot (set by
the Rasa process, bot/rasa_components/language_turn.py) becomes the language of
each action call, so say(key) in any action, and anything it calls, is hers."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import ActionExecutor

from bot.db.crud import wording as wording_corrections
from bot.wording.catalogue import using_language

_original_run = ActionExecutor.run


async def _run_in_her_language(self: ActionExecutor, action_call: Any) -> Any:
    slots = ((action_call or {}).get("tracker") or {}).get("slots") or {}
    with using_language(slots.get("language")):
        return await _original_run(self, action_call)


def install() -> None:
    ActionExecutor.run = _run_in_her_language  # type: ignore[method-assign]
    wording_corrections.install()  # staff corrections, live within seconds
