"""The features whose tables hold her data, with their hooks (bot/privacy/hooks.py).

Erasure and retention walk HOOKS in order: a feature's rows go before the
rows they point at (appointment notes before the messages they note,
everything before her referrals, her record last). The summary reads them in
READING order: her cases first, then what hangs off them.
"""

from __future__ import annotations

from sqlalchemy import delete, false, or_
from sqlalchemy.orm import Session

from bot.activities.data_hooks import HOOKS as ACTIVITIES
from bot.appointments.data_hooks import HOOKS as APPOINTMENTS
from bot.db.models import Conversation, Woman
from bot.messaging.data_hooks import HOOKS as MESSAGING
from bot.privacy.hooks import DataHooks, Her, Stale
from bot.referrals.data_hooks import HOOKS as REFERRALS
from bot.staff.data_hooks import HOOKS as STAFF
from bot.support.data_hooks import HOOKS as SUPPORT


def _erase_record(session: Session, her: Her) -> dict[str, int]:
    conversations = session.execute(
        delete(Conversation).where(
            or_(
                Conversation.woman_id == her.woman_id,
                Conversation.sender_id.in_(her.senders) if her.senders else false(),
            )
        )
    ).rowcount
    session.execute(delete(Woman).where(Woman.id == her.woman_id))
    return {"conversations": conversations}


def _retain_record(session: Session, stale: Stale) -> dict[str, int]:
    if not stale.senders:
        return {"conversations": 0}
    return {
        "conversations": session.execute(delete(Conversation).where(Conversation.sender_id.in_(stale.senders))).rowcount
    }


# Her record and her conversations: bot/privacy's own (erasure.py reads the record).
HER_RECORD = DataHooks(
    feature="her record",
    tables=("women", "conversations"),
    kept={"tracker_erasures": "her chats to wipe from Rasa's store; the worker deletes each row once done"},
    erase=_erase_record,
    retain=_retain_record,
)

HOOKS: tuple[DataHooks, ...] = (APPOINTMENTS, ACTIVITIES, SUPPORT, MESSAGING, STAFF, REFERRALS, HER_RECORD)
READING: tuple[DataHooks, ...] = (REFERRALS, APPOINTMENTS, ACTIVITIES, SUPPORT, MESSAGING, STAFF, HER_RECORD)
