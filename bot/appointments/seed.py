"""SAMPLE appointment slots for the embedded default (`make run`) and tests.

Made up for development: at each SAMPLE centre, within its opening hours, a
one-hour slot at 10:00, 11:30, 14:00 and 15:30 on working days (not bank
holidays) for the next `WEEKS` weeks, with the SAMPLE keyworker. Running it
again adds only the days not there yet, so the window rolls forward.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import insert, select

from bot.appointments.hours import parse_hours
from bot.appointments.reminders import wall_clock
from bot.dates import today_london
from bot.db.models import Centre, Staff, StaffRole
from bot.db.models.appointments import AppointmentSlot
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.directory.bank_holidays import is_bank_holiday

WEEKS = 8
STARTS = (time(10, 0), time(11, 30), time(14, 0), time(15, 30))
LENGTH = timedelta(hours=1)


def seed_slots(url: str | None = None, weeks: int = WEEKS) -> int:
    """Add SAMPLE slots; returns how many were added."""
    first = today_london() + timedelta(days=1)
    with session_scope(url) as session:
        keyworker_id = (
            session.execute(
                select(Staff.id).where(Staff.role == StaffRole.KEYWORKER, Staff.active.is_(True)).order_by(Staff.id)
            )
            .scalars()
            .first()
        )
        centres = (
            session.execute(
                select(Centre).where(Centre.active.is_(True), Centre.name.like("SAMPLE%")).order_by(Centre.id)
            )
            .scalars()
            .all()
        )
        existing = set(
            session.execute(
                select(AppointmentSlot.centre_id, AppointmentSlot.starts_at).where(
                    AppointmentSlot.starts_at >= wall_clock(datetime.combine(first, time(0)))
                )
            ).all()
        )
        rows = []
        now = utcnow()
        for centre in centres:
            hours = parse_hours(centre.opening_hours)
            for offset in range(weeks * 7):
                day = first + timedelta(days=offset)
                if day.isoweekday() not in hours or is_bank_holiday(day):
                    continue
                opens, closes = hours[day.isoweekday()]
                for start in STARTS:
                    end = (datetime.combine(day, start) + LENGTH).time()
                    if start < opens or end > closes:
                        continue
                    starts_at = wall_clock(datetime.combine(day, start))
                    if (centre.id, starts_at) in existing:
                        continue
                    rows.append(
                        {
                            "centre_id": centre.id,
                            "keyworker_id": keyworker_id,
                            "starts_at": starts_at,
                            "ends_at": starts_at + LENGTH,
                            "capacity": 1,
                            "booked_count": 0,
                            "active": True,
                            "is_sample": True,
                            "created_at": now,
                        }
                    )
        if rows:
            session.execute(insert(AppointmentSlot), rows)
        return len(rows)
