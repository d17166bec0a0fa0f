"""The assistant's answers to questions (knowledge base): list with "check due",
edit (the bot gives the new wording at once), wording history, add a topic,
retire or bring back, mark as checked. Data access is bot/db/crud/knowledge.py;
each change and its audit row are one transaction."""

from __future__ import annotations

from sanic import Blueprint

from bot.db.crud import knowledge
from bot.db.crud.knowledge import EditConflict, KnowledgeError
from bot.db.models import KnowledgePolice
from bot.db.session import run_db, session_scope
from bot.staff import audit
from bot.web.staff.handlers import Missing, act, load_or_404, see_other
from bot.web.staff.render import page
from bot.web.staff.security import parse_id, staff_only

bp = Blueprint("staff_knowledge")

MAX_FIELD = 4000  # far over every limit: counted and refused with the real length, not cut silently

# What each allowed next step does, for the form's choices.
LIMITS = {
    "answer": knowledge.MAX_ANSWER_CHARS,
    "title": knowledge.MAX_TITLE_CHARS,
    "button": knowledge.MAX_BUTTON_CHARS,
    "next": knowledge.MAX_NEXT,
}
NEXT_LABELS = {
    "/self_refer": "start her self-referral",
    "/police_referral": "register her police referral (caution)",
    "/book_appointment": "book an appointment",
    "/reschedule_appointment": "move her appointment",
    "/check_appointment": "tell her when her appointment is",
    "/find_service": "find help near her",
    "/human_handoff": "ask for a person",
    "/my_data_summary": "what we hold about her",
    "/delete_my_data": "delete her data",
    "/stop_texts": "stop texts",
}
POLICE_LABELS = {
    KnowledgePolice.NONE.value: "says nothing about the police",
    KnowledgePolice.CAUTION.value: "caution: the police are told of attendance only",
    KnowledgePolice.SELF.value: "self-referral: the police are told nothing",
    KnowledgePolice.BOTH.value: "both (caution and self-referral)",
}
# ?done=<code> after a redirect -> the note shown (never user input echoed back).
NOTES = {
    "saved": "Saved. The assistant gives this wording from now on.",
    "same": "Nothing changed: the wording was already this.",
    "added": "Topic added. The assistant gives it once it is trained to recognise questions about it.",
    "checked": "Marked as checked: not due again for a year.",
    "retired": "Retired: the assistant no longer gives this answer.",
    "unretired": "Back in use: the assistant gives this answer again.",
}


def _form(request) -> dict:
    f = request.form
    titles = f.getlist("next_title") or []
    payloads = f.getlist("next_payload") or []
    steps = [
        ((titles[i] if i < len(titles) else "")[:MAX_FIELD], (payloads[i] if i < len(payloads) else "")[:80])
        for i in range(min(max(len(titles), len(payloads)), 20))
    ]
    return {
        "topic_id": (f.get("topic_id") or "").strip()[:80],
        "title": (f.get("title") or "")[:MAX_FIELD],
        "text": (f.get("answer") or "")[:MAX_FIELD],
        "next": steps,
        "police": (f.get("police") or "")[:20],
    }


def _rows_for_form(steps) -> list[tuple[str, str]]:
    """The next-step rows shown: what there is, then blanks up to the most allowed."""
    rows = [(s.title, s.payload) if hasattr(s, "payload") else tuple(s) for s in steps]
    return rows + [("", "")] * max(0, knowledge.MAX_NEXT - len(rows))


def _list():
    with session_scope() as session:
        return knowledge.list_answers(session)


def _get(topic: str):
    with session_scope() as session:
        return knowledge.get_answer(session, topic)


def _history(topic: str):
    with session_scope() as session:
        answer = knowledge.get_answer(session, topic)
        return (answer, knowledge.history(session, topic)) if answer else None


def _save(topic: str, form: dict, based_on: int | None, staff_id: int) -> bool:
    """True when a new wording was saved (False: it was the same)."""
    with session_scope() as session:
        answer = knowledge.save_edit(
            session,
            topic,
            title=form["title"],
            text=form["text"],
            next_steps=form["next"],
            staff_id=staff_id,
            based_on=based_on,
        )
        if answer.version == based_on:
            return False
        audit.record(session, staff_id, "edit_answer", "answer", answer.id)
        return True


def _add(form: dict, staff_id: int) -> str:
    with session_scope() as session:
        answer = knowledge.add_topic(
            session,
            topic_id=form["topic_id"],
            title=form["title"],
            text=form["text"],
            next_steps=form["next"],
            police=form["police"],
            staff_id=staff_id,
        )
        audit.record(session, staff_id, "add_answer", "answer", answer.id)
        return answer.topic_id


def _retire(topic: str, retired: bool, staff_id: int) -> None:
    with session_scope() as session:
        answer = knowledge.set_retired(session, topic, retired)
        audit.record(session, staff_id, "retire_answer" if retired else "unretire_answer", "answer", answer.id)


def _check(topic: str, staff_id: int) -> None:
    with session_scope() as session:
        answer = knowledge.mark_checked(session, topic, staff_id)
        audit.record(session, staff_id, "check_answer", "answer", answer.id)


def _known(topic: str) -> str:
    """The topic a page names, when it is shaped like one; 404 otherwise (before asking the database)."""
    if not knowledge.TOPIC_ID_RE.fullmatch(topic):
        raise Missing("answer")
    return topic


def _edit_page(
    request,
    answer,
    form: dict | None = None,
    errors: list[str] | None = None,
    status: int = 200,
    unsaved: dict | None = None,
):
    shown = form or {"title": answer.title, "text": answer.text, "next": answer.next}
    return page(
        request,
        "admin/knowledge_form.html",
        status=status,
        answer=answer,
        form=shown,
        rows=_rows_for_form(shown["next"]),
        errors=errors or [],
        unsaved=unsaved,
        next_labels=NEXT_LABELS,
        police_labels=POLICE_LABELS,
        limits=LIMITS,
        note=NOTES.get(request.args.get("done", "")),
    )


def _new_page(request, form: dict | None = None, errors: list[str] | None = None, status: int = 200):
    form = form or {"topic_id": "", "title": "", "text": "", "next": [], "police": KnowledgePolice.NONE.value}
    return page(
        request,
        "admin/knowledge_form.html",
        status=status,
        answer=None,
        form=form,
        rows=_rows_for_form(form["next"]),
        errors=errors or [],
        unsaved=None,
        next_labels=NEXT_LABELS,
        police_labels=POLICE_LABELS,
        limits=LIMITS,
        note=None,
    )


def _back_to_answer(request, topic: str, done: str):
    """303 to the answer's page with a note (?done=<code>, see NOTES)."""
    return see_other(request, "staff_knowledge.knowledge_edit", topic=topic, done=done)


@bp.get("/admin/knowledge", name="knowledge")
@staff_only("admin")
async def knowledge_list(request):
    answers = await run_db(_list)
    return page(
        request,
        "admin/knowledge.html",
        live=[a for a in answers if not a.retired],
        retired=[a for a in answers if a.retired],
        police_labels=POLICE_LABELS,
        note=NOTES.get(request.args.get("done", "")),
    )


@bp.get("/admin/knowledge/new", name="knowledge_new")
@staff_only("admin")
async def knowledge_new(request):
    return _new_page(request)


@bp.post("/admin/knowledge/new", name="knowledge_add")
@staff_only("admin")
async def knowledge_add(request):
    form = _form(request)
    try:
        topic = await run_db(_add, form, request.ctx.me.staff_id)
    except KnowledgeError as exc:
        return _new_page(request, form, exc.errors, status=400)
    return _back_to_answer(request, topic, "added")


@bp.get("/admin/knowledge/<topic:str>", name="knowledge_edit")
@staff_only("admin")
async def knowledge_edit(request, topic: str):
    return _edit_page(request, await load_or_404("answer", _get, _known(topic)))


@bp.post("/admin/knowledge/<topic:str>", name="knowledge_save")
@staff_only("admin")
async def knowledge_save(request, topic: str):
    answer = await load_or_404("answer", _get, _known(topic))
    form = _form(request)
    based_on = parse_id(request.form.get("version"))
    if based_on is None:
        return _edit_page(
            request,
            answer,
            form,
            ["This form was missing its version. Reload the page and make your change again."],
            status=400,
        )
    try:
        saved = await run_db(_save, topic, form, based_on, request.ctx.me.staff_id)
    except EditConflict as exc:
        # Show the newer wording to edit, and keep hers so nothing typed is lost.
        return _edit_page(request, await run_db(_get, topic), errors=exc.errors, status=409, unsaved=form)
    except KnowledgeError as exc:
        return _edit_page(request, answer, form, exc.errors, status=400)
    except LookupError:
        raise Missing("answer") from None
    return _back_to_answer(request, topic, "saved" if saved else "same")


@bp.get("/admin/knowledge/<topic:str>/history", name="knowledge_history")
@staff_only("admin")
async def knowledge_history(request, topic: str):
    answer, versions = await load_or_404("answer", _history, _known(topic))
    return page(request, "admin/knowledge_history.html", answer=answer, versions=versions)


@bp.post("/admin/knowledge/<topic:str>/retire", name="knowledge_retire")
@staff_only("admin")
async def knowledge_retire(request, topic: str):
    retired = request.form.get("retired") == "on"
    return await act(
        request,
        "answer",
        _retire,
        _known(topic),
        retired,
        request.ctx.me.staff_id,
        then="staff_knowledge.knowledge_edit",
        topic=topic,
        done="retired" if retired else "unretired",
    )


@bp.post("/admin/knowledge/<topic:str>/check", name="knowledge_check")
@staff_only("admin")
async def knowledge_check(request, topic: str):
    return await act(
        request,
        "answer",
        _check,
        _known(topic),
        request.ctx.me.staff_id,
        then="staff_knowledge.knowledge_edit",
        topic=topic,
        done="checked",
    )
