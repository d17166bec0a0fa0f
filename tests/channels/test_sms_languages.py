"""Her own language over SMS (fake Twilio, real servers, both databases; issue 21): a
self-referral and booking by text in Polish, Spanish and Arabic, buttons answered by
their numbers, every text in her language."""

from __future__ import annotations

import pytest

from bot.db.models import Referral, Woman
from bot.db.models.appointments import Appointment, AppointmentStatus
from bot.db.session import session_scope
from tests.channels.conftest import Phone, rows
from tests.support import language_journeys, personas


def play(phone: Phone, steps) -> None:
    for number, step in enumerate(steps, 1):
        reply = phone.text(step.says)
        for words in step.expect:
            assert words in reply, f"text {number} {step.says!r} got:\n{reply}"


@pytest.mark.parametrize("code", sorted(language_journeys.JOURNEYS))
def test_a_self_referral_and_booking_by_text_in_her_language(sms_stack, phone, code):
    with session_scope(sms_stack.database_url) as s:
        ids = personas.make_slots(s, personas.Days.from_today())
    play(phone, language_journeys.self_referral(language_journeys.JOURNEYS[code], texting=True))
    [referral] = rows(sms_stack, Referral, conversation_id=phone.number)
    [woman] = rows(sms_stack, Woman, id=referral.woman_id)
    assert woman.language == code and woman.phone_e164 == phone.number
    booked = rows(sms_stack, Appointment, referral_id=referral.id, status=AppointmentStatus.BOOKED)
    assert [a.slot_id for a in booked] == [ids["tue_10"]]
