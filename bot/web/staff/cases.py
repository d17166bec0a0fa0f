"""Cases: search, one case in plain words (contact preferences first, the caution panel,
appointments in date order, keyworkers' notes), attendance, notes, status, closing, her
keyworker, a re-arrest, and her check-ins and survey (ask now, cancel)."""

from __future__ import annotations

from sanic import Blueprint
from sqlalchemy import select

from bot.appointments import reminders
from bot.db.models import AuditLog, Referral, ReferralStatus
from bot.db.session import run_db, session_scope
from bot.privacy import shared_numbers
from bot.privacy.erasure import erase_woman
from bot.privacy.summary import summary_lines
from bot.staff import case_notes, keyworker, support_invitations
from bot.staff import cases as case_logic
from bot.staff.case_notes import NoteError
from bot.staff.cases import CaseQuery, RearrestError
from bot.staff.keyworker import KeyworkerError
from bot.staff.support_invitations import InvitationError
from bot.web.staff.handlers import act, load_or_404
from bot.web.staff.outcomes import case_panel as outcomes_panel
from bot.web.staff.render import page, page_number
from bot.web.staff.security import error_page, parse_id, staff_only

bp = Blueprint("staff_cases")


def appointments_module():
    """The appointments area's view helpers, once that area is installed."""
    try:
        from bot.staff import appointments_view
    except ImportError:  # pragma: no cover - depends on what has landed
        return None
    return appointments_view


def _search(query: CaseQuery):
    with session_scope() as session:
        rows, total = case_logic.search_cases(session, query)
        boroughs = case_logic.boroughs_in_use(session)
        return (
            [
                {
                    "id": r.id,
                    "reference": r.reference,
                    "name": r.woman.preferred_name,
                    "borough": r.borough,
                    "status": case_logic.STATUS_WORDS[r.status.value],
                    "pathway": case_logic.pathway_words(r),
                    "created_at": r.created_at,
                }
                for r in rows
            ],
            total,
            boroughs,
        )


def _case(referral_id: int, staff_id: int):
    with session_scope() as session:
        referral = case_logic.get_case(session, referral_id, staff_id)
        if referral is None:
            return None
        woman = referral.woman
        return {
            "referral": referral,
            "woman": woman,
            "needs": case_logic.needs_words(referral.need_values),
            "pathway": case_logic.pathway_words(referral),
            "alerts": case_logic.case_alerts(session, referral),
            "appointments": case_logic.appointment_rows(session, referral.id),
            "caution": case_logic.caution_panel(session, referral),
            "notes": case_notes.for_case(session, referral.id),
            "outcomes": outcomes_panel(session, referral.id),
            "keyworker_name": keyworker.name_of(session, referral),
            "keyworker_choices": keyworker.choices(session),
            "invitations": support_invitations.for_case(session, referral.id),
            "shared_with": len(shared_numbers.others_on_number(session, woman)),
            "shared_held": shared_numbers.is_held(session, woman),
        }


def _texts_may_name_service(referral_id: int, allowed: bool, staff_id: int) -> None:
    """Record her choice (asked apart from 'safe to text'); queued reminders are reworded."""
    with session_scope() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise LookupError("no such case")
        woman = referral.woman
        woman.texts_may_name_service = allowed
        session.add(
            AuditLog(
                actor_type="staff",
                actor_id=staff_id,
                action="texts_may_name_service_set",
                subject_type="woman",
                subject_id=woman.id,
            )
        )
        session.flush()
        reminders.refresh_for(session, woman)


def _clear_shared(referral_id: int, staff_id: int) -> None:
    with session_scope() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise LookupError("no such case")
        shared_numbers.clear(session, referral.woman_id, staff_id)


def _add_note(referral_id: int, text: str, staff_id: int) -> None:
    with session_scope() as session:
        case_notes.add(session, referral_id, text, staff_id)


def _set_status(referral_id: int, status: str, staff_id: int) -> None:
    with session_scope() as session:
        case_logic.set_status(session, referral_id, status, staff_id)


def _mark(referral_id: int, appointment_id: int, outcome: str, staff_id: int) -> None:
    module = appointments_module()
    with session_scope() as session:
        module.mark_attendance(session, referral_id, appointment_id, outcome, staff_id)


def _set_keyworker(referral_id: int, keyworker_id: int | None, staff_id: int) -> None:
    with session_scope() as session:
        keyworker.set_keyworker(session, referral_id, keyworker_id, staff_id)


def _rearrest(referral_id: int, raw_day: str, staff_id: int) -> None:
    with session_scope() as session:
        case_logic.record_rearrest(session, referral_id, raw_day, staff_id)


def _ask_checkin(referral_id: int, staff_id: int) -> None:
    with session_scope() as session:
        support_invitations.create_checkin(session, referral_id, staff_id)


def _cancel_invitation(referral_id: int, invitation_id: int, staff_id: int) -> None:
    with session_scope() as session:
        support_invitations.cancel(session, invitation_id, staff_id, referral_id=referral_id)


def _held(referral_id: int, staff_id: int):
    """What we hold about her (the same summary she gets by message); audited."""
    with session_scope() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            return None
        return referral.reference, summary_lines(session, referral.woman_id, actor_type="staff", actor_id=staff_id)


class Unconfirmed(Exception):
    """The admin did not type the case reference: nothing is deleted."""


def _erase(referral_id: int, confirm: str, staff_id: int) -> None:
    with session_scope() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise LookupError("no such case")
        if confirm.strip().upper() != referral.reference.upper():
            raise Unconfirmed()
        # Her chats as the referrals name them, too: a referral can outlive its conversation row.
        senders = {
            c
            for c in session.execute(
                select(Referral.conversation_id).where(Referral.woman_id == referral.woman_id)
            ).scalars()
            if c
        }
        erase_woman(session, referral.woman_id, actor_type="staff", actor_id=staff_id, sender_ids=senders)


@bp.get("/cases", name="cases")
@staff_only()
async def cases(request):
    page_no = page_number(request)
    query = CaseQuery(
        text=(request.args.get("q") or "")[:80],
        borough=(request.args.get("borough") or "")[:60],
        status=request.args.get("status") or "",
        pathway=request.args.get("pathway") or "",
        page=page_no,
    )
    rows, total, boroughs = await run_db(_search, query)
    return page(
        request,
        "cases.html",
        rows=rows,
        total=total,
        query=query,
        boroughs=boroughs,
        status_words=case_logic.STATUS_WORDS,
        pathway_words=case_logic.PATHWAY_WORDS,
        page_size=case_logic.PAGE_SIZE,
    )


@bp.get("/cases/<referral_id:int>", name="case")
@staff_only()
async def case(request, referral_id: int, error: str | None = None, status: int = 200):
    data = await load_or_404("case", _case, referral_id, request.ctx.me.staff_id)
    return page(
        request,
        "case.html",
        status=status,
        error=error,
        status_words=case_logic.STATUS_WORDS,
        max_note=case_notes.MAX_NOTE,
        **data,
    )


async def _case_action(
    request,
    referral_id: int,
    change,
    *args,
    ok: str = "saved",
    anchor: str | None = None,
    what: str = "case",
    errors: tuple[type[Exception], ...] = (),
):
    """A change to her case: `change(referral_id, *args, staff_id)` (act: audited by the change,
    404 naming `what` if not there), then 303 back to her case with ?ok= (at #anchor).
    One of `errors` shows her case again with its message (400), nothing saved."""
    to_anchor = {"_anchor": anchor} if anchor else {}
    try:
        return await act(
            request,
            what,
            change,
            referral_id,
            *args,
            request.ctx.me.staff_id,
            then="staff_cases.case",
            referral_id=referral_id,
            ok=ok,
            **to_anchor,
        )
    except errors as exc:
        return await case(request, referral_id, error=str(exc), status=400)


@bp.post("/cases/<referral_id:int>/notes", name="case_note")
@staff_only()
async def add_note(request, referral_id: int):
    note = request.form.get("note") or ""
    return await _case_action(request, referral_id, _add_note, note, ok="note", errors=(NoteError,))


@bp.post("/cases/<referral_id:int>/status", name="case_status")
@staff_only()
async def set_status(request, referral_id: int):
    status = request.form.get("status") or ""
    if status not in {s.value for s in ReferralStatus}:
        return await case(request, referral_id, error="Choose a status from the list.", status=400)
    ok = "closed" if status == "closed" else "status"
    return await _case_action(request, referral_id, _set_status, status, ok=ok)


@bp.post("/cases/<referral_id:int>/appointments/<appointment_id:int>/attendance", name="case_attendance")
@staff_only()
async def attendance(request, referral_id: int, appointment_id: int):
    outcome = request.form.get("outcome") or ""
    if appointments_module() is None:
        return error_page(request, 404, "Appointments are not available yet.")
    if outcome not in ("attended", "missed"):
        return await case(request, referral_id, error="Choose attended or missed.", status=400)
    return await _case_action(
        request, referral_id, _mark, appointment_id, outcome, ok="marked", what="appointment", errors=(ValueError,)
    )


@bp.post("/cases/<referral_id:int>/texts-name-service", name="case_texts_name_service")
@staff_only()
async def texts_name_service(request, referral_id: int):
    choice = request.form.get("allowed") or ""
    if choice not in ("yes", "no"):
        return await case(request, referral_id, error="Choose yes or no.", status=400)
    return await _case_action(request, referral_id, _texts_may_name_service, choice == "yes", ok="contact")


@bp.post("/cases/<referral_id:int>/clear-shared-number", name="case_clear_shared")
@staff_only()
async def clear_shared(request, referral_id: int):
    return await _case_action(request, referral_id, _clear_shared, ok="contact")


@bp.post("/cases/<referral_id:int>/keyworker", name="case_keyworker")
@staff_only()
async def set_keyworker(request, referral_id: int):
    raw = request.form.get("keyworker") or ""
    chosen = parse_id(raw) if raw else None
    if raw and chosen is None:
        return await case(request, referral_id, error="Choose her keyworker from the list.", status=400)
    return await _case_action(
        request, referral_id, _set_keyworker, chosen, anchor="keyworker", errors=(KeyworkerError,)
    )


@bp.post("/cases/<referral_id:int>/rearrest", name="case_rearrest")
@staff_only()
async def rearrest(request, referral_id: int):
    raw = "" if request.form.get("clear") == "yes" else (request.form.get("rearrested_on") or "")[:20]
    if not raw and request.form.get("clear") != "yes":
        return await case(request, referral_id, error="Give the date of the re-arrest, like 2026-04-01.", status=400)
    return await _case_action(request, referral_id, _rearrest, raw, anchor="rearrest", errors=(RearrestError,))


@bp.post("/cases/<referral_id:int>/checkins", name="case_ask_checkin")
@staff_only()
async def ask_checkin(request, referral_id: int):
    return await _case_action(request, referral_id, _ask_checkin, anchor="support", errors=(InvitationError,))


@bp.post("/cases/<referral_id:int>/invitations/<invitation_id:int>/cancel", name="case_cancel_invitation")
@staff_only()
async def cancel_invitation(request, referral_id: int, invitation_id: int):
    return await _case_action(
        request,
        referral_id,
        _cancel_invitation,
        invitation_id,
        anchor="support",
        what="invitation",
        errors=(InvitationError,),
    )


# ---- her data rights, done by an admin for her (docs/security.md) --------------------


@bp.get("/cases/<referral_id:int>/data", name="case_data")
@staff_only(role="admin")
async def held(request, referral_id: int):
    reference, lines = await load_or_404("case", _held, referral_id, request.ctx.me.staff_id)
    return page(request, "case_data.html", referral_id=referral_id, reference=reference, lines=lines)


@bp.post("/cases/<referral_id:int>/erase", name="case_erase")
@staff_only(role="admin")
async def erase(request, referral_id: int):
    try:
        return await act(
            request,
            "case",
            _erase,
            referral_id,
            (request.form.get("confirm") or "")[:40],
            request.ctx.me.staff_id,
            then="staff_cases.cases",
            ok="erased",
        )
    except Unconfirmed:
        return await case(
            request,
            referral_id,
            status=400,
            error="Nothing was deleted. To delete her data, type the case reference exactly.",
        )
