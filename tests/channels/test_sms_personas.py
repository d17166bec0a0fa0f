"""Issue #19's measure over SMS (fake Twilio, real servers, both databases): the
same two journeys as over REST (tests/support/personas.py), her texting number
taken with "yes"; at most 12 and 16 of her texts."""

from __future__ import annotations

import time

from bot.db.models import Referral, Woman
from bot.db.models.appointments import Appointment, AppointmentStatus
from bot.db.session import session_scope
from bot.settings import get_settings
from tests.channels.conftest import Phone, rows
from tests.support import personas


def play(phone: Phone, steps: list[personas.Step]) -> None:
    began = time.monotonic()
    for number, step in enumerate(steps, 1):
        if step.later:
            time.sleep(max(0.0, began + get_settings().sms_rate_window_s + 1 - time.monotonic()))
        reply = phone.text(step.says)
        for words in step.expect:
            assert words in reply, f"text {number} {step.says!r} got:\n{reply}"


def _booked(stack, referral_id: int) -> list[int]:
    return [
        a.slot_id
        for a in sorted(
            rows(stack, Appointment, referral_id=referral_id, status=AppointmentStatus.BOOKED),
            key=lambda a: a.kind.value,
        )
    ]


def test_self_referral_by_text_in_twelve_texts(sms_stack, phone):
    with session_scope(sms_stack.database_url) as s:
        ids = personas.make_slots(s, personas.Days.from_today())
    steps = personas.self_referral(texting=True)
    assert len(steps) <= personas.SELF_REFERRAL_MAX
    play(phone, steps)
    [referral] = rows(sms_stack, Referral, conversation_id=phone.number)
    [woman] = rows(sms_stack, Woman, id=referral.woman_id)
    assert woman.phone_e164 == "+447700900432" and woman.safe_times == "after 6pm"
    assert _booked(sms_stack, referral.id) == [ids["tue_10"]]


def test_caution_by_text_in_sixteen_texts(sms_stack, phone):
    days = personas.Days.from_today()
    with session_scope(sms_stack.database_url) as s:
        ids = personas.make_slots(s, days)
    steps = personas.caution(texting=True, days=days)
    assert len(steps) <= personas.CAUTION_MAX
    play(phone, steps)
    [referral] = rows(sms_stack, Referral, conversation_id=phone.number)
    assert referral.pathway.value == "police_caution"
    assert sorted(_booked(sms_stack, referral.id)) == sorted([ids["week_after_tue"], ids["later_10"]])
