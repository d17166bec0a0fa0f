"""Small helpers shared by the actions."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker

from bot.safety.triage import REQUEST_TEXT_KEY

logger = logging.getLogger(__name__)


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "rest"


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def request_text(tracker: Tracker) -> str:
    """Her words that hold the request: in a long message, the sentence that asked
    (bot/rasa_components/triage_turn.py), else the whole message."""
    message = tracker.latest_message or {}
    return message.get(REQUEST_TEXT_KEY) or message.get("text") or ""
