"""Admin pages: centres, coverage boroughs, staff accounts and duty, the audit log.

Partner-service listings (with CSV / Open Referral UK import and export) and
appointment slots are in admin_listings.py and admin_slots.py.
"""

from __future__ import annotations

from sanic import Blueprint, response

from bot.db.models import Centre, Staff, StaffRole
from bot.db.session import run_db, session_scope
from bot.geo.boroughs import load_boroughs
from bot.staff import audit, centres, coverage
from bot.staff.accounts import AccountError, create_staff, list_staff, set_password, unlock, update_staff
from bot.staff.centres import CentreForm, FormErrors
from bot.web.staff.handlers import act, load_or_404, see_other
from bot.web.staff.render import page
from bot.web.staff.security import error_page, form_id, staff_only

bp = Blueprint("staff_admin")


def _borough_names() -> list[str]:
    return sorted(b.name for b in load_boroughs())


def _centres():
    with session_scope() as session:
        return centres.list_centres(session)


def _centre(centre_id: int):
    with session_scope() as session:
        return session.get(Centre, centre_id)


def _save_centre(centre_id: int | None, form: CentreForm, staff_id: int) -> int:
    with session_scope() as session:
        return centres.save_centre(session, centre_id, form, staff_id).id


def _coverage():
    with session_scope() as session:
        return coverage.coverage_table(session)


def _set_coverage(codes: set[str], staff_id: int) -> int:
    with session_scope() as session:
        return coverage.set_covered(session, codes, staff_id)


def _staff_list():
    with session_scope() as session:
        return list_staff(session)


def _staff(staff_id: int):
    with session_scope() as session:
        return session.get(Staff, staff_id)


def _audit_rows():
    with session_scope() as session:
        rows = audit.recent(session, 300)
        names = {s.id: s.name for s in list_staff(session)}
        return [(r, names.get(r.actor_id, "system")) for r in rows]


def _centre_form(request) -> CentreForm:
    f = request.form
    return CentreForm(**{k: (f.get(k) or "")[:400] for k in centres.FIELDS}, active=f.get("active") == "on")


def _new_staff(form: dict, staff_id: int) -> int:
    with session_scope() as session:
        staff = create_staff(
            session,
            email=form["email"],
            name=form["name"],
            role=form["role"],
            password=form["password"] or None,
            phone=form["phone"],
            on_duty=form["on_duty"],
        )
        audit.record(session, staff_id, "add_staff", "staff", staff.id)
        return staff.id


def _edit_staff(target_id: int, form: dict, staff_id: int) -> None:
    with session_scope() as session:
        staff = session.get(Staff, target_id)
        if staff is None:
            raise LookupError("no such staff")
        if target_id == staff_id and (form["role"] != "admin" or not form["active"]):
            raise AccountError("You can't remove your own admin role or deactivate yourself.")
        update_staff(
            session,
            staff,
            name=form["name"],
            phone=form["phone"],
            role=form["role"],
            on_duty=form["on_duty"],
            active=form["active"],
        )
        if form.get("password"):
            set_password(session, staff, form["password"])
        audit.record(session, staff_id, "edit_staff", "staff", staff.id)


def _unlock(target_id: int, staff_id: int) -> None:
    with session_scope() as session:
        staff = session.get(Staff, target_id)
        if staff is None:
            raise LookupError("no such staff")
        unlock(session, staff)
        audit.record(session, staff_id, "unlock_staff", "staff", staff.id)


def _duty(target_id: int, on: bool, staff_id: int) -> None:
    with session_scope() as session:
        staff = session.get(Staff, target_id)
        if staff is None:
            raise LookupError("no such staff")
        staff.on_duty = on and staff.active
        audit.record(session, staff_id, "duty_on" if on else "duty_off", "staff", staff.id)


def _staff_form(request) -> dict:
    f = request.form
    role = f.get("role") if f.get("role") in {r.value for r in StaffRole} else None
    return {
        "email": (f.get("email") or "")[:254],
        "name": (f.get("name") or "")[:200],
        "phone": (f.get("phone") or "")[:40],
        "role": role or "keyworker",
        "password": (f.get("password") or "")[:300],
        "on_duty": f.get("on_duty") == "on",
        "active": f.get("active") == "on",
    }


@bp.post("/me/duty", name="my_duty")
@staff_only()
async def my_duty(request):
    """Any keyworker can say they are on or off duty (who gets urgent alerts)."""
    me = request.ctx.me
    return await act(
        request,
        "person",
        _duty,
        me.staff_id,
        request.form.get("on_duty") == "on",
        me.staff_id,
        then="staff_alerts.alerts",
        ok="saved",
    )


@bp.get("/admin", name="admin")
@staff_only("admin")
async def admin_home(request):
    return response.redirect(request.app.url_for("staff_admin.centres"))


# Centres
@bp.get("/admin/centres", name="centres")
@staff_only("admin")
async def centre_list(request):
    return page(request, "admin/centres.html", centres=await run_db(_centres))


@bp.get("/admin/centres/new", name="centre_new")
@staff_only("admin")
async def centre_new(request):
    return page(
        request, "admin/centre_form.html", form=CentreForm(), centre_id=None, errors={}, boroughs=_borough_names()
    )


@bp.get("/admin/centres/<centre_id:int>", name="centre_edit")
@staff_only("admin")
async def centre_edit(request, centre_id: int):
    centre = await load_or_404("centre", _centre, centre_id)
    return page(
        request,
        "admin/centre_form.html",
        form=CentreForm.from_centre(centre),
        centre_id=centre_id,
        errors={},
        boroughs=_borough_names(),
    )


@bp.post("/admin/centres/save", name="centre_save")
@staff_only("admin")
async def centre_save(request):
    centre_id = form_id(request, "centre_id", "centre")  # none: a new centre
    form = _centre_form(request)
    try:
        return await act(
            request,
            "centre",
            _save_centre,
            centre_id,
            form,
            request.ctx.me.staff_id,
            then="staff_admin.centres",
            ok="saved",
        )
    except FormErrors as exc:
        return page(
            request,
            "admin/centre_form.html",
            status=400,
            form=form,
            centre_id=centre_id,
            errors=exc.errors,
            boroughs=_borough_names(),
        )


# Coverage
@bp.get("/admin/coverage", name="coverage")
@staff_only("admin")
async def coverage_page(request):
    return page(request, "admin/coverage.html", rows=await run_db(_coverage))


@bp.post("/admin/coverage", name="coverage_save")
@staff_only("admin")
async def coverage_save(request):
    codes = set(request.form.getlist("covered") or [])
    try:
        await run_db(_set_coverage, codes, request.ctx.me.staff_id)
    except ValueError:
        return error_page(request, 400, "That borough is not on the list. Nothing was changed.")
    return see_other(request, "staff_admin.coverage", ok="saved")


# Staff accounts and duty
@bp.get("/admin/staff", name="staff_list")
@staff_only("admin")
async def staff_list(request):
    return page(request, "admin/staff.html", people=await run_db(_staff_list), roles=[r.value for r in StaffRole])


@bp.get("/admin/staff/<target_id:int>", name="staff_edit")
@staff_only("admin")
async def staff_edit(request, target_id: int, error: str | None = None, status: int = 200):
    person = await load_or_404("person", _staff, target_id)
    return page(
        request, "admin/staff_edit.html", status=status, person=person, error=error, roles=[r.value for r in StaffRole]
    )


@bp.post("/admin/staff/new", name="staff_new")
@staff_only("admin")
async def staff_new(request):
    try:
        await run_db(_new_staff, _staff_form(request), request.ctx.me.staff_id)
    except AccountError as exc:
        return page(
            request,
            "admin/staff.html",
            status=400,
            people=await run_db(_staff_list),
            roles=[r.value for r in StaffRole],
            error=str(exc),
            form=_staff_form(request),
        )
    return see_other(request, "staff_admin.staff_list", ok="saved")


@bp.post("/admin/staff/<target_id:int>", name="staff_save")
@staff_only("admin")
async def staff_save(request, target_id: int):
    try:
        return await act(
            request,
            "person",
            _edit_staff,
            target_id,
            _staff_form(request),
            request.ctx.me.staff_id,
            then="staff_admin.staff_list",
            ok="saved",
        )
    except AccountError as exc:
        return await staff_edit(request, target_id, error=str(exc), status=400)


@bp.post("/admin/staff/<target_id:int>/unlock", name="staff_unlock")
@staff_only("admin")
async def staff_unlock(request, target_id: int):
    return await act(
        request, "person", _unlock, target_id, request.ctx.me.staff_id, then="staff_admin.staff_list", ok="unlocked"
    )


@bp.post("/admin/staff/<target_id:int>/duty", name="staff_duty")
@staff_only("admin")
async def staff_duty(request, target_id: int):
    return await act(
        request,
        "person",
        _duty,
        target_id,
        request.form.get("on_duty") == "on",
        request.ctx.me.staff_id,
        then="staff_admin.staff_list",
        ok="saved",
    )


@bp.get("/admin/audit", name="audit")
@staff_only("admin")
async def audit_page(request):
    return page(request, "admin/audit.html", rows=await run_db(_audit_rows))
