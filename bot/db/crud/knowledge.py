"""The knowledge base's answers: first load from answers.yml, the live answer the
bot gives, and what admins do to them (edit, add, retire, mark as checked).

Every saved wording is also a row of knowledge_answer_versions, written in the
same transaction as the change, so the history is whole and the next question
gets the new wording at once (nothing is cached). Audit rows are the caller's
(the staff app writes them in the same unit of work).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.crud.admin_input import CONTROLS, KEY_RE, InputErrors, one_line
from bot.db.models import KnowledgeAnswer, KnowledgeAnswerVersion, KnowledgePolice, Staff
from bot.db.types import utcnow

ANSWERS_YML = Path(__file__).resolve().parents[2] / "knowledge" / "answers.yml"

MAX_ANSWER_CHARS = 320  # two SMS segments; the table's CHECK holds the same limit
MAX_TITLE_CHARS = 80
MAX_BUTTON_CHARS = 40
MAX_NEXT = 3  # what answers.yml uses at most: a short "Reply 1, 2 or 3" on SMS
STALE_AFTER = timedelta(days=365)  # an answer not checked for longer is "check due"
# The intents a next-step button may start: the ones answers.yml uses, each a flow the domain has.
ALLOWED_NEXT = (
    "/self_refer",
    "/police_referral",
    "/book_appointment",
    "/reschedule_appointment",
    "/check_appointment",
    "/find_service",
    "/human_handoff",
    "/my_data_summary",
    "/delete_my_data",
    "/stop_texts",
)
TOPIC_ID_RE = KEY_RE


class KnowledgeError(InputErrors):
    """An answer can't be saved; `errors` says why, one message each (nothing saved)."""


class EditConflict(KnowledgeError):
    """Someone saved a newer wording after this edit began; it was not overwritten."""


@dataclass(frozen=True)
class NextStep:
    title: str
    payload: str


@dataclass(frozen=True)
class Answer:
    id: int
    topic_id: str
    title: str
    text: str
    next: tuple[NextStep, ...]
    police: str
    retired: bool
    version: int
    last_checked_by: str | None
    last_checked_at: datetime | None
    updated_at: datetime
    stale: bool

    def buttons(self) -> list[dict]:
        """The next steps as Rasa buttons."""
        return [{"title": step.title, "payload": step.payload} for step in self.next]


@dataclass(frozen=True)
class Version:
    version: int
    title: str
    text: str
    next: tuple[NextStep, ...]
    saved_by: str | None  # None: loaded from answers.yml
    saved_at: datetime


def is_stale(last_checked_at: datetime | None, now: datetime | None = None) -> bool:
    """Never checked, or checked more than a year ago."""
    return last_checked_at is None or (now or utcnow()) - last_checked_at > STALE_AFTER


# --- Checking input ----------------------------------------------------------------------


def _steps(next_steps: Iterable) -> list[tuple[str, str]]:
    out = []
    for step in next_steps or ():
        if isinstance(step, dict):
            step = (step.get("title"), step.get("payload"))
        title, payload = step
        out.append((one_line(title), str(payload or "").strip()))
    return out


def clean_wording(title: str, text: str, next_steps: Iterable) -> tuple[str, str, list[dict]]:
    """Title, answer and next steps as they will be saved, or KnowledgeError with every problem.

    next_steps: (title, payload) pairs or {"title", "payload"} dicts; blank pairs are skipped.
    """
    errors: list[str] = []
    title = one_line(title)
    if not title:
        errors.append("Give the answer a title (what the question is about).")
    elif len(title) > MAX_TITLE_CHARS:
        errors.append(f"The title is {len(title)} characters long; it can be at most {MAX_TITLE_CHARS}.")
    text = CONTROLS.sub(" ", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        errors.append("Write the answer: it can't be empty.")
    elif len(text) > MAX_ANSWER_CHARS:
        errors.append(
            f"The answer is {len(text)} characters long; it can be at most {MAX_ANSWER_CHARS} "
            f"(two text messages). Cut {len(text) - MAX_ANSWER_CHARS} characters."
        )
    steps, seen = [], set()
    for n, (label, payload) in enumerate(_steps(next_steps), start=1):
        if not label and not payload:
            continue
        if not payload:
            errors.append(f"Next step {n}: choose what the button does.")
        elif payload not in ALLOWED_NEXT:
            errors.append(
                f"Next step {n}: {payload} is not something the assistant can do. "
                f"Choose one of: {', '.join(ALLOWED_NEXT)}."
            )
        elif payload in seen:
            errors.append(f"Next step {n}: {payload} is already a next step.")
        if not label:
            errors.append(f"Next step {n}: give the button words (what she taps or replies).")
        elif len(label) > MAX_BUTTON_CHARS:
            errors.append(f"Next step {n}: the button's words can be at most {MAX_BUTTON_CHARS} characters.")
        seen.add(payload)
        steps.append({"title": label, "payload": payload})
    if len(steps) > MAX_NEXT:
        errors.append(f"At most {MAX_NEXT} next steps.")
    if errors:
        raise KnowledgeError(errors)
    return title, text, steps


def _police(value) -> KnowledgePolice:
    try:
        return KnowledgePolice(value)
    except ValueError:
        raise KnowledgeError(
            [
                "Say what the answer tells her about the police "
                "(nothing, caution: attendance only, self-referral: nothing told, or both)."
            ]
        ) from None


# --- Reading -----------------------------------------------------------------------------


def _steps_of(stored) -> tuple[NextStep, ...]:
    return tuple(NextStep(s["title"], s["payload"]) for s in stored or ())


def _answer(row: KnowledgeAnswer, checked_by: str | None, now: datetime) -> Answer:
    return Answer(
        id=row.id,
        topic_id=row.topic_id,
        title=row.title,
        text=row.answer,
        next=_steps_of(row.next),
        police=KnowledgePolice(row.police).value,
        retired=bool(row.retired),
        version=row.version,
        last_checked_by=checked_by,
        last_checked_at=row.last_checked_at,
        updated_at=row.updated_at,
        stale=is_stale(row.last_checked_at, now),
    )


def _with_checker():
    return select(KnowledgeAnswer, Staff.name).outerjoin(Staff, Staff.id == KnowledgeAnswer.last_checked_by_id)


def get_answer(session: Session, topic_id: str, now: datetime | None = None) -> Answer | None:
    """Any answer, retired too (the staff app)."""
    row = session.execute(_with_checker().where(KnowledgeAnswer.topic_id == topic_id)).first()
    return _answer(row[0], row[1], now or utcnow()) if row else None


def _stored(session: Session, topic_id: str, now: datetime | None = None) -> Answer:
    """An answer this session has just written or read (so it exists)."""
    answer = get_answer(session, topic_id, now)
    assert answer is not None
    return answer


def live_answer(session: Session, topic_id: str) -> Answer | None:
    """What the assistant says for this topic now; None when there is none or it is retired."""
    row = session.execute(
        _with_checker().where(KnowledgeAnswer.topic_id == topic_id, KnowledgeAnswer.retired.is_(False))
    ).first()
    return _answer(row[0], row[1], utcnow()) if row else None


def list_answers(session: Session, now: datetime | None = None) -> list[Answer]:
    """Every answer, retired too, by title."""
    now = now or utcnow()
    rows = session.execute(_with_checker().order_by(KnowledgeAnswer.title, KnowledgeAnswer.topic_id))
    return [_answer(answer, name, now) for answer, name in rows]


def history(session: Session, topic_id: str) -> list[Version]:
    """Every saved wording of the answer, newest first (empty if there is no such topic)."""
    rows = session.execute(
        select(KnowledgeAnswerVersion, Staff.name)
        .join(KnowledgeAnswer, KnowledgeAnswer.id == KnowledgeAnswerVersion.answer_id)
        .outerjoin(Staff, Staff.id == KnowledgeAnswerVersion.saved_by_id)
        .where(KnowledgeAnswer.topic_id == topic_id)
        .order_by(KnowledgeAnswerVersion.version.desc())
    )
    return [Version(v.version, v.title, v.answer, _steps_of(v.next), name, v.saved_at) for v, name in rows]


# --- Changing ----------------------------------------------------------------------------


def _row(session: Session, topic_id: str) -> KnowledgeAnswer:
    row = session.execute(select(KnowledgeAnswer).where(KnowledgeAnswer.topic_id == topic_id)).scalar_one_or_none()
    if row is None:
        raise LookupError(f"no knowledge topic {topic_id!r}")
    return row


def _create(
    session: Session, *, topic_id: str, title: str, text: str, next_steps, police, staff_id: int | None
) -> KnowledgeAnswer:
    problems = []
    if not TOPIC_ID_RE.fullmatch(topic_id or ""):
        problems.append(
            "The topic id is 2 to 40 lowercase letters, digits or _, starting with a letter (like bring_pet)."
        )
    try:
        police = _police(police)
    except KnowledgeError as exc:
        problems += exc.errors
    try:
        title, text, steps = clean_wording(title, text, next_steps)
    except KnowledgeError as exc:
        problems += exc.errors
    if problems:
        raise KnowledgeError(problems)
    taken = KnowledgeError([f"There is already a topic {topic_id} (retired ones too: unretire it instead)."])
    if session.execute(select(KnowledgeAnswer.id).where(KnowledgeAnswer.topic_id == topic_id)).first():
        raise taken
    now = utcnow()
    row = KnowledgeAnswer(
        topic_id=topic_id, title=title, answer=text, next=steps, police=police, retired=False, version=1, updated_at=now
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as err:  # added by someone else since the check above
        raise taken from err
    session.add(
        KnowledgeAnswerVersion(
            answer_id=row.id, version=1, title=title, answer=text, next=steps, saved_by_id=staff_id, saved_at=now
        )
    )
    session.flush()
    return row


def add_topic(session: Session, *, topic_id: str, title: str, text: str, next_steps, police, staff_id: int) -> Answer:
    row = _create(
        session,
        topic_id=(topic_id or "").strip(),
        title=title,
        text=text,
        next_steps=next_steps,
        police=police,
        staff_id=staff_id,
    )
    return _stored(session, row.topic_id)


def seed_answers(session: Session, path: Path = ANSWERS_YML) -> int:
    """Load answers.yml's topics that are not in the table yet; returns how many.

    A topic already there (edited, retired) is never touched, so running it again
    changes nothing and never undoes an admin's work.
    """
    topics = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("topics") or []
    known = set(session.execute(select(KnowledgeAnswer.topic_id)).scalars())
    added = 0
    for topic in topics:
        if topic["id"] in known:
            continue
        try:
            _create(
                session,
                topic_id=topic["id"],
                title=topic["title"],
                text=topic["answer"],
                next_steps=topic.get("next") or [],
                police=topic["police"],
                staff_id=None,
            )
        except KnowledgeError as exc:  # a broken seed file: say where
            raise KnowledgeError([f"{path.name}, topic {topic['id']}: {e}" for e in exc.errors]) from exc
        known.add(topic["id"])
        added += 1
    return added


def save_edit(
    session: Session, topic_id: str, *, title: str, text: str, next_steps, staff_id: int, based_on: int | None = None
) -> Answer:
    """Save a new wording (and its version row); the bot's next answer is this one.

    based_on: the version the editor started from. If another wording was saved
    since, EditConflict and nothing changes. Saving the same wording again writes
    nothing (the version stays the same).
    """
    title, text, steps = clean_wording(title, text, next_steps)
    row = _row(session, topic_id)
    seen = row.version if based_on is None else based_on
    if row.version != seen:
        raise EditConflict(
            [
                "Someone else saved this answer while you were editing it, so your words were not "
                "saved. Their version is below: make your change again on it."
            ]
        )
    if (row.title, row.answer, row.next) == (title, text, steps):
        return _stored(session, topic_id)
    now = utcnow()
    # Conditional on the version read: of two edits from the same version, one wins and
    # the other changes nothing (on SQLite and PostgreSQL alike, whatever the isolation).
    changed = session.execute(
        update(KnowledgeAnswer)
        .where(KnowledgeAnswer.id == row.id, KnowledgeAnswer.version == seen)
        .values(title=title, answer=text, next=steps, version=seen + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise EditConflict(
            [
                "Someone else saved this answer at the same moment, so your words were not saved. "
                "Their version is below: make your change again on it."
            ]
        )
    session.add(
        KnowledgeAnswerVersion(
            answer_id=row.id, version=seen + 1, title=title, answer=text, next=steps, saved_by_id=staff_id, saved_at=now
        )
    )
    session.flush()
    session.expire(row)
    return _stored(session, topic_id, now)


def set_retired(session: Session, topic_id: str, retired: bool) -> Answer:
    """Retired: the bot no longer gives it (the wording and its history stay)."""
    row = _row(session, topic_id)
    row.retired = retired
    session.flush()
    return _stored(session, topic_id)


def mark_checked(session: Session, topic_id: str, staff_id: int, at: datetime | None = None) -> Answer:
    """Someone read the answer and it is still right: not "check due" for another year."""
    row = _row(session, topic_id)
    row.last_checked_by_id = staff_id
    row.last_checked_at = at or utcnow()
    session.flush()
    return _stored(session, topic_id)
