"""Issue #19 point 13: her reference sent on its own, in a chat that does not know
her (the web page forgets her on purpose), starts the one-time code check, in or
out of team hours; the code links the chat to her record. Real servers, REST."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.appointments import booking
from bot.db.models import Alert, AlertReason, OutboxMessage
from bot.db.models.appointments import AppointmentKind
from bot.db.session import session_scope
from tests.conftest import Chat, new_sender
from tests.support.appointment_data import local, make_referral, make_slot, working_day


def _booked_referral(url: str, phone: str) -> str:
    with session_scope(url) as s:
        referral = make_referral(s, conversation_id=new_sender(), phone=phone, safe=True)
        reference, referral_id = referral.reference, referral.id
        slot = make_slot(s, local(working_day(5), 11)).id
    with session_scope(url) as s:
        booking.book(s, referral_id, slot, AppointmentKind.ASSESSMENT)
    return reference


def _last_code(url: str) -> str:
    with session_scope(url) as s:
        body = (
            s.execute(
                select(OutboxMessage.body).where(OutboxMessage.kind == "notice").order_by(OutboxMessage.id.desc())
            )
            .scalars()
            .first()
        )
    return re.search(r"\b(\d{6})\b", body).group(1)


def _alerts(url: str, sender: str) -> list[AlertReason]:
    with session_scope(url) as s:
        return list(s.execute(select(Alert.reason).where(Alert.conversation_id == sender)).scalars())


def test_her_reference_alone_reaches_her_appointment(stack):
    url = stack.database_url
    reference = _booked_referral(url, "+447700900612")
    chat = Chat(stack, new_sender())
    lost = chat.say_joined("when is my appointment")
    assert "can't find your details" in lost and "send your reference" in lost
    sent = chat.say_joined(reference.lower().replace("-", " "))
    assert "Type the code here" in sent and "6-digit" not in sent, sent  # said once
    assert "doesn't match" in chat.say_joined("000000" if _last_code(url) != "000000" else "111111")
    assert "that's you" in chat.say_joined(_last_code(url))
    status = chat.say_joined("when is my appointment")
    assert "Your appointment" in status and "11am" in status
    # A check, not a request for a person: no alert for the team.
    assert _alerts(url, chat.sender) == []
    assert "already got your details" in chat.say_joined(reference)


def test_a_reference_with_no_code_gets_a_person(stack):
    chat = Chat(stack, new_sender())
    assert "Type the code here" in chat.say_joined("my ref is ELP-Q7M2KZ")
    reply = chat.say_joined("no code")
    assert "couldn't check it's you" in reply
    assert _alerts(stack.database_url, chat.sender) == [AlertReason.HUMAN_REQUESTED]
