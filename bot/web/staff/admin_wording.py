"""Our languages: every text Elpis sends, in each language beside the English, who wrote and
who checked it; an admin corrects a text (live in every process within seconds, no
retraining) or a knowledge answer's translation. Data access is bot/db/crud/wording.py
and bot/db/crud/knowledge_translations.py; each change and its audit row are one transaction."""

from __future__ import annotations

from sanic import Blueprint

from bot.db.crud import knowledge, wording
from bot.db.crud import knowledge_translations as translations
from bot.db.crud.admin_input import InputErrors
from bot.db.session import run_db, session_scope
from bot.staff import audit
from bot.web.staff.handlers import Missing, load_or_404, see_other
from bot.web.staff.render import page
from bot.web.staff.security import staff_only
from bot.wording.catalogue import DEFAULT_LANGUAGE, catalogue, languages
from bot.wording.languages import all_languages, language

bp = Blueprint("staff_wording")

MAX_FIELD = 4000
NOTES = {
    "saved": "Saved. Elpis uses this wording within a few seconds, on every channel.",
    "undone": "Correction removed: Elpis uses the catalogue's wording again.",
}


def _code(code: str) -> str:
    if code not in languages() or code == DEFAULT_LANGUAGE:
        raise Missing("language")
    return code


def _key(key: str) -> str:
    if key not in catalogue(DEFAULT_LANGUAGE) or key.startswith("alerts."):
        raise Missing("text")
    return key


def _overview():
    with session_scope() as session:
        fixes = wording.all_corrections(session)
    return [
        {
            "lang": lang,
            "texts": len(catalogue(lang.code)),
            "corrections": sum(1 for code, _ in fixes if code == lang.code),
        }
        for lang in all_languages()
        if lang.code != DEFAULT_LANGUAGE
    ]


def _language_page(code: str):
    with session_scope() as session:
        rows = wording.rows_for_page(session, code)
        answers = []
        for answer in knowledge.list_answers(session):
            if answer.retired:
                continue
            found = translations.translation(session, answer.id, code)
            answers.append({"answer": answer, "translation": found})
    return rows, answers


def _save_text(code: str, key: str, text: str, titles: list[str], staff_id: int) -> None:
    with session_scope() as session:
        wording.save(session, code, key, text, titles, staff_id)
        audit.record(session, staff_id, f"correct_wording {code}:{key}", "wording", None)
    wording.changed()


def _undo_text(code: str, key: str, staff_id: int) -> None:
    with session_scope() as session:
        wording.remove(session, code, key)
        audit.record(session, staff_id, f"undo_wording {code}:{key}", "wording", None)
    wording.changed()


def _answer(code: str, topic: str):
    with session_scope() as session:
        answer = knowledge.get_answer(session, topic)
        if answer is None:
            return None
        return answer, translations.translation(session, answer.id, code)


def _save_answer(code: str, topic: str, form: dict, staff_id: int, staff_name: str) -> None:
    with session_scope() as session:
        answer = knowledge.get_answer(session, topic)
        if answer is None:
            raise LookupError(topic)
        translations.save_translation(
            session,
            answer.id,
            code,
            title=form["title"],
            text=form["text"],
            next_titles=form["next"],
            staff_name=staff_name,
        )
        audit.record(session, staff_id, f"translate_answer {code}", "answer", answer.id)


@bp.get("/admin/languages", name="languages")
@staff_only("admin")
async def languages_list(request):
    return page(request, "admin/languages.html", items=await run_db(_overview))


@bp.get("/admin/languages/<code:str>", name="language")
@staff_only("admin")
async def language_page(request, code: str):
    rows, answers = await run_db(_language_page, _code(code))
    return page(
        request,
        "admin/language.html",
        lang=language(code),
        rows=rows,
        answers=answers,
        note=NOTES.get(request.args.get("done", "")),
    )


async def _text_page(
    request, code: str, key: str, form: dict | None = None, errors: list[str] | None = None, status: int = 200
):
    row = await run_db(_row, code, key)
    shown = form or {"text": row["text"], "buttons": row["buttons"]}
    return page(
        request,
        "admin/language_text.html",
        status=status,
        lang=language(code),
        row=row,
        form=shown,
        errors=errors or [],
    )


def _row(code: str, key: str) -> dict:
    with session_scope() as session:
        return next(r for r in wording.rows_for_page(session, code) if r["key"] == key)


@bp.get("/admin/languages/<code:str>/texts/<key:str>", name="text_edit")
@staff_only("admin")
async def text_edit(request, code: str, key: str):
    return await _text_page(request, _code(code), _key(key))


@bp.post("/admin/languages/<code:str>/texts/<key:str>", name="text_save")
@staff_only("admin")
async def text_save(request, code: str, key: str):
    code, key = _code(code), _key(key)
    form = {
        "text": (request.form.get("text") or "")[:MAX_FIELD],
        "buttons": [t[:MAX_FIELD] for t in request.form.getlist("button") or []],
    }
    try:
        await run_db(_save_text, code, key, form["text"], form["buttons"], request.ctx.me.staff_id)
    except InputErrors as exc:
        return await _text_page(request, code, key, form, exc.errors, status=400)
    return see_other(request, "staff_wording.language", code=code, done="saved")


@bp.post("/admin/languages/<code:str>/texts/<key:str>/undo", name="text_undo")
@staff_only("admin")
async def text_undo(request, code: str, key: str):
    await run_db(_undo_text, _code(code), _key(key), request.ctx.me.staff_id)
    return see_other(request, "staff_wording.language", code=code, done="undone")


def _answer_page(request, code, answer, found, form=None, errors=None, status=200):
    shown = form or {
        "title": found.title if found else answer.title,
        "text": found.text if found else answer.text,
        "next": list(found.next_titles) if found else [s.title for s in answer.next],
    }
    return page(
        request,
        "admin/language_answer.html",
        status=status,
        lang=language(code),
        answer=answer,
        translation=found,
        form=shown,
        errors=errors or [],
    )


@bp.get("/admin/languages/<code:str>/answers/<topic:str>", name="answer_edit")
@staff_only("admin")
async def answer_edit(request, code: str, topic: str):
    answer, found = await load_or_404("answer", _answer, _code(code), topic)
    return _answer_page(request, code, answer, found)


@bp.post("/admin/languages/<code:str>/answers/<topic:str>", name="answer_save")
@staff_only("admin")
async def answer_save(request, code: str, topic: str):
    answer, found = await load_or_404("answer", _answer, _code(code), topic)
    form = {
        "title": (request.form.get("title") or "")[:MAX_FIELD],
        "text": (request.form.get("answer") or "")[:MAX_FIELD],
        "next": [t[:MAX_FIELD] for t in request.form.getlist("next_title") or []],
    }
    try:
        await run_db(_save_answer, code, topic, form, request.ctx.me.staff_id, request.ctx.me.name)
    except InputErrors as exc:
        return _answer_page(request, code, answer, found, form, exc.errors, status=400)
    except LookupError:
        raise Missing("answer") from None
    return see_other(request, "staff_wording.language", code=code, done="saved")
