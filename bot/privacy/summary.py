"""'What do you hold about me?': her record in plain words, and stopping texts."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import AuditLog, OutboxMessage, OutboxStatus, Referral, Woman
from bot.db.types import utcnow
from bot.privacy.hooks import Her
from bot.privacy.registry import READING
from bot.referrals.parsing import format_mobile
from bot.settings import get_settings
from bot.wording import say


def _yes_no(value: bool | None) -> str:
    return say("privacy.answer_not_said" if value is None else ("privacy.answer_yes" if value else "privacy.answer_no"))


def summary_lines(
    session: Session, woman_id: int, *, actor_type: str = "woman", actor_id: int | None = None
) -> list[str] | None:
    """What we hold about her, one short line each; None if no such record."""
    woman = session.get(Woman, woman_id)
    if woman is None:
        return None
    none_given = say("privacy.none_given")
    lines = [say("privacy.summary_heading")]
    lines.append(say("privacy.summary_name", name=woman.preferred_name or none_given))
    lines.append(
        say("privacy.summary_mobile", mobile=format_mobile(woman.phone_e164) if woman.phone_e164 else none_given)
    )
    lines.append(
        say("privacy.summary_text_and_call", text=_yes_no(woman.safe_to_text), call=_yes_no(woman.safe_to_call))
    )
    # Her separate choice (#19 point 19): what a reminder shows on her lock screen.
    lines.append(
        say("privacy.summary_reminders_named" if woman.texts_may_name_service else "privacy.summary_reminders_discreet")
    )
    if woman.safe_times:
        lines.append(say("privacy.summary_best_times", times=woman.safe_times))
    if woman.sms_opted_out:
        lines.append(say("privacy.summary_opted_out"))
    referral_ids = tuple(session.execute(select(Referral.id).where(Referral.woman_id == woman_id)).scalars())
    her = Her(woman_id=woman_id, phone=woman.phone_e164, referral_ids=referral_ids)
    for hooks in READING:  # what each feature holds about her (bot/privacy/registry.py)
        if hooks.summarise:
            lines.extend(hooks.summarise(session, her))
    lines.append(say("privacy.summary_chats_kept", days=get_settings().retention_tracker_days))
    lines.append(say("privacy.summary_how_to_delete"))
    session.add(
        AuditLog(
            actor_type=actor_type,
            actor_id=actor_id,
            action="data_summary_shown",
            subject_type="woman",
            subject_id=woman_id,
            at=utcnow(),
        )
    )
    return lines


def stop_texts(session: Session, woman_id: int) -> bool:
    """No more texts to her: marks the record and cancels what is queued. False if no record."""
    woman = session.get(Woman, woman_id)
    if woman is None:
        return False
    woman.sms_opted_out = True
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.woman_id == woman_id,
            OutboxMessage.channel == "sms",
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED)
    )
    session.add(
        AuditLog(actor_type="woman", action="texts_stopped", subject_type="woman", subject_id=woman_id, at=utcnow())
    )
    return True
