"""A conversation: transcript, take over, reply, hand back."""

from __future__ import annotations

import secrets

from sanic import Blueprint

from bot.db.session import run_db, session_scope
from bot.staff import handoff as handoff_logic
from bot.staff import rasa_api
from bot.staff.handoff import HandoffError
from bot.web.staff.alerts import load_transcript, transcript_unavailable, why_not
from bot.web.staff.handlers import Missing, see_other
from bot.web.staff.render import page
from bot.web.staff.security import parse_id, staff_only

bp = Blueprint("staff_handoff")

MAX_SENDER = 128


def _info(sender_id: str, staff_id: int, log_view: bool = True):
    with session_scope() as session:
        return handoff_logic.conversation_info(session, sender_id, None, staff_id, log_view=log_view)


def _sender(request) -> str:
    """The conversation the page names (?c=, or the form's c); 404 when it names none."""
    value = (request.form.get("c") if request.method == "POST" else request.args.get("c")) or ""
    value = value.strip()
    if not 0 < len(value) <= MAX_SENDER:
        raise Missing("conversation")
    return value


async def _named_conversation(request):
    """The conversation a form names and its state (an action on it, not audited as a view)."""
    sender_id = _sender(request)
    return sender_id, await run_db(_info, sender_id, request.ctx.me.staff_id, False)


def back_to_conversation(request, sender_id: str, ok: str):
    return see_other(request, "staff_handoff.conversation", c=sender_id, ok=ok)


def _not_done(what: str, exc: rasa_api.RasaUnavailable) -> str:
    return f"{what}: " + why_not(exc)


@bp.get("/conversation", name="conversation")
@staff_only()
async def conversation(
    request,
    error: str | None = None,
    status: int = 200,
    rasa_down: rasa_api.RasaUnavailable | None = None,
    draft: str = "",
    message_key: str | None = None,
):
    """The page; after an action Rasa did not answer, shown without asking Rasa again (it is busy)."""
    sender_id = _sender(request)
    info = await run_db(_info, sender_id, request.ctx.me.staff_id)
    if rasa_down is None:
        transcript, transcript_error = await load_transcript(sender_id)
    else:
        transcript, transcript_error = [], transcript_unavailable(rasa_down)
    alert_id = parse_id(request.args.get("alert") or request.form.get("alert_id"))
    return page(
        request,
        "conversation.html",
        status=status,
        info=info,
        transcript=transcript,
        transcript_error=transcript_error,
        error=error,
        draft=draft[: 2 * handoff_logic.MAX_REPLY],
        message_key=message_key or secrets.token_hex(12),
        alert_id=alert_id or "",
    )


@bp.get("/conversation/messages", name="conversation_messages")
@staff_only()
async def messages(request):
    """The transcript alone, for the page's refresh every few seconds (not audited again)."""
    sender_id = _sender(request)
    transcript, transcript_error = await load_transcript(sender_id)
    return page(request, "_transcript.html", transcript=transcript, transcript_error=transcript_error)


@bp.post("/conversation/take", name="conversation_take")
@staff_only()
async def take(request):
    sender_id = _sender(request)
    me = request.ctx.me
    try:
        info = await handoff_logic.take_over(
            sender_id, None, me.staff_id, me.name, parse_id(request.form.get("alert_id"))
        )
    except HandoffError as exc:
        return await conversation(request, error=str(exc), status=409)
    except rasa_api.RasaUnavailable as exc:
        return await conversation(request, rasa_down=exc, error=_not_done("The conversation was not taken over", exc))
    taken = "taken" if info.told_her else "taken_quiet"
    return back_to_conversation(request, sender_id, taken)


@bp.post("/conversation/reply", name="conversation_reply")
@staff_only()
async def reply(request):
    sender_id, info = await _named_conversation(request)
    me = request.ctx.me
    text = request.form.get("text") or ""
    key = (request.form.get("message_key") or "")[:40] or secrets.token_hex(12)
    try:
        sent = await handoff_logic.reply(info, text, me.staff_id, me.name, key)
    except HandoffError as exc:
        return await conversation(request, error=str(exc), status=400, draft=text)
    except rasa_api.RasaUnavailable as exc:
        # The words stay in the box. Rasa only slow: they may still reach her, so a new key
        # and a word to check first; Rasa down: surely not sent, the same form may go again.
        if exc.busy:
            return await conversation(
                request,
                rasa_down=exc,
                draft=text,
                error=_not_done("Your message may not have gone (check the transcript before sending it again)", exc),
            )
        return await conversation(
            request, rasa_down=exc, draft=text, message_key=key, error=_not_done("Your message was not sent", exc)
        )
    return back_to_conversation(request, sender_id, "sent" if sent else "dup")


@bp.post("/conversation/release", name="conversation_release")
@staff_only()
async def release(request):
    sender_id, info = await _named_conversation(request)
    me = request.ctx.me
    try:
        await handoff_logic.hand_back(info, me.staff_id, me.name)
    except rasa_api.RasaUnavailable as exc:
        return await conversation(
            request,
            rasa_down=exc,
            error=_not_done("The conversation was not handed back, so you are still answering it", exc),
        )
    return back_to_conversation(request, sender_id, "back")
