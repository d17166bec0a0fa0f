"""Reaching her from a chat that does not know her (#19 points 12 and 13).

The web page forgets her on purpose, so 'talk to a person' there asks how a
person may safely reach her: a mobile number or email and a safe time (kept
with the alert, encrypted), or she declines. If she referred herself before,
her reference and a one-time code, sent only the way she said is safe, link
this chat to her record, so her appointments can be found here. Runs inside
data_rights_form (dr_kind "reach"), reusing its code check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from bot.conversation.answers import detect_control, parse_yes_no
from bot.conversation.contact import find_email, neutral_times, normalise_mobile
from bot.db.crud.conversations import get_or_create
from bot.db.models import Alert, AlertReason, AlertStatus, Referral, Woman
from bot.db.models.referrals import HandoffContact
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.privacy import identity
from bot.referrals import parsing
from bot.settings import get_settings
from bot.staff.team_hours import is_open, when_in_touch
from bot.wording import say

MAX_TRIES = 2
# Beside a plain no: the ways she says she'd rather wait.
_DECLINE = re.compile(
    r"^\W*(not now|i'?d rather not|rather not|don'?t|skip|"
    r"i'?ll wait|i will wait|i'?ll come back|leave it)\b",
    re.I,
)


def when_text() -> str:
    """'tomorrow after 9:30am' out of hours; '' while the team is in."""
    hours, now = get_settings().team_hours, utcnow()
    return "" if is_open(now, hours) else when_in_touch(now, hours)


def ask_text() -> str:
    when, prefix = when_text(), get_settings().reference_prefix
    return (
        say("data_rights.reach_ask_later", when=when, prefix=prefix)
        if when
        else say("data_rights.reach_ask_now", prefix=prefix)
    )


def how_answer() -> str:
    """'How will they contact me?': how, not the privacy notice."""
    when = when_text()
    return say("data_rights.reach_how_later", when=when) if when else say("data_rights.reach_how")


def _open_alert(session, sender_id: str) -> Alert | None:
    return (
        session.execute(
            select(Alert)
            .where(
                Alert.conversation_id == sender_id,
                Alert.reason == AlertReason.HUMAN_REQUESTED,
                Alert.status == AlertStatus.OPEN,
            )
            .order_by(Alert.id.desc())
        )
        .scalars()
        .first()
    )


def has_open_request(sender_id: str) -> bool:
    with session_scope() as session:
        return _open_alert(session, sender_id) is not None


def save_contact(sender_id: str, contact: str | None, kind: str | None, safe_times: str | None) -> bool:
    """Keep her safe contact (or that she declined) with her open 'talk to a person' alert."""
    with session_scope() as session:
        alert = _open_alert(session, sender_id)
        if alert is None:
            return False
        session.add(
            HandoffContact(
                alert_id=alert.id,
                conversation_id=sender_id,
                contact=contact,
                contact_kind=kind,
                safe_times=safe_times,
                declined=contact is None,
            )
        )
        return True


def send_code_for_reference(reference: str, sender_id: str) -> identity.CodeSent:
    """A code for the woman with this reference, sent only the way she said is safe.

    When it cannot go (no number, texts not safe), her alert is linked to her
    record, so the person who picks it up reaches her the way she chose.
    """
    with session_scope() as session:
        woman = (
            session.execute(
                select(Woman).join(Referral, Referral.woman_id == Woman.id).where(Referral.reference == reference)
            )
            .scalars()
            .first()
        )
        if woman is None:
            return identity.CodeSent(None, "none:0", False)
        sent = identity.send_code_to_woman(session, woman=woman, sender_id=sender_id, now=utcnow())
        if not sent.sent:
            alert = _open_alert(session, sender_id)
            if alert is not None and alert.woman_id is None:
                alert.woman_id = woman.id
        return sent


def link_chat(sender_id: str, channel: str, woman_id: int) -> None:
    """She proved it is her: this chat now finds her record (appointments, her data)."""
    with session_scope() as session:
        get_or_create(session, sender_id, channel).woman_id = woman_id
        alert = _open_alert(session, sender_id)
        if alert is not None:
            alert.woman_id = woman_id


@dataclass(frozen=True)
class Contact:
    contact: str | None
    kind: str | None
    times: str | None


def read_contact(text: str) -> Contact | None:
    phone = normalise_mobile(text)
    email = None if phone else find_email(text)
    if not (phone or email):
        return None
    return Contact(phone or email, "mobile" if phone else "email", neutral_times(text))


def says_no(text: str, intent: str | None) -> bool:
    return (
        parse_yes_no(text) is False
        or bool(_DECLINE.match(text))
        or detect_control(text) in ("skip", "stop")
        or (intent == "deny" and parsing.find_reference(text, get_settings().reference_prefix) is None)
    )


def thanks_for_contact(contact: Contact, dispatcher: CollectingDispatcher) -> None:
    how = say("data_rights.reach_by_mobile" if contact.kind == "mobile" else "data_rights.reach_by_email")
    times = contact.times if contact.times and contact.times != "any time" else ""
    when = when_text()
    if times and when:
        text = say("data_rights.reach_thanks_times_later", how=how, times=times, when=when)
    elif times:
        text = say("data_rights.reach_thanks_times", how=how, times=times)
    elif when:
        text = say("data_rights.reach_thanks_later", how=how, when=when)
    else:
        text = say("data_rights.reach_thanks", how=how)
    dispatcher.utter_message(text=text)
