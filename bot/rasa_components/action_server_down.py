"""When the action server cannot be reached, she hears so, once, calmly.

Rasa 3.6 logs the failure and carries on without a word to her: mid-form she
would be left in silence (a dead end). This wraps `RemoteAction.run` in the
Rasa process: if the action server cannot be reached or fails, she gets one
plain message for that turn, and the failure is re-raised so Rasa drops the
action's events as before (a validation action must never let an unchecked
answer through). What she already answered is in the tracker store, and the
active form stays active: when the action server is back, her next message
carries on where she was.

Installed from bot/rasa_components/__init__.py, which every Rasa process that
loads our model imports (config.yml names our components).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.exceptions import RasaException

from bot.wording import say

logger = logging.getLogger(__name__)

TEXT = say("channels.action_server_down")

_told: OrderedDict[tuple[str, str | None], None] = OrderedDict()
_MAX_REMEMBERED = 5000


def _first_time_this_turn(sender_id: str, message_id: str | None) -> bool:
    # Rasa predicts again after a failed action (up to 10 times a turn): one message is enough.
    key = (sender_id, message_id)
    if key in _told:
        return False
    _told[key] = None
    while len(_told) > _MAX_REMEMBERED:
        _told.popitem(last=False)
    return True


def install() -> None:
    if getattr(RemoteAction.run, "_elpis_wrapped", False):
        return
    original = RemoteAction.run

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise  # a form rejecting her answer: normal conversation, not a fault
        except RasaException:
            logger.error("action server failed or unreachable running %s; she was told", self.name())
            if _first_time_this_turn(
                tracker.sender_id, tracker.latest_message.message_id if tracker.latest_message else None
            ):
                await output_channel.send_response(tracker.sender_id, {"text": say("channels.action_server_down")})
            raise

    run._elpis_wrapped = True  # type: ignore[attr-defined]
    RemoteAction.run = run
