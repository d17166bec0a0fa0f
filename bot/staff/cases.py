"""Cases (referrals) as keyworkers see them: search, one case in plain words (pathway,
needs, appointments in date order, the caution's two meetings and deadline), status, closing,
and a re-arrest after referral (the service's evaluation measure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from bot.appointments import rules
from bot.dates import london, today_london
from bot.db.models import Alert, Need, Pathway, Referral, ReferralStatus, Woman
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentSlot, AppointmentStatus
from bot.db.types import utcnow
from bot.referrals.parsing import NEED_LABELS, OUTCOME_LABELS
from bot.staff import audit

PAGE_SIZE = 50

PATHWAY_WORDS = {Pathway.SELF.value: "Self-referral", Pathway.POLICE_CAUTION.value: "Police referral (caution)"}
STATUS_WORDS = {
    ReferralStatus.SUBMITTED.value: "Submitted",
    ReferralStatus.ASSESSMENT.value: "Assessment",
    ReferralStatus.ACTIVE.value: "Active",
    ReferralStatus.CLOSED.value: "Closed",
}
KIND_WORDS = {
    AppointmentKind.ASSESSMENT: "Assessment",
    AppointmentKind.MANDATORY_1: "Caution meeting 1",
    AppointmentKind.MANDATORY_2: "Caution meeting 2",
    AppointmentKind.FOLLOW_UP: "Follow-up",
}
APPOINTMENT_WORDS = {
    AppointmentStatus.BOOKED: "Booked",
    AppointmentStatus.CONFIRMED: "Booked, she confirmed",
    AppointmentStatus.ATTENDED: "Attended",
    AppointmentStatus.MISSED: "Missed",
    AppointmentStatus.CANCELLED: "Cancelled",
    AppointmentStatus.MOVED: "Moved to another time",
}
# Attendance can be marked (or corrected) on these once the meeting has started.
MARKABLE = (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED, AppointmentStatus.ATTENDED, AppointmentStatus.MISSED)


def pathway_words(referral: Referral) -> str:
    """'Police referral (caution)', or 'Self-referral' with what came of police contact she named."""
    words = PATHWAY_WORDS[referral.pathway.value]
    outcome = referral.police_outcome.value if referral.police_outcome else None
    if referral.pathway == Pathway.SELF and outcome in OUTCOME_LABELS:
        words += f" (police: {OUTCOME_LABELS[outcome]})"
    return words


def needs_words(values: list[str]) -> list[str]:
    """Her needs in the words the conversation offered them ('Money or debt')."""
    return [NEED_LABELS[Need(v)][:1].upper() + NEED_LABELS[Need(v)][1:] for v in values]


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
        stmt = stmt.where(
            or_(
                func.lower(Referral.reference).like(like, escape="\\"),
                func.lower(Woman.preferred_name).like(like, escape="\\"),
                func.lower(Referral.police_reference).like(like, escape="\\"),
            )
        )
    if query.borough:
        stmt = stmt.where(Referral.borough == query.borough)
    if query.status in {s.value for s in ReferralStatus}:
        stmt = stmt.where(Referral.status == ReferralStatus(query.status))
    if query.pathway in ("self", "police_caution"):
        stmt = stmt.where(Referral.pathway == query.pathway)
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    page = max(1, query.page)
    rows = (
        session.execute(
            stmt.options(joinedload(Referral.woman))
            .order_by(Referral.created_at.desc(), Referral.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
        .scalars()
        .unique()
        .all()
    )
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
    audit.record(
        session,
        staff_id,
        "close_case" if new == ReferralStatus.CLOSED else f"set_status_{new.value}",
        "referral",
        referral.id,
    )
    return referral


class RearrestError(ValueError):
    """The re-arrest date can't be saved; the message says why (nothing saved)."""


def record_rearrest(
    session: Session, referral_id: int, raw_day: str, staff_id: int, today: date | None = None
) -> Referral:
    """Record the day she was re-arrested (blank clears it), audited. The day may not be in the
    future nor before her referral. LookupError: no such case."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise LookupError("no such case")
    raw = (raw_day or "").strip()
    if not raw:
        referral.rearrested_on = None
        referral.rearrest_recorded_by_id = None
        audit.record(session, staff_id, "clear_rearrest", "referral", referral.id)
        return referral
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise RearrestError("Give the date of the re-arrest, like 2026-04-01.") from None
    referred = referral.created_at.astimezone(london()).date()
    if day > (today or today_london()):
        raise RearrestError("The re-arrest date is in the future: give the day it happened.")
    if day < referred:
        raise RearrestError(f"The re-arrest date is before she was referred ({referred.isoformat()}).")
    referral.rearrested_on = day
    referral.rearrest_recorded_by_id = staff_id
    audit.record(session, staff_id, "record_rearrest", "referral", referral.id)
    return referral


@dataclass(frozen=True)
class AppointmentRow:
    id: int
    kind: str
    starts_at: datetime
    centre: str
    status: str
    can_mark: bool  # started, and booked or already marked


def appointment_rows(session: Session, referral_id: int, now: datetime | None = None) -> list[AppointmentRow]:
    """Her appointments in date order; attendance only for those that have started."""
    now = now or utcnow()
    found = session.execute(
        select(Appointment)
        .join(AppointmentSlot, Appointment.slot_id == AppointmentSlot.id)
        .where(Appointment.referral_id == referral_id)
        .order_by(AppointmentSlot.starts_at, Appointment.id)
    ).scalars()
    return [
        AppointmentRow(
            a.id,
            KIND_WORDS[a.kind],
            a.slot.starts_at,
            a.slot.centre.name if a.slot.centre else "",
            APPOINTMENT_WORDS[a.status],
            a.status in MARKABLE and a.slot.starts_at <= now,
        )
        for a in found
    ]


@dataclass(frozen=True)
class Meeting:
    label: str  # "Meeting 1"
    state: str  # not booked | booked | attended | missed
    starts_at: datetime | None


@dataclass(frozen=True)
class CautionPanel:
    meetings: tuple[Meeting, Meeting]
    deadline: date
    days_left: int  # negative once passed
    deadline_known: bool  # False: counted from the day she registered (no caution date given)
    complete: bool


def caution_panel(session: Session, referral: Referral, now: datetime | None = None) -> CautionPanel | None:
    """The caution's two mandatory meetings and the deadline; None off the caution pathway."""
    deadline = rules.deadline_for(referral)
    if deadline is None:
        return None
    now = now or utcnow()
    rank = {
        AppointmentStatus.ATTENDED: 3,
        AppointmentStatus.BOOKED: 2,
        AppointmentStatus.CONFIRMED: 2,
        AppointmentStatus.MISSED: 1,
    }
    best: dict[AppointmentKind, Appointment] = {}
    for a in rules.appointments(session, referral.id, tuple(rank)):
        if a.kind in (AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2):
            held = best.get(a.kind)
            # The one that counts: attended over booked over missed; the later of equals.
            if held is None or rank[a.status] >= rank[held.status]:
                best[a.kind] = a
    meetings = []
    for n, kind in enumerate((AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2), 1):
        counted = best.get(kind)
        state = "not booked" if counted is None else {3: "attended", 2: "booked", 1: "missed"}[rank[counted.status]]
        meetings.append(Meeting(f"Meeting {n}", state, counted.slot.starts_at if counted else None))
    complete = referral.caution_completed_at is not None or all(m.state == "attended" for m in meetings)
    today = now.astimezone(london()).date()
    return CautionPanel(
        (meetings[0], meetings[1]), deadline, (deadline - today).days, referral.caution_deadline is not None, complete
    )
