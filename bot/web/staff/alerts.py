"""The alert queue and one alert with the conversation so far."""
from __future__ import annotations

from sanic import Blueprint

from bot.db.models import Staff
from bot.db.session import run_db, session_scope
from bot.staff import alert_queue, rasa_api
from bot.staff.alert_queue import AlertError
from bot.web.staff.handlers import act, load_or_404
from bot.web.staff.render import page, page_number
from bot.web.staff.security import staff_only

bp = Blueprint("staff_alerts")


def _queue(staff_id: int, page_no: int):
    with session_scope() as session:
        me = session.get(Staff, staff_id)
        items, total = alert_queue.queue(session, page_no)
        return items, total, alert_queue.recently_resolved(session, 20), bool(me and me.on_duty)


def _view(alert_id: int, staff_id: int):
    with session_scope() as session:
        return alert_queue.view(session, alert_id, staff_id)


def _ack(alert_id: int, staff_id: int) -> None:
    # Someone else got there first: nothing to say, the alert's page shows who.
    with session_scope() as session:
        alert_queue.acknowledge(session, alert_id, staff_id)


def _resolve(alert_id: int, staff_id: int, note: str) -> None:
    with session_scope() as session:
        alert_queue.resolve(session, alert_id, staff_id, note)


def why_not(exc: rasa_api.RasaUnavailable) -> str:
    """Why the assistant did not do it, in words for the keyworker."""
    if exc.busy:
        return "the assistant is busy. Try again in a minute."
    return "the assistant is not answering. Try again in a minute; if it keeps happening, tell whoever runs Elpis."


def transcript_unavailable(exc: rasa_api.RasaUnavailable) -> str:
    return "The conversation could not be loaded just now: " + why_not(exc)


async def load_transcript(sender_id: str | None) -> tuple[list[dict], str | None]:
    if not sender_id:
        return [], None
    try:
        return rasa_api.transcript(await rasa_api.tracker(sender_id)), None
    except rasa_api.RasaUnavailable as exc:
        return [], transcript_unavailable(exc)


@bp.get("/alerts", name="alerts")
@staff_only()
async def alerts(request):
    page_no = page_number(request)
    items, total, resolved, on_duty = await run_db(_queue, request.ctx.me.staff_id, page_no)
    return page(request, "alerts.html", items=items, total=total, page_no=page_no,
                page_size=alert_queue.PAGE_SIZE, resolved=resolved, on_duty=on_duty)


@bp.get("/alerts/<alert_id:int>", name="alert")
@staff_only()
async def alert(request, alert_id: int, error: str | None = None, status: int = 200):
    item = await load_or_404("alert", _view, alert_id, request.ctx.me.staff_id)
    transcript, transcript_error = await load_transcript(item.conversation_id)
    return page(request, "alert.html", status=status, item=item, transcript=transcript,
                transcript_error=transcript_error, error=error)


@bp.post("/alerts/<alert_id:int>/acknowledge", name="alert_ack")
@staff_only()
async def acknowledge(request, alert_id: int):
    return await act(request, "alert", _ack, alert_id, request.ctx.me.staff_id,
                     then="staff_alerts.alert", alert_id=alert_id, ok="ack")


@bp.post("/alerts/<alert_id:int>/resolve", name="alert_resolve")
@staff_only()
async def resolve(request, alert_id: int):
    try:
        return await act(request, "alert", _resolve, alert_id, request.ctx.me.staff_id,
                         request.form.get("note") or "", then="staff_alerts.alerts", ok="resolved")
    except AlertError as exc:
        return await alert(request, alert_id, error=str(exc), status=400)
