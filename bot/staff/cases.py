"""Cases (referrals) as keyworkers see them: search, one case, status, closing."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from bot.db.models import Alert, Referral, ReferralStatus, Woman
from bot.db.types import utcnow
from bot.staff import audit

PAGE_SIZE = 50


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    borough: str = ""
    status: str = ""
    pathway: str = ""
    page: int = 1


def search_cases(session: Session, query: CaseQuery) -> tuple[list[Referral], int]:
    """Referrals matching the filters, newest first, one page, and the total."""
    stmt = select(Referral).join(Woman, Woman.id == Referral.woman_id)
    text = query.text.strip()
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").lower() + "%"
        stmt = stmt.where(or_(
            func.lower(Referral.reference).like(like, escape="\\"),
            func.lower(Woman.preferred_name).like(like, escape="\\"),
            func.lower(Referral.police_reference).like(like, escape="\\"),
        ))
    if query.borough:
        stmt = stmt.where(Referral.borough == query.borough)
    if query.status in {s.value for s in ReferralStatus}:
        stmt = stmt.where(Referral.status == ReferralStatus(query.status))
    if query.pathway in ("self", "police_caution"):
        stmt = stmt.where(Referral.pathway == query.pathway)
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    page = max(1, query.page)
    rows = session.execute(
        stmt.options(joinedload(Referral.woman)).order_by(Referral.created_at.desc(), Referral.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).scalars().unique().all()
    return list(rows), total


def boroughs_in_use(session: Session) -> list[str]:
    return [b for b in session.execute(select(Referral.borough).distinct().order_by(Referral.borough)).scalars() if b]


def get_case(session: Session, referral_id: int, staff_id: int) -> Referral | None:
    """One case with her record; the view is audited."""
    referral = session.execute(
        select(Referral).options(joinedload(Referral.woman)).where(Referral.id == referral_id)
    ).scalar_one_or_none()
    if referral is not None:
        audit.record(session, staff_id, "view_case", "referral", referral.id)
    return referral


def case_alerts(session: Session, referral: Referral) -> list[Alert]:
    conditions = [Alert.referral_id == referral.id, Alert.woman_id == referral.woman_id]
    if referral.conversation_id:
        conditions.append(Alert.conversation_id == referral.conversation_id)
    return list(session.execute(select(Alert).where(or_(*conditions)).order_by(Alert.created_at.desc())).scalars())


def set_status(session: Session, referral_id: int, status: str, staff_id: int) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise LookupError("no such case")
    new = ReferralStatus(status)
    referral.status = new
    referral.closed_at = utcnow() if new == ReferralStatus.CLOSED else None
    audit.record(session, staff_id, "close_case" if new == ReferralStatus.CLOSED else f"set_status_{new.value}",
                 "referral", referral.id)
    return referral
