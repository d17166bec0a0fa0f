"""The turn's first step for distress and "are you safe?" (bot/safety/triage.py).

Patched into MessageProcessor.run_action_extract_slots, which runs once at
the start of every turn, before any policy:
- distress: the gentle line (utter_distress) goes out first, as a bot
  message that policies do not see, and a non-urgent alert is raised (one
  open per conversation); then her turn goes on as usual, so a request in
  the same message is answered by the ordinary rules and forms (found in a
  sentence of its own: the feelings colour the whole message's reading);
- a message longer than the model reads (outside a form): her request is
  looked for sentence by sentence the same way;
- "are you safe?" asked, or answered, and the turns after danger that the
  crisis action answers (crisis_policy.after_crisis_turn): the form takes
  nothing from the message (her "yes" is not her consent, her fear is not her name).
The alert is written off the event loop; if the database is down she still
gets the line, and the failure is logged without her words.
"""

from __future__ import annotations

import logging
import re

from rasa.core.actions.action import create_bot_utterance
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.input_bounds import MAX_NLU_WORDS
from bot.db.crud.conversations import woman_id_for
from bot.db.models import AlertReason
from bot.db.session import run_db, session_scope
from bot.rasa_components.crisis_policy import after_crisis_turn, answer_to_safety_check
from bot.safety.triage import (
    DISTRESS_INTENT,
    REQUEST_AT,
    REQUEST_TEXT_KEY,
    TRIAGE_KEY,
    Grade,
    distress_words,
    grade_of,
)
from bot.staff.alert_notify import raise_and_notify

logger = logging.getLogger(__name__)

UTTER_DISTRESS = "utter_distress"
_NOT_A_REQUEST = {
    DEFAULT_NLU_FALLBACK_INTENT_NAME,
    DISTRESS_INTENT,
    "crisis",
    "out_of_scope",
    "inform",
    "greet",
    "thank",
    "goodbye",
    "affirm",
    "deny",
}
_ASKS = re.compile(
    r"\?|\b(can|could|would|will) (you|u|someone|i)\b|\b(i need|i want|i'?d like|please|pls|help me)\b", re.I
)
_MAX_SENTENCES = 20  # each is one more parse; a long message is still one turn
_SENTENCE_END = re.compile(
    r"(?<=[.!?\n])\s+|\s*[,;]\s+(?=(?:can|could|what|when|where|how|who|is|are|do|does|will|would|pls|please)\b)", re.I
)

_original = MessageProcessor.run_action_extract_slots


async def run_action_extract_slots(
    self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
) -> DialogueStateTracker:
    message = tracker.latest_message
    grade = grade_of(message.parse_data if message else None)
    if after_crisis_turn(tracker) is not None:
        # Answered by the crisis action ("is someone coming?", "carry on?"): no
        # second, distress, answer or alert, and the form takes nothing from it.
        return tracker
    if grade is Grade.UNSURE or answer_to_safety_check(tracker) is not None:
        if grade is Grade.UNSURE:
            await _alert(tracker)
        return tracker
    if grade is Grade.DISTRESS:
        await _say_distress_line(self, output_channel, tracker)
        await _alert(tracker)
        # Her feelings colour the whole message's reading (its intent, its topic):
        # what she asked is looked for in the other sentences.
        await _find_her_request(self, message)
    elif message and not tracker.active_loop_name and len((message.text or "").split()) > MAX_NLU_WORDS:
        # The model read only her first words; what she asks may come later.
        await _find_her_request(self, message)
    return await _original(self, output_channel, tracker)


async def _find_her_request(self: MessageProcessor, message: UserUttered) -> None:
    """ "I feel so low. Can you tell me what Elpis is?", or a long story with its
    question near the end: each other sentence is understood on its own, and of
    those the model is sure of, one asked as a request ("can you", "?") wins,
    then the longest."""
    parts = [s for s in _SENTENCE_END.split(message.text or "") if s and s.strip()]
    sentences = [s for s in parts if not distress_words(s)][:_MAX_SENTENCES]
    if len(parts) < 2 or not sentences:
        return
    found = []
    for sentence in sentences:
        parsed = await self.parse_message(UserMessage(sentence))
        intent = parsed.get("intent") or {}
        if (
            (parsed.get(TRIAGE_KEY) or {}).get("grade") == Grade.NONE.value
            and intent.get("name") not in _NOT_A_REQUEST
            and float(intent.get("confidence") or 0.0) >= REQUEST_AT
        ):
            found.append((bool(_ASKS.search(sentence)), len(sentence), sentence, parsed))
    if not found:
        return
    _, _, sentence, parsed = max(found, key=lambda f: f[:2])
    # Actions that read her words for details (a service search's need and place) read this sentence.
    message.parse_data[REQUEST_TEXT_KEY] = sentence
    intent = dict(parsed["intent"])
    message.intent = intent
    message.parse_data["intent"] = dict(intent)
    message.parse_data["intent_ranking"] = [dict(intent), *message.parse_data.get("intent_ranking", [])]
    if parsed.get("response_selector"):
        # Which question it is, for the answer: the sentence's, not the whole message's.
        message.parse_data["response_selector"] = parsed["response_selector"]
    # The place or need named in that sentence first; the rest of the message's where they add a kind.
    own = list(parsed.get("entities") or [])
    kinds = {e.get("entity") for e in own}
    message.entities = own + [e for e in message.entities or [] if e.get("entity") not in kinds]
    message.parse_data["entities"] = list(message.entities)


async def _say_distress_line(
    self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
) -> None:
    response = await self.nlg.generate(UTTER_DISTRESS, tracker, output_channel.name())
    if not response:
        return
    event = create_bot_utterance({**response, "utter_action": UTTER_DISTRESS})
    await output_channel.send_response(tracker.sender_id, event.message())
    tracker.update(event)


def _write_alert(sender_id: str, channel: str) -> int:
    with session_scope() as session:
        return raise_and_notify(
            session,
            AlertReason.DISTRESS,
            conversation_id=sender_id,
            channel=channel,
            woman_id=woman_id_for(session, sender_id),
        ).id


async def _alert(tracker: DialogueStateTracker) -> None:
    try:
        await run_db(_write_alert, tracker.sender_id, tracker.get_latest_input_channel() or "rest")
    except Exception:  # she has her line; the keyworker's queue must not cost her the turn
        logger.exception("distress alert could not be written")


def install() -> None:
    MessageProcessor.run_action_extract_slots = run_action_extract_slots
