"""Her places at activities, for bot/privacy (erase, summary, retention).

Their reminders are outbox messages to her: messaging's hook erases those.
"""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from bot.activities.service import BOOKED, free_place
from bot.db.models.support import ActivityBooking
from bot.privacy.hooks import DataHooks, Her
from bot.wording import say


def _free_live_places(session: Session, where) -> None:
    """Her booked places go back to the activities, so others can have them."""
    for activity_id in (
        session.execute(select(ActivityBooking.activity_id).where(where, ActivityBooking.status == BOOKED))
        .scalars()
        .all()
    ):
        free_place(session, activity_id)


def _hers(her: Her):
    if her.referral_ids:
        return or_(ActivityBooking.woman_id == her.woman_id, ActivityBooking.referral_id.in_(her.referral_ids))
    return ActivityBooking.woman_id == her.woman_id


def _erase(session: Session, her: Her) -> dict[str, int]:
    where = _hers(her)
    _free_live_places(session, where)
    return {"activity_places": session.execute(delete(ActivityBooking).where(where)).rowcount}


def _summarise(session: Session, her: Her) -> list[str]:
    count = session.execute(select(func.count()).select_from(ActivityBooking).where(_hers(her))).scalar_one()
    return [say("activities.data_summary", count=count)] if count else []


def _drop_case(session: Session, referral_id: int) -> None:
    where = ActivityBooking.referral_id == referral_id
    _free_live_places(session, where)
    session.execute(delete(ActivityBooking).where(where))


HOOKS = DataHooks(
    feature="activities",
    tables=("activity_bookings",),
    erase=_erase,
    summarise=_summarise,
    drop_case=_drop_case,
)
