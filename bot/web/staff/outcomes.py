"""Outcome readings in the staff app: the panel on the case page (a radar plot and the
same numbers as a table), a keyworker's reading from a meeting or correction of one, and the admins' page
that edits the instrument (areas, questions, the scale text). Logic is in
bot/staff/outcomes.py; each change and its audit row are one transaction."""

from __future__ import annotations

import yaml
from sanic import Blueprint, response
from sqlalchemy.orm import Session

from bot.dates import today_london
from bot.db.crud import outcomes as crud
from bot.db.crud.outcomes import MAX_AREA_NAME, MAX_AREAS, MAX_NAME, MAX_QUESTION, MAX_SCALE, InstrumentError
from bot.db.models import Need, Referral
from bot.db.session import run_db, session_scope
from bot.staff import outcomes
from bot.staff.outcomes import STAGE_WORDS, ReadingError
from bot.staff.reports import NEED_NAMES
from bot.web.staff import radar
from bot.web.staff.handlers import Missing, see_other
from bot.web.staff.render import page
from bot.web.staff.security import staff_only

bp = Blueprint("staff_outcomes")

MAX_FIELD = 2000  # far over every limit: counted and refused with the real length, not cut silently
NEED_CHOICES = [("", "None")] + [(n.value, NEED_NAMES[n]) for n in Need]


def _date_words(day) -> str:
    return day.strftime("%d %b %Y").lstrip("0")


def case_panel(session: Session, referral_id: int) -> dict:
    """What the case page's outcomes panel shows (outcomes_panel.html): read in the case's session."""
    found = outcomes.for_case(session, referral_id)
    areas = found.areas
    readings = found.readings
    labels = [f"{_date_words(r.taken_on)}, {STAGE_WORDS[r.stage].lower()}" for r in readings]
    plot = radar.build(
        [a.name for a in areas], [(label, [r.scores.get(a.id) for a in areas]) for label, r in zip(labels, readings)]
    )
    rows = []
    for n, area in enumerate(areas, start=1):
        given = [r.scores[area.id] for r in readings if area.id in r.scores]
        change = given[-1] - given[0] if len(given) > 1 else None
        rows.append(
            {
                "number": n,
                "name": area.name,
                "retired": area.retired,
                "scores": [r.scores.get(area.id) for r in readings],
                "change": f"{change:+d}" if change is not None else "",
            }
        )
    latest = readings[-1] if readings else None
    desc = ""
    if latest is not None:
        said = "; ".join(f"{a.name} {latest.scores[a.id]}" for a in areas if a.id in latest.scores)
        desc = (
            f"{len(readings)} reading{'s' if len(readings) > 1 else ''} over {len(areas)} areas, 1 at the centre and "
            f"10 at the edge. The latest, {labels[-1]}, is drawn strongest: {said}. The table gives every score."
        )
    return {
        "instrument": found.instrument,
        "readings": readings,
        "labels": labels,
        "radar": plot,
        "rows": rows,
        "desc": desc,
        "stage_words": STAGE_WORDS,
        "corrections": found.corrections,
    }


# ---- a keyworker's reading from a meeting ----------------------------------------------


def _form_data(referral_id: int, reading_id: int | None = None):
    """The form's page: her case, the instrument, the areas asked (a correction also keeps any
    retired area the reading scored) and, for a correction, the reading."""
    with session_scope() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            return None
        instrument = crud.get_instrument(session)
        reading = None
        if reading_id is not None:
            reading = outcomes.reading_of_case(session, referral_id, reading_id)
            if reading is None:
                return None
        scored = set(reading.scores) if reading else set()
        areas = [a for a in (instrument.areas if instrument else ()) if not a.retired or a.id in scored]
        return {
            "reference": referral.reference,
            "name": referral.woman.preferred_name,
            "instrument": instrument,
            "areas": areas,
            "reading": reading,
        }


def _add(referral_id: int, taken_on: str, stage: str, scores: dict[int, str], staff_id: int) -> None:
    with session_scope() as session:
        outcomes.add_reading(session, referral_id, taken_on, stage, scores, staff_id)


def _correct(
    referral_id: int, reading_id: int, taken_on: str, stage: str, scores: dict[int, str], staff_id: int
) -> None:
    with session_scope() as session:
        outcomes.correct_reading(session, referral_id, reading_id, taken_on, stage, scores, staff_id)


def _posted(form) -> tuple[str, str, dict[int, str]]:
    """The form's date, stage and scores (score_<area id>), each cut to a sane length."""
    scores: dict[int, str] = {}
    for name in list(form.keys())[:100]:
        if name.startswith("score_") and name[6:].isdigit() and len(name) < 16:
            scores[int(name[6:])] = (form.get(name) or "")[:4]
    return (form.get("taken_on") or "")[:20], (form.get("stage") or "")[:20], scores


async def _reading_page(
    request, referral_id: int, errors=(), values=None, status: int = 200, reading_id: int | None = None
):
    data = await run_db(_form_data, referral_id, reading_id)
    if data is None:
        raise Missing("reading" if reading_id else "case")
    if values is None and data["reading"] is not None:
        r = data["reading"]
        values = {
            "taken_on": r.taken_on.isoformat(),
            "stage": r.stage,
            "scores": {a: str(v) for a, v in r.scores.items()},
        }
    return page(
        request,
        "outcomes_form.html",
        status=status,
        referral_id=referral_id,
        errors=list(errors),
        values=values or {"taken_on": today_london().isoformat(), "stage": "review", "scores": {}},
        stage_words=STAGE_WORDS,
        **data,
    )


@bp.get("/cases/<referral_id:int>/outcomes/new", name="reading_form")
@staff_only()
async def reading_form(request, referral_id: int):
    return await _reading_page(request, referral_id)


@bp.post("/cases/<referral_id:int>/outcomes", name="reading_add")
@staff_only()
async def reading_add(request, referral_id: int):
    taken_on, stage, scores = _posted(request.form)
    try:
        await run_db(_add, referral_id, taken_on, stage, scores, request.ctx.me.staff_id)
    except LookupError:
        raise Missing("case") from None
    except ReadingError as exc:
        values = {"taken_on": taken_on, "stage": stage, "scores": scores}
        return await _reading_page(request, referral_id, exc.errors, values, status=400)
    return see_other(request, "staff_cases.case", referral_id=referral_id, _anchor="outcomes")


@bp.get("/cases/<referral_id:int>/outcomes/<reading_id:int>/edit", name="reading_edit")
@staff_only()
async def reading_edit(request, referral_id: int, reading_id: int):
    return await _reading_page(request, referral_id, reading_id=reading_id)


@bp.post("/cases/<referral_id:int>/outcomes/<reading_id:int>", name="reading_correct")
@staff_only()
async def reading_correct(request, referral_id: int, reading_id: int):
    taken_on, stage, scores = _posted(request.form)
    try:
        await run_db(_correct, referral_id, reading_id, taken_on, stage, scores, request.ctx.me.staff_id)
    except LookupError:
        raise Missing("reading") from None
    except ReadingError as exc:
        values = {"taken_on": taken_on, "stage": stage, "scores": scores}
        return await _reading_page(request, referral_id, exc.errors, values, status=400, reading_id=reading_id)
    return see_other(request, "staff_cases.case", referral_id=referral_id, _anchor="outcomes")


# ---- the instrument, kept by admins ----------------------------------------------------


def _instrument():
    with session_scope() as session:
        return crud.get_instrument(session)


def _keys(found) -> set[str]:
    """The areas' keys already in use: fixed on the form (readings are kept by them)."""
    return {a.key for a in found.areas} if found else set()


def _save(spec: dict, staff_id: int) -> None:
    with session_scope() as session:
        outcomes.save_instrument(session, spec, staff_id, "edit_outcome_instrument")


def _spec_from_form(form) -> dict:
    """The admin's form as an instrument spec: rows in the order of their position numbers."""
    rows = []
    for i in range(MAX_AREAS * 3):  # the areas there are (retired too) and one new row
        key = (form.get(f"key_{i}") or "").strip()[:80]
        name, question = (form.get(f"name_{i}") or "")[:MAX_FIELD], (form.get(f"question_{i}") or "")[:MAX_FIELD]
        if not (key or name.strip() or question.strip()):
            continue
        try:
            position = int(form.get(f"position_{i}") or 1000 + i)
        except ValueError:
            position = 1000 + i
        area = {"key": key, "name": name, "question": question, "need": (form.get(f"need_{i}") or "")[:40]}
        area["retired"] = form.get(f"retired_{i}") == "yes"
        rows.append((position, i, area))
    return {
        "name": (form.get("name") or "")[:MAX_FIELD],
        "scale": (form.get("scale") or "")[:MAX_FIELD],
        "sample": form.get("sample") == "yes",
        "areas": [area for _, _, area in sorted(rows, key=lambda r: (r[0], r[1]))],
    }


def _admin_page(request, spec: dict | None, known: set[str], errors=(), status: int = 200, saved: bool = False):
    return page(
        request,
        "outcomes_admin.html",
        status=status,
        spec=spec,
        errors=list(errors),
        saved=saved,
        known=known,
        need_choices=NEED_CHOICES,
        limits={"name": MAX_NAME, "area": MAX_AREA_NAME, "question": MAX_QUESTION, "scale": MAX_SCALE},
    )


@bp.get("/admin/outcomes", name="instrument")
@staff_only(role="admin")
async def instrument(request):
    found = await run_db(_instrument)
    spec = crud.spec_of(found) if found else None
    return _admin_page(request, spec, _keys(found), saved=request.args.get("done") == "saved")


@bp.post("/admin/outcomes", name="instrument_save")
@staff_only(role="admin")
async def instrument_save(request):
    spec = _spec_from_form(request.form)
    try:
        await run_db(_save, spec, request.ctx.me.staff_id)
    except InstrumentError as exc:
        return _admin_page(request, spec, _keys(await run_db(_instrument)), exc.errors, status=400)
    return see_other(request, "staff_outcomes.instrument", done="saved")


@bp.get("/admin/outcomes.yml", name="instrument_yml")
@staff_only(role="admin")
async def instrument_yml(request):
    """The instrument in use as a file in the shape `python -m bot.staff.outcomes load` takes."""
    found = await run_db(_instrument)
    if found is None:
        raise Missing("outcome instrument")
    return response.text(
        yaml.safe_dump(crud.spec_of(found), sort_keys=False, allow_unicode=True),
        content_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="outcome-instrument.yml"'},
    )
