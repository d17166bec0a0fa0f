"""The turn's first step for distress and "are you safe?" (bot/safety/triage.py).

Patched into MessageProcessor.run_action_extract_slots, which runs once at
the start of every turn, before any policy:
- distress: the gentle line (utter_distress) goes out first, as a bot
  message that policies do not see, and a non-urgent alert is raised (one
  open per conversation); then her turn goes on as usual, so a request in
  the same message is answered by the ordinary rules and forms;
- "are you safe?" asked, or answered: the form takes nothing from the
  message (her "yes" is not her consent, her fear is not her name).
The alert is written off the event loop; if the database is down she still
gets the line, and the failure is logged without her words.
"""
from __future__ import annotations

import logging

from rasa.core.actions.action import create_bot_utterance
from rasa.core.channels.channel import OutputChannel
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from bot.db.crud.alerts import raise_alert
from bot.db.crud.conversations import woman_id_for
from bot.db.models import AlertReason
from bot.db.session import run_db, session_scope
from bot.rasa_components.crisis_policy import answer_to_safety_check
from bot.safety.triage import Grade, grade_of

logger = logging.getLogger(__name__)

UTTER_DISTRESS = "utter_distress"

_original = MessageProcessor.run_action_extract_slots


async def run_action_extract_slots(
    self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
) -> DialogueStateTracker:
    message = tracker.latest_message
    grade = grade_of(message.parse_data if message else None)
    if grade is Grade.UNSURE or answer_to_safety_check(tracker) is not None:
        if grade is Grade.UNSURE:
            await _alert(tracker)
        return tracker
    if grade is Grade.DISTRESS:
        await _say_distress_line(self, output_channel, tracker)
        await _alert(tracker)
    return await _original(self, output_channel, tracker)


async def _say_distress_line(self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker) -> None:
    response = await self.nlg.generate(UTTER_DISTRESS, tracker, output_channel.name())
    if not response:
        return
    event = create_bot_utterance({**response, "utter_action": UTTER_DISTRESS})
    await output_channel.send_response(tracker.sender_id, event.message())
    tracker.update(event)


def _write_alert(sender_id: str, channel: str) -> int:
    with session_scope() as session:
        return raise_alert(
            session, AlertReason.DISTRESS, conversation_id=sender_id, channel=channel,
            woman_id=woman_id_for(session, sender_id),
        ).id


async def _alert(tracker: DialogueStateTracker) -> None:
    try:
        await run_db(_write_alert, tracker.sender_id, tracker.get_latest_input_channel() or "rest")
    except Exception:  # she has her line; the keyworker's queue must not cost her the turn
        logger.exception("distress alert could not be written")


def install() -> None:
    MessageProcessor.run_action_extract_slots = run_action_extract_slots  # type: ignore[method-assign]
