"""Groups and activities: upcoming list, add, edit, close or reopen (bot/activities/admin.py)."""

from __future__ import annotations

from sanic import Blueprint

from bot.activities import admin as activities
from bot.activities.admin import ActivityForm
from bot.db.models.support import Activity
from bot.db.session import run_db, session_scope
from bot.staff.centres import FormErrors, list_centres
from bot.web.staff.handlers import act, load_or_404
from bot.web.staff.render import page
from bot.web.staff.security import staff_only

bp = Blueprint("staff_activities")


def _data():
    with session_scope() as session:
        return activities.upcoming(session), list_centres(session)


def _activity(activity_id: int):
    with session_scope() as session:
        found = session.get(Activity, activity_id)
        return (found, list_centres(session)) if found else None


def _save(activity_id: int | None, form: ActivityForm, staff_id: int) -> int:
    with session_scope() as session:
        return activities.save(session, activity_id, form, staff_id).id


def _toggle(activity_id: int, active: bool, staff_id: int) -> None:
    with session_scope() as session:
        activities.set_active(session, activity_id, active, staff_id)


def _form(request) -> ActivityForm:
    f = request.form
    return ActivityForm(
        **{k: (f.get(k) or "")[:2100] for k in ("centre_id", "title", "description", "day", "start", "end", "places")}
    )


@bp.get("/admin/activities", name="activities")
@staff_only("admin")
async def activity_list(request, form: ActivityForm | None = None, errors: dict | None = None, status: int = 200):
    rows, centres = await run_db(_data)
    return page(
        request,
        "admin/activities.html",
        status=status,
        rows=rows,
        centres=centres,
        form=form or ActivityForm(),
        errors=errors or {},
    )


@bp.post("/admin/activities", name="activities_add")
@staff_only("admin")
async def activities_add(request):
    form = _form(request)
    try:
        return await act(
            request,
            "activity",
            _save,
            None,
            form,
            request.ctx.me.staff_id,
            then="staff_activities.activities",
            ok="saved",
        )
    except FormErrors as exc:
        return await activity_list(request, form=form, errors=exc.errors, status=400)


@bp.get("/admin/activities/<activity_id:int>", name="activity_edit")
@staff_only("admin")
async def activity_edit(request, activity_id: int):
    activity, centres = await load_or_404("activity", _activity, activity_id)
    return page(
        request,
        "admin/activity_form.html",
        activity=activity,
        centres=centres,
        form=ActivityForm.of(activity),
        errors={},
    )


@bp.post("/admin/activities/<activity_id:int>", name="activity_save")
@staff_only("admin")
async def activity_save(request, activity_id: int):
    form = _form(request)
    try:
        return await act(
            request,
            "activity",
            _save,
            activity_id,
            form,
            request.ctx.me.staff_id,
            then="staff_activities.activities",
            ok="saved",
        )
    except FormErrors as exc:
        activity, centres = await load_or_404("activity", _activity, activity_id)
        return page(
            request,
            "admin/activity_form.html",
            status=400,
            activity=activity,
            centres=centres,
            form=form,
            errors=exc.errors,
        )


@bp.post("/admin/activities/<activity_id:int>/active", name="activity_active")
@staff_only("admin")
async def activity_active(request, activity_id: int):
    return await act(
        request,
        "activity",
        _toggle,
        activity_id,
        request.form.get("active") == "on",
        request.ctx.me.staff_id,
        then="staff_activities.activities",
        ok="saved",
    )
