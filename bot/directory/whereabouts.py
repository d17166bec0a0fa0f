"""Where she is, on her record: read it so she is not asked twice, and fill it in.

Her record's area is the postcode/outcode/borough of her latest referral. A
search never overwrites an area she gave in her referral (she may be looking
near work or a friend's); it only fills one she skipped.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.crud.conversations import woman_id_for
from bot.db.crud.referrals import is_covered
from bot.db.models import AuditLog, Referral


def _latest_referral(session: Session, woman_id: int) -> Referral | None:
    return (
        session.execute(
            select(Referral)
            .where(Referral.woman_id == woman_id)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
        .scalars()
        .first()
    )


def record_location(session: Session, sender_id: str) -> dict[str, str | None] | None:
    """{"postcode", "outcode", "borough"} from her record, or None if there is none."""
    woman_id = woman_id_for(session, sender_id)
    if woman_id is None:
        return None
    referral = _latest_referral(session, woman_id)
    if referral is None or not (referral.postcode or referral.outcode or referral.borough):
        return None
    return {"postcode": referral.postcode, "outcode": referral.outcode, "borough": referral.borough}


def save_location_on_record(
    session: Session, sender_id: str, postcode: str | None, outcode: str | None, borough: str | None
) -> bool:
    """Fill in her referral's area if it is empty; True if something was written."""
    woman_id = woman_id_for(session, sender_id)
    if woman_id is None or not (postcode or outcode or borough):
        return False
    referral = _latest_referral(session, woman_id)
    if referral is None or referral.postcode or referral.outcode or referral.borough:
        return False
    referral.postcode = postcode
    referral.outcode = outcode
    referral.borough = borough
    referral.in_coverage = is_covered(session, borough)
    session.add(
        AuditLog(
            actor_type="woman",
            action="referral.area_from_service_search",
            subject_type="referral",
            subject_id=referral.id,
        )
    )
    return True
