"""The knowledge answers in her language: first loaded from bot/knowledge/answers.<code>.yml,
then corrected by admins in the staff app; the English answer stands in where none is kept.

Only the wording is per language: whether a topic is live, its buttons' targets and
when it was checked stay the English answer's (bot/db/crud/knowledge.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.crud.admin_input import CONTROLS, InputErrors, one_line
from bot.db.crud.knowledge import ANSWERS_YML, Answer, NextStep
from bot.db.models import KnowledgeAnswer, KnowledgeTranslation
from bot.wording.catalogue import DEFAULT_LANGUAGE, languages

MAX_TRANSLATION_CHARS = 640  # the table's CHECK: scripts longer than English still fit a few texts
MAX_TITLE_CHARS = 120


@dataclass(frozen=True)
class Translation:
    language: str
    title: str
    text: str
    next_titles: tuple[str, ...]
    written_by: str | None
    checked_by: str | None


def seed_file(code: str) -> Path:
    return ANSWERS_YML.with_name(f"answers.{code}.yml")


def seed_translations(session: Session) -> int:
    """Load each language's answers file for topics that have no translation yet; returns how many."""
    ids = dict(session.execute(select(KnowledgeAnswer.topic_id, KnowledgeAnswer.id)).all())
    have = set(session.execute(select(KnowledgeTranslation.answer_id, KnowledgeTranslation.language)).all())
    added = 0
    for code in languages():
        path = seed_file(code)
        if code == DEFAULT_LANGUAGE or not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        provenance = data.get("provenance") or {}
        for topic in data.get("topics") or []:
            answer_id = ids.get(topic["id"])
            if answer_id is None or (answer_id, code) in have:
                continue
            session.add(
                KnowledgeTranslation(
                    answer_id=answer_id,
                    language=code,
                    title=one_line(topic["title"])[:MAX_TITLE_CHARS],
                    answer=" ".join(str(topic["answer"]).split()),
                    next_titles=[one_line(t) for t in topic.get("next") or []],
                    written_by=provenance.get("written_by"),
                    checked_by=provenance.get("checked_by"),
                )
            )
            added += 1
    session.flush()
    return added


def translation(session: Session, answer_id: int, code: str) -> Translation | None:
    row = session.scalar(
        select(KnowledgeTranslation).where(
            KnowledgeTranslation.answer_id == answer_id, KnowledgeTranslation.language == code
        )
    )
    if row is None:
        return None
    return Translation(
        row.language, row.title, row.answer, tuple(row.next_titles or ()), row.written_by, row.checked_by
    )


def in_language(session: Session, answer: Answer, code: str | None) -> Answer:
    """`answer` worded in `code` when a translation is kept; its buttons keep their targets."""
    if not code or code == DEFAULT_LANGUAGE:
        return answer
    found = translation(session, answer.id, code)
    if found is None:
        return answer
    titles = list(found.next_titles) + [step.title for step in answer.next[len(found.next_titles) :]]
    steps = tuple(NextStep(title, step.payload) for title, step in zip(titles, answer.next))
    return replace(answer, title=found.title, text=found.text, next=steps)


def save_translation(
    session: Session, answer_id: int, code: str, *, title: str, text: str, next_titles: list[str], staff_name: str
) -> Translation:
    """An admin's correction, live at the next question; or InputErrors (nothing saved)."""
    answer = session.get(KnowledgeAnswer, answer_id)
    errors: list[str] = []
    if answer is None or code not in languages() or code == DEFAULT_LANGUAGE:
        raise InputErrors(["No such answer or language."])
    title = one_line(title)
    text = " ".join(CONTROLS.sub(" ", text or "").split())
    titles = [one_line(t) for t in next_titles or []]
    if not title or len(title) > MAX_TITLE_CHARS:
        errors.append(f"The title must be 1 to {MAX_TITLE_CHARS} characters.")
    if not text or len(text) > MAX_TRANSLATION_CHARS:
        errors.append(f"The answer must be 1 to {MAX_TRANSLATION_CHARS} characters.")
    if len(titles) != len(answer.next or []) or not all(titles):
        errors.append(f"Give a title for each of the {len(answer.next or [])} next steps.")
    if errors:
        raise InputErrors(errors)
    row = session.scalar(
        select(KnowledgeTranslation).where(
            KnowledgeTranslation.answer_id == answer_id, KnowledgeTranslation.language == code
        )
    )
    if row is None:
        row = KnowledgeTranslation(answer_id=answer_id, language=code)
        session.add(row)
    row.title, row.answer, row.next_titles = title, text, titles
    row.written_by, row.checked_by = staff_name, None  # an admin's wording: not yet checked by a second person
    session.flush()
    return Translation(code, title, text, tuple(titles), staff_name, None)
