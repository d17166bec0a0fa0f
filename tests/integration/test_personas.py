"""Issue #19's measure over REST (the web page's channel), real servers, both
databases: a self-referral with a booked first meeting in at most 12 of her
messages, and a caution with both meetings booked, a question and a move in at
most 16 (tests/support/personas.py holds the journeys)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Referral, Woman
from bot.db.models.appointments import Appointment, AppointmentStatus
from bot.db.session import session_scope
from tests.conftest import Chat, new_sender
from tests.support import personas


def play(chat: Chat, steps: list[personas.Step]) -> None:
    for number, step in enumerate(steps, 1):
        reply = chat.say_joined(step.says)
        for words in step.expect:
            assert words in reply, f"message {number} {step.says!r} got:\n{reply}"


def _her(url: str, sender: str) -> tuple[Referral, Woman, list[Appointment]]:
    with session_scope(url) as s:
        referral = s.execute(select(Referral).where(Referral.conversation_id == sender)).scalar_one()
        woman = s.get(Woman, referral.woman_id)
        booked = (
            s.execute(
                select(Appointment)
                .where(Appointment.referral_id == referral.id, Appointment.status == AppointmentStatus.BOOKED)
                .order_by(Appointment.kind)
            )
            .scalars()
            .all()
        )
        s.expunge_all()
        return referral, woman, booked


def test_self_referral_and_first_meeting_in_twelve_messages(stack):
    days = personas.Days.from_today()
    with session_scope(stack.database_url) as s:
        ids = personas.make_slots(s, days)
    steps = personas.self_referral(texting=False)
    assert len(steps) <= personas.SELF_REFERRAL_MAX
    chat = Chat(stack, new_sender())
    play(chat, steps)
    referral, woman, booked = _her(stack.database_url, chat.sender)
    assert woman.phone_e164 == "+447700900432" and woman.safe_times == "after 6pm"
    assert (woman.safe_to_text, woman.safe_to_call) == (True, False)
    assert [a.slot_id for a in booked] == [ids["tue_10"]]


def test_caution_both_meetings_a_question_and_a_move_in_sixteen_messages(stack):
    days = personas.Days.from_today()
    with session_scope(stack.database_url) as s:
        ids = personas.make_slots(s, days)
    steps = personas.caution(texting=False, days=days)
    assert len(steps) <= personas.CAUTION_MAX
    chat = Chat(stack, new_sender())
    play(chat, steps)
    referral, _, booked = _her(stack.database_url, chat.sender)
    assert referral.pathway.value == "police_caution" and referral.caution_deadline is not None
    assert sorted(a.slot_id for a in booked) == sorted([ids["week_after_tue"], ids["later_10"]])
