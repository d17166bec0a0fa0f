"""'What do you hold about me?': her record in plain words, and stopping texts."""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db.models import AuditLog, OutboxMessage, OutboxStatus, Referral, Woman
from bot.db.types import utcnow
from bot.referrals.parsing import format_mobile, needs_text
from bot.settings import get_settings

try:
    from bot.db.models.appointments import Appointment
except ImportError:  # pragma: no cover - appointments not installed
    Appointment = None

_PATHWAY = {"self": "you referred yourself", "police_caution": "a police referral"}


def _yes_no(value: bool | None) -> str:
    return "not said" if value is None else ("yes" if value else "no")


def summary_lines(session: Session, woman_id: int, *, actor_type: str = "woman",
                  actor_id: int | None = None) -> list[str] | None:
    """What we hold about her, one short line each; None if no such record."""
    woman = session.get(Woman, woman_id)
    if woman is None:
        return None
    lines = ["Here is what we hold about you:"]
    lines.append(f"Name: {woman.preferred_name or 'none given'}")
    lines.append(f"Mobile: {format_mobile(woman.phone_e164) if woman.phone_e164 else 'none given'}")
    lines.append(f"OK to text: {_yes_no(woman.safe_to_text)}. OK to call: {_yes_no(woman.safe_to_call)}.")
    # Her separate choice (#19 point 19): what a reminder shows on her lock screen.
    lines.append("Reminders may say they are from us and what they are for: yes." if woman.texts_may_name_service
                 else "Reminders say only the day, time and address, not who they are from.")
    if woman.safe_times:
        lines.append(f"Best times: {woman.safe_times}")
    if woman.sms_opted_out:
        lines.append("You asked us not to text you.")
    referrals = session.execute(
        select(Referral).where(Referral.woman_id == woman_id).order_by(Referral.created_at)
    ).scalars().all()
    for ref in referrals:
        made = ref.created_at.date().strftime("%d %b %Y").lstrip("0")
        where = ref.borough or ref.postcode or "area not given"
        needs = needs_text(ref.need_values) or "nothing chosen yet"
        lines.append(f"Referral {ref.reference} ({made}): {_PATHWAY.get(ref.pathway.value, ref.pathway.value)}, "
                     f"{where}. Help with: {needs}. Status: {ref.status.value}.")
        if ref.caution_date or ref.police_reference:
            lines.append("It includes the caution date and reference you gave.")
    if Appointment is not None and referrals:
        count = session.execute(select(func.count()).select_from(Appointment).where(
            Appointment.referral_id.in_([r.id for r in referrals]))).scalar_one()
        if count:
            lines.append(f"Appointments on record: {count}.")
    sent = session.execute(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.woman_id == woman_id)).scalar_one()
    if sent:
        lines.append(f"Texts we sent or will send you: {sent}.")
    lines.append("We also keep this chat, to help you. Chats are deleted "
                 f"{get_settings().retention_tracker_days} days after the last message.")
    lines.append("To delete it all, say 'delete my data'.")
    session.add(AuditLog(actor_type=actor_type, actor_id=actor_id, action="data_summary_shown",
                         subject_type="woman", subject_id=woman_id, at=utcnow()))
    return lines


def stop_texts(session: Session, woman_id: int) -> bool:
    """No more texts to her: marks the record and cancels what is queued. False if no record."""
    woman = session.get(Woman, woman_id)
    if woman is None:
        return False
    woman.sms_opted_out = True
    session.execute(update(OutboxMessage).where(
        OutboxMessage.woman_id == woman_id, OutboxMessage.channel == "sms",
        OutboxMessage.status == OutboxStatus.PENDING).values(status=OutboxStatus.CANCELLED))
    session.add(AuditLog(actor_type="woman", action="texts_stopped", subject_type="woman",
                         subject_id=woman_id, at=utcnow()))
    return True
