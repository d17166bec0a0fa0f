"""A conversation: transcript, take over, reply, hand back."""
from __future__ import annotations

import secrets
from urllib.parse import quote

from sanic import response

from bot.db.session import run_db, session_scope
from bot.staff import handoff as handoff_logic
from bot.staff import rasa_api
from bot.staff.handoff import HandoffError
from bot.web.staff.alerts import load_transcript
from bot.web.staff.render import page
from bot.web.staff.security import PREFIX, error_page, staff_only

MAX_SENDER = 128


def _info(sender_id: str, staff_id: int, log_view: bool = True):
    with session_scope() as session:
        return handoff_logic.conversation_info(session, sender_id, None, staff_id, log_view=log_view)


def _sender(request) -> str | None:
    value = (request.form.get("c") if request.method == "POST" else request.args.get("c")) or ""
    value = value.strip()
    return value if 0 < len(value) <= MAX_SENDER else None


def conversation_url(sender_id: str, ok: str | None = None) -> str:
    url = f"{PREFIX}/conversation?c={quote(sender_id, safe='')}"
    return url + (f"&ok={ok}" if ok else "")


def add_routes(bp) -> None:
    @bp.get("/conversation", name="conversation")
    @staff_only()
    async def conversation(request, error: str | None = None, status: int = 200):
        sender_id = _sender(request)
        if sender_id is None:
            return error_page(request, 404, "That conversation was not found.")
        info = await run_db(_info, sender_id, request.ctx.me.staff_id)
        transcript, transcript_error = await load_transcript(sender_id)
        return page(request, "conversation.html", status=status, info=info, transcript=transcript,
                    transcript_error=transcript_error, error=error, message_key=secrets.token_hex(12),
                    alert_id=request.args.get("alert") or request.form.get("alert_id") or "")

    @bp.get("/conversation/messages", name="conversation_messages")
    @staff_only()
    async def messages(request):
        """The transcript alone, for the page's refresh every few seconds (not audited again)."""
        sender_id = _sender(request)
        if sender_id is None:
            return error_page(request, 404, "That conversation was not found.")
        transcript, transcript_error = await load_transcript(sender_id)
        return page(request, "_transcript.html", transcript=transcript, transcript_error=transcript_error)

    @bp.post("/conversation/take", name="conversation_take")
    @staff_only()
    async def take(request):
        sender_id = _sender(request)
        if sender_id is None:
            return error_page(request, 404, "That conversation was not found.")
        me = request.ctx.me
        alert_id = request.form.get("alert_id") or ""
        try:
            await handoff_logic.take_over(sender_id, None, me.staff_id, me.name,
                                          int(alert_id) if alert_id.isdigit() else None)
        except (rasa_api.RasaUnavailable, HandoffError) as exc:
            message = str(exc) if isinstance(exc, HandoffError) else (
                "The assistant could not be reached, so the conversation was not taken over. Try again.")
            return await conversation(request, error=message, status=502)
        return response.redirect(conversation_url(sender_id, "taken"), status=303)

    @bp.post("/conversation/reply", name="conversation_reply")
    @staff_only()
    async def reply(request):
        sender_id = _sender(request)
        if sender_id is None:
            return error_page(request, 404, "That conversation was not found.")
        me = request.ctx.me
        info = await run_db(_info, sender_id, me.staff_id, False)
        key = (request.form.get("message_key") or "")[:40] or secrets.token_hex(12)
        try:
            sent = await handoff_logic.reply(info, request.form.get("text") or "", me.staff_id, me.name, key)
        except HandoffError as exc:
            return await conversation(request, error=str(exc), status=400)
        except rasa_api.RasaUnavailable:
            return await conversation(request, error="The assistant could not be reached. Your message may not "
                                                     "have gone: check the transcript before sending again.", status=502)
        return response.redirect(conversation_url(sender_id, "sent" if sent else "dup"), status=303)

    @bp.post("/conversation/release", name="conversation_release")
    @staff_only()
    async def release(request):
        sender_id = _sender(request)
        if sender_id is None:
            return error_page(request, 404, "That conversation was not found.")
        me = request.ctx.me
        info = await run_db(_info, sender_id, me.staff_id, False)
        try:
            await handoff_logic.hand_back(info, me.staff_id, me.name)
        except rasa_api.RasaUnavailable:
            return await conversation(request, error="The assistant could not be reached. Try again.", status=502)
        return response.redirect(conversation_url(sender_id, "back"), status=303)
