"""Appointment slots: upcoming list, add one or a weekly series, close or reopen."""

from __future__ import annotations

from datetime import date, time

from sanic import Blueprint

from bot.db.session import run_db, session_scope
from bot.staff import appointments_view as appts
from bot.staff.accounts import list_staff
from bot.staff.centres import list_centres
from bot.web.staff.handlers import act
from bot.web.staff.render import page
from bot.web.staff.security import parse_id, staff_only

bp = Blueprint("staff_slots")


def _data():
    with session_scope() as session:
        return (
            appts.upcoming_slots(session),
            [c for c in list_centres(session) if c.active],
            [s for s in list_staff(session) if s.active],
        )


def _add(req, staff_id: int):
    with session_scope() as session:
        return appts.add_slots(session, req, staff_id)


def _toggle(slot_id: int, active: bool, staff_id: int):
    with session_scope() as session:
        appts.set_slot_active(session, slot_id, active, staff_id)


def parse_request(form) -> appts.SlotRequest:
    keyworker = form.get("keyworker_id") or ""
    keyworker_id = parse_id(keyworker) if keyworker else None
    if keyworker and keyworker_id is None:
        raise appts.SlotError("Choose a keyworker.")
    try:
        return appts.SlotRequest(
            centre_id=parse_id(form.get("centre_id")) or 0,  # 0 names no centre: "Choose a centre."
            keyworker_id=keyworker_id,
            first_day=date.fromisoformat(form.get("day") or ""),
            start=time.fromisoformat(form.get("start") or ""),
            minutes=int(form.get("minutes") or 60),
            capacity=int(form.get("capacity") or 1),
            weeks=int(form.get("weeks") or 1) if form.get("repeat") == "on" else 1,
        )
    except ValueError as exc:
        raise appts.SlotError("Check the date (YYYY-MM-DD), time (HH:MM) and numbers.") from exc


@bp.get("/admin/slots", name="slots")
@staff_only("admin")
async def slots(request, error: str | None = None, status: int = 200, note: str | None = None):
    rows, centres, people = await run_db(_data)
    return page(
        request, "admin/slots.html", status=status, rows=rows, centres=centres, people=people, error=error, note=note
    )


@bp.post("/admin/slots", name="slots_add")
@staff_only("admin")
async def slots_add(request):
    try:
        created, existing = await run_db(_add, parse_request(request.form), request.ctx.me.staff_id)
    except appts.SlotError as exc:
        return await slots(request, error=str(exc), status=400)
    note = f"{created} slot(s) added" + (f", {existing} already there" if existing else "") + "."
    return await slots(request, note=note)


@bp.post("/admin/slots/<slot_id:int>/active", name="slot_active")
@staff_only("admin")
async def slot_active(request, slot_id: int):
    return await act(
        request,
        "slot",
        _toggle,
        slot_id,
        request.form.get("active") == "on",
        request.ctx.me.staff_id,
        then="staff_slots.slots",
        ok="saved",
    )
