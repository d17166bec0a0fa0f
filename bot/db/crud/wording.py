"""Staff corrections of the wording catalogue: saved, checked, and read back by every
process at most CACHE_SECONDS later (no retraining, no restart)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.crud.admin_input import CONTROLS, InputErrors, one_line
from bot.db.models import Staff, WordingCorrection
from bot.db.session import session_scope
from bot.wording.catalogue import Correction, catalogue, languages, placeholders, use_corrections
from bot.wording.languages import language

logger = logging.getLogger(__name__)
CACHE_SECONDS = 10.0
MAX_TEXT = 1000


def save(session: Session, code: str, key: str, text: str, button_titles: list[str], staff_id: int | None) -> None:
    """Save a correction, or raise InputErrors (nothing saved)."""
    errors: list[str] = []
    if code not in languages():
        raise InputErrors([f"No language {code!r}."])
    original = catalogue(code).get(key) or catalogue("en").get(key)
    if original is None:
        raise InputErrors([f"No text {key!r}."])
    text = CONTROLS.sub(" ", text or "").strip()
    titles = [one_line(t) for t in button_titles or []]
    if not text or len(text) > MAX_TEXT:
        errors.append(f"The text must be 1 to {MAX_TEXT} characters.")
    if placeholders(text) != original.placeholders:
        wanted = ", ".join("{" + p + "}" for p in sorted(original.placeholders)) or "none"
        errors.append(f"The text must keep exactly these placeholders: {wanted}.")
    if original.discreet and language(code).giveaways.search(text):
        errors.append("This text can reach her phone unasked: it must not name the service, police or abuse.")
    if titles and (len(titles) != len(original.buttons) or not all(titles)):
        errors.append(f"Give a title for each of the {len(original.buttons)} buttons.")
    if errors:
        raise InputErrors(errors)
    row = session.scalar(
        select(WordingCorrection).where(WordingCorrection.language == code, WordingCorrection.key == key)
    )
    if row is None:
        row = WordingCorrection(language=code, key=key)
        session.add(row)
    row.text, row.button_titles, row.saved_by_id = text, titles, staff_id
    session.flush()


def remove(session: Session, code: str, key: str) -> None:
    session.execute(delete(WordingCorrection).where(WordingCorrection.language == code, WordingCorrection.key == key))


def changed() -> None:
    """After a correction is committed: this process reads them again at its next text
    (the others within CACHE_SECONDS)."""
    _cache.clear()


def all_corrections(session: Session) -> dict[tuple[str, str], Correction]:
    rows = session.execute(
        select(WordingCorrection, Staff.name).outerjoin(Staff, Staff.id == WordingCorrection.saved_by_id)
    )
    return {
        (r.language, r.key): Correction(
            text=r.text, written_by=name or "a former member of staff", button_titles=tuple(r.button_titles or ())
        )
        for r, name in rows
    }


class _Cache:
    """The corrections as last read. Read again off the caller's thread when older than
    CACHE_SECONDS, so no say() ever waits on the database; one that can't be reached
    keeps the last ones (the catalogue's own words are never lost)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: dict[tuple[str, str], Correction] = {}
        self._read_at = float("-inf")
        self._reading = False

    def clear(self) -> None:
        self._read_at = float("-inf")

    def refresh(self) -> None:
        try:
            with session_scope() as session:
                self._value = all_corrections(session)
        except Exception:  # noqa: BLE001 - the catalogue's text is the fallback
            logger.warning("wording corrections could not be read; using the last ones")
        finally:
            self._read_at = time.monotonic()
            self._reading = False

    def __call__(self) -> dict[tuple[str, str], Correction]:
        if time.monotonic() - self._read_at >= CACHE_SECONDS:
            with self._lock:
                if not self._reading:
                    self._reading = True
                    threading.Thread(target=self.refresh, name="wording-corrections", daemon=True).start()
        return self._value


_cache = _Cache()


def install() -> None:
    """Every say() in this process uses staff corrections from now on."""
    use_corrections(_cache)


def rows_for_page(session: Session, code: str) -> list[dict[str, Any]]:
    """Every text of a language with the English beside it, for the staff page."""
    english, theirs = catalogue("en"), catalogue(code)
    fixes = all_corrections(session)
    rows = []
    for key, t in english.items():
        if key.startswith("alerts."):
            continue
        shown, fix = theirs.get(key, t), fixes.get((code, key))
        rows.append(
            {
                "key": key,
                "english": t.text,
                "text": fix.text if fix else shown.text,
                "corrected": fix is not None,
                "discreet": t.discreet,
                "buttons": list(fix.button_titles)
                if fix and fix.button_titles
                else [title for title, _ in shown.buttons],
                "english_buttons": [title for title, _ in t.buttons],
                "written_by": fix.written_by if fix else shown.written_by,
                "checked_by": None if fix else shown.checked_by,
            }
        )
    return rows
