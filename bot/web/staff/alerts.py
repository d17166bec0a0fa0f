"""The alert queue (filters, the "new" marker, a live list the page polls) and one
alert with the conversation so far."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlencode

from sanic import Blueprint, response

from bot.db.models import Staff
from bot.db.session import run_db, session_scope
from bot.staff import alert_queue, rasa_api
from bot.staff.alert_queue import AlertError, QueueFilters
from bot.web.staff.handlers import act, load_or_404
from bot.web.staff.render import ENV, page, page_number
from bot.web.staff.security import staff_only

bp = Blueprint("staff_alerts")


def _filters(request) -> QueueFilters:
    return QueueFilters.clean(
        page=page_number(request),
        **{name: (request.args.get(name) or "")[:40] for name in ("urgency", "reason", "channel", "who", "status")},
    )


def _since(request) -> datetime | None:
    """The page's own "last looked" time, sent back by its poll (whole seconds since 1970)."""
    try:
        return datetime.fromtimestamp(int(request.args.get("since", "")), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def _queue(staff_id: int, filters: QueueFilters):
    with session_scope() as session:
        since = alert_queue.look(session, staff_id)
        me = session.get(Staff, staff_id)
        items, total = alert_queue.queue(session, filters, staff_id)
        # While the page is open, what comes after this look is new (the first look included).
        live_since = since or (me.alerts_seen_at if me else None)
        return (
            items,
            total,
            since,
            live_since,
            alert_queue.new_since(session, since),
            alert_queue.recently_resolved(session, 20),
            bool(me and me.on_duty),
        )


def _live(staff_id: int, filters: QueueFilters):
    with session_scope() as session:
        alert_queue.look(session, staff_id)  # the page is open: she sees what comes
        return alert_queue.queue(session, filters, staff_id)


def _view(alert_id: int, staff_id: int):
    with session_scope() as session:
        item = alert_queue.view(session, alert_id, staff_id)
        return None if item is None else (item, alert_queue.keyworkers(session))


def _assign(alert_id: int, assignee_id: int | None, staff_id: int) -> None:
    with session_scope() as session:
        alert_queue.assign(session, alert_id, assignee_id, staff_id)


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


def _filter_query(filters: QueueFilters) -> str:
    """The filters as a query string ending in "&" (or empty), for the pager and the live list."""
    params = urlencode(filters.params())
    return params + "&" if params else ""


@bp.get("/alerts", name="alerts")
@staff_only()
async def alerts(request):
    filters = _filters(request)
    items, total, since, live_since, new_count, resolved, on_duty = await run_db(
        _queue, request.ctx.me.staff_id, filters
    )
    live = (
        request.app.url_for("staff_alerts.alerts_live")
        + "?"
        + _filter_query(filters)
        + urlencode({"page": filters.page, "since": int(live_since.timestamp()) if live_since else ""})
    )
    return page(
        request,
        "alerts.html",
        items=items,
        total=total,
        filters=filters,
        since=since,
        new_count=new_count,
        query=_filter_query(filters),
        live=live,
        page_size=alert_queue.PAGE_SIZE,
        resolved=resolved,
        on_duty=on_duty,
        reasons=alert_queue.REASON_LABELS,
        channels=alert_queue.CHANNELS,
    )


@bp.get("/alerts/live", name="alerts_live")
@staff_only()
async def alerts_live(request):
    """The queue's rows as the page shows them, for its poll (alert_queue.js)."""
    filters, since = _filters(request), _since(request)
    items, total = await run_db(_live, request.ctx.me.staff_id, filters)
    rows = ENV.get_template("_alert_rows.html").render(items=items, total=total, since=since, url=request.app.url_for)
    # Only alerts that came after the page's "last looked" are announced: one moving up from
    # the next page (another was resolved) is not new.
    fresh = [a for a in items if since is not None and a.created_at > since]
    return response.json(
        {
            "total": total,
            "rows": rows,
            "ids": [a.id for a in items],
            "fresh": [a.id for a in fresh],
            "urgent": [{"id": a.id, "summary": a.summary} for a in fresh if a.urgent],
        },
        headers={"Cache-Control": "no-store"},
    )


@bp.get("/alerts/<alert_id:int>", name="alert")
@staff_only()
async def alert(request, alert_id: int, error: str | None = None, status: int = 200):
    item, keyworkers = await load_or_404("alert", _view, alert_id, request.ctx.me.staff_id)
    transcript, transcript_error = await load_transcript(item.conversation_id)
    return page(
        request,
        "alert.html",
        status=status,
        item=item,
        keyworkers=keyworkers,
        transcript=transcript,
        transcript_error=transcript_error,
        error=error,
    )


@bp.post("/alerts/<alert_id:int>/assign", name="alert_assign")
@staff_only()
async def assign(request, alert_id: int):
    chosen = (request.form.get("assignee") or "").strip()
    me = request.ctx.me.staff_id
    try:
        assignee = me if chosen == "me" else int(chosen) if chosen else None
    except ValueError:
        return await alert(request, alert_id, error="Choose a keyworker from the list.", status=400)
    try:
        return await act(
            request,
            "alert",
            _assign,
            alert_id,
            assignee,
            me,
            then="staff_alerts.alert",
            alert_id=alert_id,
            ok="assigned",
        )
    except AlertError as exc:
        return await alert(request, alert_id, error=str(exc), status=400)


@bp.post("/alerts/<alert_id:int>/acknowledge", name="alert_ack")
@staff_only()
async def acknowledge(request, alert_id: int):
    return await act(
        request,
        "alert",
        _ack,
        alert_id,
        request.ctx.me.staff_id,
        then="staff_alerts.alert",
        alert_id=alert_id,
        ok="ack",
    )


@bp.post("/alerts/<alert_id:int>/resolve", name="alert_resolve")
@staff_only()
async def resolve(request, alert_id: int):
    try:
        return await act(
            request,
            "alert",
            _resolve,
            alert_id,
            request.ctx.me.staff_id,
            request.form.get("note") or "",
            then="staff_alerts.alerts",
            ok="resolved",
        )
    except AlertError as exc:
        return await alert(request, alert_id, error=str(exc), status=400)
