"""Understand her message on a thread of its own, off Rasa's event loop.

Rasa 3.6 runs the NLU pipeline inside its one event loop, so while one
message is parsed no other conversation moves. Most of our parse is the
sentence encoder's matrix products (bot/nlu/sentence_encoder.py), which
NumPy runs without holding Python's lock, so on a thread they overlap with
the loop's own work for other conversations (trackers, rules, action calls)
on the second core.

One thread, so the pipeline's components never run two messages at once
(they were written for Rasa's one-at-a-time use). The conversation's lock
is held meanwhile, as before, so her messages are still understood in order.

Installed from bot/rasa_components/__init__.py.
"""
from __future__ import annotations

import asyncio
import copy
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Optional, Text

import structlog
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

structlogger = structlog.get_logger()
_executor: Optional[ThreadPoolExecutor] = None


def _parse_executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="elpis-parse")
    return _executor


async def parse_message(self: MessageProcessor, message: UserMessage,
                        tracker: Optional[DialogueStateTracker] = None,
                        only_output_properties: bool = True) -> Dict[Text, Any]:
    # As MessageProcessor.parse_message in Rasa 3.6.21, but for where the graph runs.
    if self.http_interpreter:
        parse_data = await self.http_interpreter.parse(message)
    else:
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await asyncio.get_running_loop().run_in_executor(
            _parse_executor(), self._parse_message_with_graph, message, tracker, only_output_properties
        )
    self._update_full_retrieval_intent(parse_data)
    structlogger.debug(
        "processor.message.parse",
        parse_data_text=copy.deepcopy(parse_data["text"]),
        parse_data_intent=parse_data["intent"],
        parse_data_entities=copy.deepcopy(parse_data["entities"]),
    )
    self._check_for_unseen_features(parse_data)
    return parse_data


def install() -> None:
    MessageProcessor.parse_message = parse_message  # type: ignore[method-assign]
