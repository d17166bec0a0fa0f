"""Her keyworker, named on the case page: who may be chosen (active staff who work cases)
and the change, audited. She can ask the chat who her keyworker is (bot/support/)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Referral, Staff, StaffRole
from bot.staff import audit

# Everyone who works cases; listed here so a new role is a choice to make, not a surprise.
CASE_ROLES = (StaffRole.KEYWORKER, StaffRole.ADMIN)


class KeyworkerError(ValueError):
    """The chosen person cannot be her keyworker (left, or not someone who works cases)."""


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


def choices(session: Session) -> list[Choice]:
    """Active staff who may be a keyworker, by name."""
    rows = session.execute(
        select(Staff.id, Staff.name)
        .where(Staff.active.is_(True), Staff.role.in_(CASE_ROLES))
        .order_by(Staff.name, Staff.id)
    ).all()
    return [Choice(i, n) for i, n in rows]


def name_of(session: Session, referral: Referral) -> str | None:
    """Her keyworker's name, or None when none is named."""
    if referral.keyworker_id is None:
        return None
    return session.execute(select(Staff.name).where(Staff.id == referral.keyworker_id)).scalar_one_or_none()


def set_keyworker(session: Session, referral_id: int, keyworker_id: int | None, staff_id: int) -> Referral:
    """Name her keyworker (None: nobody), audited. LookupError: no such case."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise LookupError("no such case")
    if keyworker_id is not None:
        chosen = session.get(Staff, keyworker_id)
        if chosen is None or not chosen.active or chosen.role not in CASE_ROLES:
            raise KeyworkerError("Choose her keyworker from the list (that person can no longer be chosen).")
    referral.keyworker_id = keyworker_id
    audit.record(session, staff_id, "set_keyworker" if keyworker_id else "clear_keyworker", "referral", referral.id)
    return referral
