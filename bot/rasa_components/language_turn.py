"""The turn's language, set before anything else in it is said.

Patched around MessageProcessor.run_action_extract_slots (outside the triage
step, so the distress line and the crisis answer are in her language too):
- she asks for a language ("po polsku", "English please", or the offer's
  button): it is set and kept (no more guessing), the message is marked
  `switch_language` for LanguagePolicy, and no form takes it as an answer;
- a message clearly in another of our languages, while she has not chosen
  one: that language is set at once and, the first time, "Shall we talk in
  Polish?" goes out first, in Polish, with a button to keep it and one for
  English (not in a turn about her safety: that answer comes first and alone);
- short, mixed or unsure messages change nothing;
- a new session (Rasa keeps no slots across them) starts in the language the
  conversation last had (conversations.language).
The language is then the turn's (bot.wording.set_language) for every text this
process writes: the responses (catalogue_nlg.py) and the SMS option lines.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.actions.action import create_bot_utterance
from rasa.core.channels.channel import OutputChannel
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversation.language import detect, requested
from bot.db.crud import wording as wording_corrections
from bot.db.crud.conversations import language_for
from bot.db.crud.conversations import set_language as remember_language
from bot.db.session import run_db, session_scope
from bot.safety.triage import Grade, grade_of
from bot.wording.catalogue import DEFAULT_LANGUAGE, languages, say, set_language
from bot.wording.languages import offer_buttons

logger = logging.getLogger(__name__)

LANGUAGE_SLOT = "language"
CHOSEN_SLOT = "language_chosen"
OFFERED_SLOT = "languages_offered"
SWITCH_INTENT = "switch_language"
REQUESTED_ENTITY = "language_requested"


def _asked_for(message: UserUttered | None) -> str | None:
    if message is None:
        return None
    if (message.intent or {}).get("name") == SWITCH_INTENT:  # the offer's buttons
        for entity in message.entities or []:
            # The pipeline spaces a two-letter value out ("p l"): read the letters.
            code = "".join(str(entity.get("value") or "").split())
            if entity.get("entity") == REQUESTED_ENTITY and code in languages():
                return code
        return None
    return requested(message.text)


def _mark_switch(message: UserUttered, code: str) -> None:
    intent: dict[str, Any] = {"name": SWITCH_INTENT, "confidence": 1.0}
    message.intent = intent
    message.parse_data["intent"] = dict(intent)
    entity = {"entity": REQUESTED_ENTITY, "value": code, "extractor": "language_turn"}
    message.entities = [entity]
    message.parse_data["entities"] = [dict(entity)]


async def _offer(
    self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker, code: str
) -> None:
    event = create_bot_utterance(
        {"text": say("language.offer", code), "buttons": offer_buttons(code), "utter_action": "language.offer"}
    )
    await output_channel.send_response(tracker.sender_id, event.message())
    tracker.update(event)


def _write_language(sender_id: str, code: str, channel: str | None) -> None:
    with session_scope() as session:
        remember_language(session, sender_id, code, channel)


async def _remember(tracker: DialogueStateTracker, code: str) -> None:
    """On the conversation and her record, for staff pages and the texts the worker sends."""
    try:
        await run_db(_write_language, tracker.sender_id, code, tracker.get_latest_input_channel())
    except Exception:  # the conversation goes on in her language; only the record lags
        logger.exception("language could not be written to her record")


def _read_kept(sender_id: str) -> str | None:
    with session_scope() as session:
        return language_for(session, sender_id)


async def _kept(sender_id: str) -> str | None:
    try:
        code = await run_db(_read_kept, sender_id)
    except Exception:  # English until she writes again in hers; the turn goes on
        logger.exception("the conversation's language could not be read")
        return None
    return code if code in languages() else None


def _inner_factory(inner):
    async def run_action_extract_slots(
        self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
    ) -> DialogueStateTracker:
        message = tracker.latest_message
        if tracker.get_slot(LANGUAGE_SLOT) is None:
            # A new session (slots are not carried over): hers as the conversation last had it.
            kept = await _kept(tracker.sender_id)
            tracker.update(SlotSet(LANGUAGE_SLOT, kept or DEFAULT_LANGUAGE))
        current = tracker.get_slot(LANGUAGE_SLOT) or DEFAULT_LANGUAGE
        asked = _asked_for(message)
        if message is not None and asked:
            _mark_switch(message, asked)
            tracker.update(SlotSet(LANGUAGE_SLOT, asked))
            tracker.update(SlotSet(CHOSEN_SLOT, True))
            set_language(asked)
            await _remember(tracker, asked)
            return tracker  # answered by LanguagePolicy; no form takes "po polsku" as an answer
        seen = detect(message.text) if message is not None else None
        offer = None
        if seen and seen != current and not tracker.get_slot(CHOSEN_SLOT):
            tracker.update(SlotSet(LANGUAGE_SLOT, seen))
            offered = list(tracker.get_slot(OFFERED_SLOT) or [])
            if seen != DEFAULT_LANGUAGE and seen not in offered:
                tracker.update(SlotSet(OFFERED_SLOT, [*offered, seen]))
                offer = seen
            current = seen
            await _remember(tracker, seen)
        set_language(current)
        if offer and message is not None and grade_of(message.parse_data) is Grade.NONE:
            try:
                await _offer(self, output_channel, tracker, offer)
            except Exception:  # the offer is a courtesy; her turn goes on in her language
                logger.exception("language offer could not be sent")
        return await inner(self, output_channel, tracker)

    return run_action_extract_slots


def install() -> None:
    MessageProcessor.run_action_extract_slots = _inner_factory(MessageProcessor.run_action_extract_slots)
    wording_corrections.install()  # staff corrections of Rasa's responses and option lines
