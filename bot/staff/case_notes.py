"""Keyworkers' notes on a case: written and read in the staff app, the text encrypted
at rest (CaseNote.text), each note audited; erased and summarised with her data
(bot/staff/data_hooks.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.db.models import CaseNote, Referral, Staff
from bot.staff import audit

MAX_NOTE = 4000


class NoteError(ValueError):
    pass


@dataclass(frozen=True)
class Note:
    id: int
    text: str
    author: str | None
    created_at: datetime


def add(session: Session, referral_id: int, text: str, staff_id: int) -> CaseNote:
    text = (text or "").strip()
    if not text:
        raise NoteError("Write the note first.")
    if len(text) > MAX_NOTE:
        raise NoteError(f"Keep a note under {MAX_NOTE} characters.")
    if session.get(Referral, referral_id) is None:
        raise LookupError("no such case")
    note = CaseNote(referral_id=referral_id, author_id=staff_id, text=text)
    session.add(note)
    session.flush()
    audit.record(session, staff_id, "add_case_note", "referral", referral_id)
    return note


def for_case(session: Session, referral_id: int) -> list[Note]:
    """The case's notes, newest first (read with the case: its view is audited)."""
    rows = session.execute(
        select(CaseNote, Staff.name)
        .outerjoin(Staff, Staff.id == CaseNote.author_id)
        .where(CaseNote.referral_id == referral_id)
        .order_by(CaseNote.created_at.desc(), CaseNote.id.desc())
    ).all()
    return [Note(n.id, n.text, name, n.created_at) for n, name in rows]


# ---- her data (bot/privacy, through bot/staff/data_hooks.py) ----------------------------


def erase_for(session: Session, referral_ids: tuple[int, ...]) -> int:
    if not referral_ids:
        return 0
    return session.execute(delete(CaseNote).where(CaseNote.referral_id.in_(referral_ids))).rowcount


def summary_for(session: Session, referral_ids: tuple[int, ...]) -> list[str]:
    """How many notes, and when: the text is not put in a message that may be read on her
    phone by someone else; she can ask to see it."""
    if not referral_ids:
        return []
    count, latest = session.execute(
        select(func.count(CaseNote.id), func.max(CaseNote.created_at)).where(CaseNote.referral_id.in_(referral_ids))
    ).one()
    if not count:
        return []
    if isinstance(latest, str):  # SQLite's max() comes back as text
        latest = datetime.fromisoformat(latest)
    day = latest.strftime("%d %b %Y").lstrip("0")
    return [
        f"Notes your keyworker wrote about your case: {count} (the latest on {day}). "
        "Ask us and we will show you what they say."
    ]
