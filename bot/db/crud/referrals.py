"""Referrals, women and coverage."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import CoverageBorough, Referral

# No 0/O, 1/I/L, 5/S: a reference read out over the phone must not be misheard.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"


def new_reference(session: Session, prefix: str) -> str:
    while True:
        ref = f"{prefix}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if session.execute(select(Referral.id).where(Referral.reference == ref)).first() is None:
            return ref


def covered_borough_names(session: Session) -> set[str]:
    return set(session.execute(select(CoverageBorough.name).where(CoverageBorough.active.is_(True))).scalars())


def is_covered(session: Session, borough: str | None) -> bool:
    if not borough:
        return False
    return (
        session.execute(
            select(func.count())
            .select_from(CoverageBorough)
            .where(CoverageBorough.active.is_(True), CoverageBorough.name == borough)
        ).scalar_one()
        > 0
    )


def by_reference(session: Session, reference: str) -> Referral | None:
    return session.execute(select(Referral).where(Referral.reference == reference)).scalar_one_or_none()


def latest_for_conversation(session: Session, conversation_id: str) -> Referral | None:
    return (
        session.execute(
            select(Referral)
            .where(Referral.conversation_id == conversation_id)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
        .scalars()
        .first()
    )
