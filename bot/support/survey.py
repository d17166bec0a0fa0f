"""The closing survey: a few statements she agrees with or not, then anything she wants
to say. The questions are our own (the wording catalogue, so they are translated); the
reports count the answers and never say whose they are."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy.orm import Session

from bot.conversation.answers import yes_no_word
from bot.db.models.support import SurveyResponse

QUESTIONS = ("confident", "safer", "wellbeing", "children", "less_likely_reoffend")
ANSWERS = ("agree", "not_sure", "disagree", "not_applicable")
MAX_FREE_TEXT = 1000
_WORDS = {
    "agree": re.compile(r"^(agree|i agree|yes|yeah|yep|definitely|true|strongly agree|mostly)\b"),
    "disagree": re.compile(r"^(disagree|i disagree|no|nope|not really|false|strongly disagree)\b"),
    "not_sure": re.compile(r"^(not sure|unsure|dont know|don't know|dunno|maybe|a bit|sort of|kind of)\b"),
    "not_applicable": re.compile(r"^(n/?a|not applicable|doesn'?t apply|does not apply|no kids|no children)\b"),
}
_ORDER = ("not_applicable", "not_sure", "disagree", "agree")  # "not sure" before "no", "no kids" before "no"


def parse_answer(text: str | None, allow_not_applicable: bool = False) -> str | None:
    """The answer's key (the buttons send it as it is), or None when it isn't one."""
    t = (text or "").strip().lower().strip(" .!")
    if t in ANSWERS:
        return None if t == "not_applicable" and not allow_not_applicable else t
    for key in _ORDER:
        if key == "not_applicable" and not allow_not_applicable:
            continue
        if _WORDS[key].match(t):
            return key
    said = yes_no_word(t)  # her own language's yes and no
    if said is not None:
        return "agree" if said else "disagree"
    return None


def save(session: Session, referral_id: int, answers: Mapping[str, str], free_text: str | None) -> int | None:
    kept = {q: a for q, a in answers.items() if q in QUESTIONS and a in ANSWERS}
    text = (free_text or "").strip()[:MAX_FREE_TEXT] or None
    if not kept and not text:
        return None
    row = SurveyResponse(referral_id=referral_id, answers=kept, free_text=text)
    session.add(row)
    session.flush()
    return row.id
