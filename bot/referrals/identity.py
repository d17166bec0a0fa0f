"""Who is she: the woman behind a conversation, and her current referral.

Every action that needs her record asks `woman_for`.

A conversation is linked to her record when she submits a referral in it
(bot/referrals/service.py) and, on SMS, by the channel from her number
(bot/db/crud/sms.py). Over SMS the sender id is her E.164 number, which
Twilio's signature vouches for, so an unlinked SMS conversation is linked here
too. On the web chat the sender id is chosen by the browser: a number typed
there is never trusted, so she is recognised only by her conversation.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.crud import conversations as convo_crud
from bot.db.crud import referrals as referral_crud
from bot.db.models import Referral, ReferralStatus, Woman
from bot.db.session import session_scope

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def is_phone(sender_id: str | None) -> bool:
    return bool(_E164.match(sender_id or ""))


def woman_id_in_chat(sender_id: str, channel: str | None) -> int | None:
    """`woman_for` in a unit of work of its own, for an action that only needs to know
    whether (and whose) this chat is."""
    with session_scope() as session:
        woman = woman_for(session, sender_id, channel)
        return woman.id if woman else None


def woman_for(session: Session, sender_id: str, channel: str | None) -> Woman | None:
    """Her record: by the conversation's link, her texting number on SMS, or
    a referral she made in this conversation."""
    woman_id = convo_crud.woman_id_for(session, sender_id)
    if woman_id is None and channel == "sms" and is_phone(sender_id):
        from bot.db.crud import sms as sms_crud  # the SMS channel's own linking rule

        woman_id = sms_crud.link_conversation(session, sender_id, sender_id).woman_id
    if woman_id is None:
        referral = referral_crud.latest_for_conversation(session, sender_id)
        woman_id = referral.woman_id if referral else None
    return session.get(Woman, woman_id) if woman_id else None


def current_referral(session: Session, woman: Woman) -> Referral | None:
    """Her latest referral that is not closed."""
    return (
        session.execute(
            select(Referral)
            .where(Referral.woman_id == woman.id, Referral.status != ReferralStatus.CLOSED)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
        .scalars()
        .first()
    )


def referral_for(session: Session, sender_id: str, channel: str | None) -> Referral | None:
    woman = woman_for(session, sender_id, channel)
    return current_referral(session, woman) if woman else None
