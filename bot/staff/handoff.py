"""Live handoff: a keyworker takes a conversation over, replies, hands it back.

Rasa is told first (pause/resume), then the database mirrors it
(Conversation.paused, a Handoff row, the audit log), so the database never
says "paused" for a conversation the bot is still answering.

When Rasa does not answer in time, whether it did the request is unknown (a
busy Rasa may still do it later). Each step then leans to the side where she
is never left without an answer: a pause that failed is undone with a resume
before the keyworker is told it was not taken over; a hand back that failed
leaves the keyworker holding the conversation (and the crisis net on) to try
again; a reply that surely did not reach Rasa frees its form key, so the
same form can be sent again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.crud.conversations import get_or_create
from bot.db.models import Alert, AlertStatus, Staff
from bot.db.models.staff_app import Handoff
from bot.db.session import run_db, session_scope
from bot.db.types import utcnow
from bot.staff import audit, rasa_api
from bot.wording.discreet import say_discreet

logger = logging.getLogger(__name__)

MAX_REPLY = 1000
# Kept as names for the tests that look for these lines in her conversation.
JOINED = say_discreet("handoff.person_joined")
LEFT = say_discreet("handoff.person_left")


class HandoffError(ValueError):
    """Shown to the keyworker as it is."""


@dataclass(frozen=True)
class ConversationInfo:
    conversation_id: int
    sender_id: str
    channel: str
    paused: bool
    woman_id: int | None
    holder_id: int | None  # staff holding it now
    holder_name: str | None
    told_her: bool = True  # after take over: whether the "you are now talking to a person" line reached Rasa


def _active_handoff(session: Session, sender_id: str) -> Handoff | None:
    return (
        session.execute(
            select(Handoff)
            .where(Handoff.conversation_id == sender_id, Handoff.ended_at.is_(None))
            .order_by(Handoff.id.desc())
        )
        .scalars()
        .first()
    )


def conversation_info(
    session: Session, sender_id: str, channel: str | None, staff_id: int, log_view: bool = True
) -> ConversationInfo:
    convo = get_or_create(session, sender_id, _channel_for(session, sender_id, channel))
    if log_view:
        audit.record(session, staff_id, "view_conversation", "conversation", convo.id)
    handoff = _active_handoff(session, sender_id)
    holder = None
    if handoff is not None and handoff.staff_id:
        holder = session.get(Staff, handoff.staff_id)
    return ConversationInfo(
        convo.id,
        convo.sender_id,
        convo.channel,
        bool(convo.paused),
        convo.woman_id,
        holder.id if holder else None,
        holder.name if holder else None,
    )


def _channel_for(session: Session, sender_id: str, channel: str | None) -> str | None:
    if channel:
        return channel
    return (
        session.execute(
            select(Alert.channel)
            .where(Alert.conversation_id == sender_id, Alert.channel.is_not(None))
            .order_by(Alert.id.desc())
        )
        .scalars()
        .first()
    )


def _holder(sender_id: str) -> tuple[int, str] | None:
    with session_scope() as session:
        handoff = _active_handoff(session, sender_id)
        staff = session.get(Staff, handoff.staff_id) if handoff and handoff.staff_id else None
        return (staff.id, staff.name) if staff else None


def _record_take(sender_id: str, channel: str | None, staff_id: int, alert_id: int | None) -> ConversationInfo:
    with session_scope() as session:
        convo = get_or_create(session, sender_id, _channel_for(session, sender_id, channel))
        if channel:
            convo.channel = channel[:20]
        convo.paused = True
        if _active_handoff(session, sender_id) is None:
            alert = session.get(Alert, alert_id) if alert_id else None
            session.add(
                Handoff(
                    conversation_id=sender_id,
                    staff_id=staff_id,
                    alert_id=alert.id if alert and alert.conversation_id == sender_id else None,
                )
            )
        # Taking over answers the alert: acknowledge her open alerts.
        session.execute(
            update(Alert)
            .where(Alert.conversation_id == sender_id, Alert.status == AlertStatus.OPEN)
            .values(status=AlertStatus.ACKNOWLEDGED, acknowledged_at=utcnow(), acknowledged_by_id=staff_id)
            .execution_options(synchronize_session=False)
        )
        audit.record(session, staff_id, "take_over", "conversation", convo.id)
        return conversation_info(session, sender_id, None, staff_id, log_view=False)


def _record_release(sender_id: str, staff_id: int) -> None:
    with session_scope() as session:
        convo = get_or_create(session, sender_id)
        convo.paused = False
        handoff = _active_handoff(session, sender_id)
        if handoff is not None:
            handoff.ended_at = utcnow()
        audit.record(session, staff_id, "hand_back", "conversation", convo.id)


def _claim_message(sender_id: str, staff_id: int, message_key: str) -> bool:
    """One message per form key: a double-click or a resent form sends nothing more."""
    with session_scope() as session:
        handoff = _active_handoff(session, sender_id)
        if handoff is None:
            raise HandoffError("Take the conversation over before replying.")
        won = session.execute(
            update(Handoff)
            .where(
                Handoff.id == handoff.id,
                (Handoff.last_message_key.is_(None)) | (Handoff.last_message_key != message_key),
            )
            .values(last_message_key=message_key)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1:
            return False
        audit.record(session, staff_id, "reply", "conversation", get_or_create(session, sender_id).id)
        return True


def _unclaim_message(sender_id: str, message_key: str) -> None:
    """The words did not reach Rasa: the same form may be sent again."""
    with session_scope() as session:
        session.execute(
            update(Handoff)
            .where(
                Handoff.conversation_id == sender_id,
                Handoff.ended_at.is_(None),
                Handoff.last_message_key == message_key,
            )
            .values(last_message_key=None)
            .execution_options(synchronize_session=False)
        )


async def _say(info: ConversationInfo, text: str, staff_name: str | None, staff_id: int, message_key: str) -> bool:
    """Put the words in her conversation and send them on the channel she used last.

    Rasa sends them through that channel's output: socket.io emits to her
    session; the SMS channel queues them in the outbox (with its own opt-out
    and number checks); REST has nowhere to push, so they wait in the tracker.
    """
    if not await run_db(_claim_message, info.sender_id, staff_id, message_key):
        return False
    try:
        await rasa_api.append(info.sender_id, [rasa_api.bot_event(text, staff_name)], send=True)
    except rasa_api.RasaUnavailable as exc:
        if not exc.busy:  # surely not sent (a slow Rasa may still send it: keep the key)
            await run_db(_unclaim_message, info.sender_id, message_key)
        raise
    return True


async def _undo_pause(sender_id: str) -> None:
    # Best effort: a busy Rasa may still do the pause later, and this resume after it.
    try:
        await rasa_api.resume(sender_id)
    except rasa_api.RasaUnavailable:
        logger.warning("could not undo a pause that may have reached Rasa")


def clean_reply(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise HandoffError("Type a message first.")
    if len(text) > MAX_REPLY:
        raise HandoffError(f"Keep it under {MAX_REPLY} characters.")
    return text


async def take_over(
    sender_id: str, channel: str | None, staff_id: int, staff_name: str, alert_id: int | None = None
) -> ConversationInfo:
    held = await run_db(_holder, sender_id)
    if held is not None and held[0] != staff_id:
        raise HandoffError(f"{held[1]} is already answering this conversation.")
    tracker = await rasa_api.tracker(sender_id)
    if not tracker.get("events"):
        raise HandoffError("There is no conversation with that id in the assistant.")
    channel = tracker.get("latest_input_channel") or channel
    try:
        await rasa_api.pause(sender_id)
        info = await run_db(_record_take, sender_id, channel, staff_id, alert_id)
    except Exception:
        await _undo_pause(sender_id)
        raise
    try:
        await _say(
            info, say_discreet("handoff.person_joined"), staff_name, staff_id, f"join-{utcnow().timestamp():.0f}"
        )
    except rasa_api.RasaUnavailable:
        # Taken over all the same (paused, and held by this keyworker); the page says she was not told.
        return replace(info, told_her=False)
    return info


async def reply(info: ConversationInfo, text: str, staff_id: int, staff_name: str, message_key: str) -> bool:
    if not info.paused:
        raise HandoffError("Take the conversation over before replying.")
    return await _say(info, clean_reply(text), staff_name, staff_id, message_key[:40])


async def hand_back(info: ConversationInfo, staff_id: int, staff_name: str) -> None:
    if info.paused:
        try:
            await _say(
                info, say_discreet("handoff.person_left"), staff_name, staff_id, f"leave-{utcnow().timestamp():.0f}"
            )
        except HandoffError:
            pass  # no handoff row (e.g. paused elsewhere): still hand back
    await rasa_api.resume(info.sender_id)
    await run_db(_record_release, info.sender_id, staff_id)
