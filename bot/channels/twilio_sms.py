"""The SMS channel on Twilio, safe to put on the internet.

Registered in credentials.yml as `bot.channels.twilio_sms.TwilioSmsInput`;
its routes are

    POST /webhooks/sms/webhook   Twilio's inbound message webhook
    POST /webhooks/sms/status    Twilio's delivery status callback
    GET  /webhooks/sms/          health

Both POSTs must carry a valid `X-Twilio-Signature` for the auth token
(TWILIO_AUTH_TOKEN), computed over the *public* URL Twilio called
(ELPIS_PUBLIC_BASE_URL + path, because the server sits behind a proxy);
anything else gets 403 and is not processed. With no auth token configured
every request is refused.

An inbound message is recorded (with the urgent alert, if the crisis net
matches its words) and answered with empty TwiML at once; the assistant's
reply is worked out in the background and goes out through the outbox (sent
straight away by this process, or by the worker), so a slow model never
makes Twilio retry. See sms_inbound.py for what happens to each
message, sms_options.py for numbered options, sms_text.py for segments.

A message whose process stopped before answering it stays 'received'; every
Rasa process looks for such messages at start and every minute after, and
answers the recent ones (sms_inbound.claim_unfinished).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels import sms_inbound, sms_keywords, sms_send, sms_status
from bot.channels.handoff_safety import answer_crisis_during_handoff
from bot.channels.sms_options import Option, options_from_buttons, render
from bot.db.session import run_db
from bot.settings import get_settings
from bot.wording import say

logger = logging.getLogger(__name__)

CHANNEL = "sms"
MAX_FORM_BYTES = 64 * 1024  # a real Twilio form is a few kilobytes at most
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class _Params(dict):
    """Form values as lists, in the shape Twilio's validator reads (`getlist`)."""

    def getlist(self, name: str) -> list[str]:
        return self[name]


def signature_ok(request: Request, params: dict[str, list[str]]) -> bool:
    settings = get_settings()
    signature = request.headers.get("X-Twilio-Signature")
    if not settings.twilio_auth_token or not signature:
        return False
    url = settings.public_base_url.rstrip("/") + request.path
    if request.query_string:
        url += "?" + request.query_string
    try:
        return RequestValidator(settings.twilio_auth_token).validate(url, _Params(params), signature)
    except Exception:  # a malformed header or value must be a refusal, not a 500
        logger.warning("sms: signature check failed on malformed input", exc_info=True)
        return False


class _SenderLocks:
    """One turn at a time per number, in arrival order (asyncio.Lock is FIFO)."""

    def __init__(self) -> None:
        self._locks: dict[str, list[Any]] = {}

    @asynccontextmanager
    async def hold(self, key: str):
        entry = self._locks.setdefault(key, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                self._locks.pop(key, None)


class SmsOutput(OutputChannel):
    """Collects the assistant's messages for one turn; buttons become numbered options.

    With `buffer=False` (messages Rasa sends outside a turn of hers, e.g. a
    keyworker's reply through the API) each message is queued straight away.
    """

    def __init__(self, buffer: bool = True) -> None:
        self.buffer = buffer
        self.texts: list[str] = []
        self.options: list[Option] = []

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def _add(self, recipient_id: str, text: str | None, buttons: list[dict[str, Any]] | None) -> None:
        options = options_from_buttons(buttons)
        for option in options:
            if sms_keywords.is_opt_out_word(option.title):
                logger.error("sms: button %r is a carrier opt-out word; she must never be offered it", option.title)
        offered = sms_keywords.offers_opt_out_word(text or "")
        if offered:
            logger.error("sms: a reply tells her to send %s, a carrier opt-out word", offered)
        rendered = "\n".join(part for part in ((text or "").strip(), render(options)) if part)
        if not rendered:
            return
        if not self.buffer:
            await self._send_outside_turn(recipient_id, rendered, options)
            return
        self.texts.append(rendered)
        if options:
            self.options = options

    async def _send_outside_turn(self, recipient_id: str, text: str, options: list[Option]) -> None:
        number = sms_inbound.sender_e164(recipient_id)
        if number is None or number != recipient_id:
            logger.warning("sms: not a phone number conversation; message not sent")
            return
        ids = await run_db(sms_inbound.commit_outside_turn, number, text, options)
        await sms_send.send_soon(ids)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._add(recipient_id, text, None)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._add(recipient_id, text, buttons)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._add(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        logger.info("sms: image left out (text only)")

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        logger.info("sms: attachment left out (text only)")

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        text = json_message.get("text") if isinstance(json_message, dict) else None
        if isinstance(text, str):
            await self._add(recipient_id, text, json_message.get("buttons"))


class TwilioSmsInput(InputChannel):
    """Inbound SMS from Twilio (see the module docstring)."""

    def __init__(self) -> None:
        self._locks = _SenderLocks()
        self._tasks: set[asyncio.Task] = set()
        self._turns: asyncio.Semaphore | None = None

    def _turn_slots(self) -> asyncio.Semaphore:
        # Rasa runs its model on the event loop: with every waiting turn let in
        # at once, Twilio's next webhook call queues behind all of them.
        if self._turns is None:
            self._turns = asyncio.Semaphore(max(1, get_settings().sms_concurrent_turns))
        return self._turns

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioSmsInput:
        # Secrets come from the environment (bot/settings.py), not credentials.yml.
        return cls()

    def get_output_channel(self) -> OutputChannel:
        return SmsOutput(buffer=False)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)  # keep a reference until done, or it may be collected
        task.add_done_callback(self._tasks.discard)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("elpis_sms", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def inbound(request: Request) -> HTTPResponse:
            return await self._inbound(request, on_new_message)

        @bp.route("/status", methods=["POST"])
        async def status(request: Request) -> HTTPResponse:
            return await self._status(request)

        @bp.listener("after_server_start")
        async def start_replay(app: Any, loop: Any) -> None:
            self._spawn(self._replay_loop(on_new_message))

        return bp

    async def _replay_loop(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Answer what a stopped process left unanswered, now and every so often after."""
        interval = max(1, get_settings().sms_replay_interval_s)
        while True:
            await self.replay_unfinished(on_new_message)
            await asyncio.sleep(interval)

    async def replay_unfinished(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> int:
        try:
            found = await run_db(sms_inbound.claim_unfinished)
        except Exception:
            logger.exception("sms: could not look for unanswered messages (will look again)")
            return 0
        if found.expired:
            logger.warning("sms: %s unanswered message(s) too old to answer; keyworkers alerted", found.expired)
        for inbound_id, msg in found.retry:
            logger.info("sms: answering a message a stopped process left unanswered")
            self._spawn(self._handle(msg, inbound_id, on_new_message))
        return len(found.retry)

    async def _read_signed(self, request: Request) -> dict[str, list[str]] | HTTPResponse:
        raw = request.body or b""
        if len(raw) > MAX_FORM_BYTES:
            return response.text("Request too large", status=413)
        params = sms_inbound.parse_form(raw)
        if not signature_ok(request, params):
            logger.warning("sms: refused a request without a valid Twilio signature")
            return response.text("Forbidden", status=403)
        return params

    async def _inbound(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        params = await self._read_signed(request)
        if isinstance(params, HTTPResponse):
            return params
        msg = sms_inbound.InboundSms.from_params(params)
        if msg is None:
            return response.text("Missing or invalid MessageSid", status=400)
        try:
            inbound_id = await run_db(sms_inbound.record, msg)
        except Exception:
            logger.exception("sms: could not record an inbound message")
            # Not a 500: tell Twilio plainly that we could not take it just now.
            return response.text("Temporarily unavailable", status=503, headers={"Retry-After": "5"})
        if inbound_id is not None:
            if msg.from_e164 is None:
                return response.text("From is not a phone number", status=400)  # kept, but cannot be answered
            try:
                await run_db(sms_inbound.alert_if_danger, msg)
            except Exception:  # stored already: the replay net and her turn still see it
                logger.exception("sms: could not raise the crisis alert on arrival")
            self._spawn(self._handle(msg, inbound_id, on_new_message))
        # Everything else happens after Twilio has its answer.
        return response.text(EMPTY_TWIML, content_type="text/xml")

    async def _handle(
        self, msg: sms_inbound.InboundSms, inbound_id: int, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        number, key = msg.from_e164, f"sms:{msg.message_sid}"
        assert number is not None  # a message with no phone number is kept but never handled
        # Her messages are handled one at a time, in the order they came.
        async with self._locks.hold(number):
            try:
                decision = await run_db(sms_inbound.decide, inbound_id, msg)
            except Exception:
                logger.exception("sms: deciding on an inbound message failed (kept as 'received')")
                return
            await sms_send.send_soon(decision.reply_ids)
            if decision.action != "converse":
                return
            async with self._turn_slots():
                try:
                    text, original = await run_db(sms_inbound.resolve_reply, number, msg.body)
                    out = SmsOutput(buffer=True)
                    metadata = {"sms": {"message_sid": msg.message_sid, "num_media": msg.num_media}}
                    if original is not None:
                        metadata["sms"]["original_text"] = original
                    user_message = UserMessage(text, out, number, input_channel=CHANNEL, metadata=metadata)
                    await answer_crisis_during_handoff(user_message)
                    await on_new_message(user_message)
                    texts = ([say("sms.media")] if decision.media_note else []) + out.texts
                    ids = await run_db(
                        sms_inbound.commit_turn, inbound_id, number, decision.woman_id, texts, out.options, key
                    )
                except Exception:
                    logger.exception("sms: handling a message failed")
                    try:
                        ids = await run_db(sms_inbound.commit_failure, inbound_id, number, decision.woman_id, key)
                    except Exception:
                        logger.exception("sms: could not queue the apology either")
                        return
            await sms_send.send_soon(ids)

    async def _status(self, request: Request) -> HTTPResponse:
        params = await self._read_signed(request)
        if isinstance(params, HTTPResponse):
            return params
        sid = (sms_inbound.first(params, "MessageSid") or sms_inbound.first(params, "SmsSid") or "").strip()
        status = sms_inbound.first(params, "MessageStatus") or sms_inbound.first(params, "SmsStatus") or ""
        if not sid or len(sid) > 64 or not status:
            return response.text("Missing MessageSid or MessageStatus", status=400)
        try:
            result = await run_db(
                sms_status.record_status, sid, status.strip().lower()[:20], sms_inbound.first(params, "ErrorCode")
            )
        except Exception:
            logger.exception("sms: could not store a status callback")
            return response.text("Temporarily unavailable", status=503, headers={"Retry-After": "5"})
        if result == "unmatched":
            self._spawn(self._apply_later(sid))
        return response.text("", status=200)

    async def _apply_later(self, sid: str) -> None:
        # The report beat the sender to the database; try again shortly.
        for delay in (0.5, 2.0, 10.0):
            await asyncio.sleep(delay)
            try:
                if await run_db(sms_status.apply_unlinked, sid):
                    return
            except Exception:
                logger.exception("sms: applying a late status report failed")
