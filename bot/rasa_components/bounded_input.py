"""Every message is bounded before Rasa stores or understands it (bot/channels/input_bounds.py).

Patched into MessageProcessor.handle_message, which every channel's message
goes through (REST, socket.io, SMS, the HTTP API's /conversations/../messages
does not parse text through here but /model/parse does, through parse_message
in parse_thread.py, which bounds what the model reads the same way).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor

from bot.channels.input_bounds import LONG_MESSAGE_NOTE, bound

METADATA_KEY = "elpis_input"

_original_handle_message = MessageProcessor.handle_message


async def handle_message(self: MessageProcessor, message: UserMessage) -> Optional[List[Dict[str, Any]]]:
    bounded = bound(message.text)
    message.text = bounded.text
    if bounded.truncated:
        message.metadata = {**(message.metadata or {}), METADATA_KEY: {"truncated_from": bounded.truncated_from}}
        # Told first, so the answer that follows reads as an answer to the part she sees quoted back.
        await message.output_channel.send_text_message(message.sender_id, LONG_MESSAGE_NOTE)
    return await _original_handle_message(self, message)


def install() -> None:
    MessageProcessor.handle_message = handle_message
