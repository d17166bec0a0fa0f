"""Rasa's REST channel, refusing malformed requests with a 400 instead of a 500.

Registered in credentials.yml as `bot.channels.rest.RestInput`, under the same
name ("rest"), so the URL stays /webhooks/rest/webhook. Rasa 3.6's own channel
answers an empty body, a non-object body or a sender that is not text with a
stack trace in its log and HTTP 500.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128  # phone numbers, socket ids and test ids are far shorter


def _refuse(why: str) -> HTTPResponse:
    return response.json({"error": why}, status=400)


def read_body(request: Request) -> tuple[str, str, dict | None, str | None] | HTTPResponse:
    """(sender, text, metadata, input_channel) from a REST body, or the 400 that says what is wrong."""
    try:
        body = request.json
    except SanicException:
        return _refuse("the body must be JSON")
    if not isinstance(body, dict):
        return _refuse('the body must be a JSON object: {"sender": "...", "message": "..."}')
    sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        return _refuse(f"sender must be text of 1 to {MAX_SENDER_CHARS} characters")
    if not isinstance(text, str):
        return _refuse("message must be text")
    channel = body.get("input_channel")  # as Rasa's channel: tests play SMS turns over REST
    return sender, text, metadata if isinstance(metadata, dict) else None, channel if isinstance(channel, str) else None


class RestInput(RasaRestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("elpis_rest", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            parsed = read_body(request)
            if isinstance(parsed, HTTPResponse):
                return parsed
            sender, text, metadata, channel = parsed
            channel = channel or self.name()
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender, channel, metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=channel, metadata=metadata))
            except asyncio.CancelledError:
                logger.error("rest: the message timed out")
            except Exception:
                logger.exception("rest: handling a message failed")
            return response.json(collector.messages)

        return bp
