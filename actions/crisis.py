"""The crisis alert. The crisis numbers themselves are `utter_crisis`, sent
by CrisisPolicy before this runs, so they never depend on this server."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of
from bot.db.crud.alerts import raise_alert
from bot.db.crud.conversations import woman_id_for
from bot.db.models import AlertReason
from bot.db.session import run_db, session_scope

logger = logging.getLogger(__name__)


def _write_crisis_alert(sender_id: str, channel: str) -> int:
    with session_scope() as session:
        alert = raise_alert(
            session,
            AlertReason.CRISIS,
            conversation_id=sender_id,
            channel=channel,
            woman_id=woman_id_for(session, sender_id),
        )
        return alert.id


class ActionCrisisAlert(Action):
    def name(self) -> str:
        return "action_crisis_alert"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        try:
            alert_id = await run_db(_write_crisis_alert, tracker.sender_id, channel_of(tracker))
        except Exception:  # the numbers were already sent; say nothing untrue
            logger.exception("crisis alert could not be written")
            return []
        logger.info("crisis alert %s raised", alert_id)
        dispatcher.utter_message(response="utter_crisis_alert_sent")
        return []
