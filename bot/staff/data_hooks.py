"""The team's records that touch her (alerts, handoffs, the safe contact she
left, keyworkers' notes on her case, her outcome readings, the audit log), for bot/privacy.

Alerts and audit rows are the team's work record: they stay, without her.
Handoffs of her conversations, the safe contact she left, the notes on her
case and her outcome readings are hers: they go.
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from bot.db.models import Alert, AuditLog, HandoffContact
from bot.db.models.staff_app import Handoff
from bot.privacy.hooks import DataHooks, Her, Stale
from bot.staff import case_notes, outcomes


def _erase(session: Session, her: Her) -> dict[str, int]:
    notes = case_notes.erase_for(session, her.referral_ids)
    readings = outcomes.erase_for(session, her)
    if her.senders:
        session.execute(delete(Handoff).where(Handoff.conversation_id.in_(her.senders)))
        # The safe contact she left with an alert is hers, though the alert stays.
        session.execute(
            delete(HandoffContact).where(
                or_(
                    HandoffContact.conversation_id.in_(her.senders),
                    HandoffContact.alert_id.in_(select(Alert.id).where(Alert.conversation_id.in_(her.senders))),
                )
            ),
            execution_options={"synchronize_session": False},
        )
        session.execute(update(Alert).where(Alert.conversation_id.in_(her.senders)).values(conversation_id=None))
    session.execute(update(Alert).where(Alert.woman_id == her.woman_id).values(woman_id=None))
    if her.referral_ids:
        session.execute(update(Alert).where(Alert.referral_id.in_(her.referral_ids)).values(referral_id=None))
        session.execute(
            update(AuditLog)
            .where(AuditLog.subject_type == "referral", AuditLog.subject_id.in_(her.referral_ids))
            .values(subject_id=None)
        )
    session.execute(
        update(AuditLog)
        .where(AuditLog.subject_type == "woman", AuditLog.subject_id == her.woman_id)
        .values(subject_id=None)
    )
    return {"case_notes": notes, "outcome_readings": readings}


def _summarise(session: Session, her: Her) -> list[str]:
    return case_notes.summary_for(session, her.referral_ids) + outcomes.summary_for(session, her)


def _drop_case(session: Session, referral_id: int) -> None:
    case_notes.erase_for(session, (referral_id,))
    outcomes.drop_case(session, referral_id)
    session.execute(update(Alert).where(Alert.referral_id == referral_id).values(referral_id=None))
    session.execute(
        update(AuditLog)
        .where(AuditLog.subject_type == "referral", AuditLog.subject_id == referral_id)
        .values(subject_id=None)
    )


def _retain(session: Session, stale: Stale) -> dict[str, int]:
    if stale.senders:
        # A safe contact left on a chat that never became a case goes with the chat.
        session.execute(delete(HandoffContact).where(HandoffContact.conversation_id.in_(stale.senders)))
    return {}


HOOKS = DataHooks(
    feature="staff",
    tables=("alerts", "audit_log", "handoffs", "handoff_contacts", "case_notes", "outcome_readings"),
    erase=_erase,
    summarise=_summarise,
    drop_case=_drop_case,
    retain=_retain,
)
