"""Her typed words that name a button of the question just asked are that button, on any
channel and in any language: "Sama" under "Did the police send you, or are you contacting
us yourself?" in Polish is the "Myself" button, "tylko sms" is "Texts only".

The SMS channel already does this with numbers and titles (bot/channels/sms_options.py);
on the web and REST she can click, but many type. In English only a whole title counts
(the model reads her own words well); in other languages words found in one title only
count too, as the forms' checks read the payloads. Patched around
MessageProcessor.run_action_extract_slots, outermost, so the turn is understood as the
click would be (the payload parsed again, her text replaced by it).
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_components.language_turn import LANGUAGE_SLOT
from bot.wording.catalogue import DEFAULT_LANGUAGE
from bot.wording.languages import fold_words

MIN_LETTERS = 3
MAX_WORDS = 6  # a sentence is her own words, not a pick


def _buttons_asked(tracker: DialogueStateTracker) -> list[dict[str, Any]]:
    """The buttons of the bot's last message before her latest one."""
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_user:
                return []
            seen_user = True
        elif seen_user and isinstance(event, BotUttered):
            return list((event.data or {}).get("buttons") or [])
    return []


def chosen(text: str, buttons: list[dict[str, Any]], own_words: bool = True) -> dict[str, Any] | None:
    """The one button her words name: the whole title, or (own_words) words found in one title only."""
    words = fold_words(text)
    if not words or len(words) > MAX_WORDS or sum(len(w) for w in words) < MIN_LETTERS:
        return None
    titled = [(b, fold_words(str(b.get("title") or ""))) for b in buttons if b.get("payload")]
    exact = [b for b, title in titled if title == words]
    if len(exact) == 1:
        return exact[0]
    if not own_words or any(w.isdigit() for w in words):
        return None  # "2 kids", "10am": numbers are the SMS channel's to read
    within = [b for b, title in titled if all(w in title for w in words)]
    return within[0] if len(within) == 1 else None


def _factory(inner):
    async def run_action_extract_slots(
        self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
    ) -> DialogueStateTracker:
        message = tracker.latest_message
        text = (message.text or "") if message else ""
        if message is not None and text and not text.startswith("/"):
            # In English the model reads her own words well; elsewhere the forms' checks need the payload.
            own_words = (tracker.get_slot(LANGUAGE_SLOT) or DEFAULT_LANGUAGE) != DEFAULT_LANGUAGE
            button = chosen(text, _buttons_asked(tracker), own_words)
            if button is not None:
                payload = str(button["payload"])
                parsed = await self.parse_message(UserMessage(payload))
                message.text = payload
                message.intent = dict(parsed.get("intent") or {})
                message.entities = list(parsed.get("entities") or [])
                message.parse_data = {**parsed, "text": payload}
        return await inner(self, output_channel, tracker)

    return run_action_extract_slots


def install() -> None:
    MessageProcessor.run_action_extract_slots = _factory(MessageProcessor.run_action_extract_slots)
