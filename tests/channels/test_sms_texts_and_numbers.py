"""#19 point 18 by SMS: DELETE is confirmed by text, and the warning before it says
her caution meetings will be cancelled, what a missed one means, and offers a person."""

from __future__ import annotations

from sqlalchemy import select

from bot.appointments import booking
from bot.db.models import Referral, Woman
from bot.db.models.appointments import AppointmentKind
from bot.db.session import session_scope
from tests.channels.conftest import rows
from tests.support.appointment_data import local, make_referral, make_slot, working_day


def her_caution(stack, number: str, book: bool) -> int:
    with session_scope(stack.database_url) as s:
        referral = make_referral(s, safe=True, caution=True, phone=number, name="Jo", reference=f"ELP-S{number[-5:]}")
        if book:
            first = make_slot(s, local(working_day(30), 9))
            make_slot(s, local(working_day(44), 9))
            booking.book(s, referral.id, first.id, AppointmentKind.MANDATORY_1)
        return referral.woman_id


def test_delete_by_sms_warns_of_caution_meetings_and_confirms_by_text(sms_stack, phone):
    woman_id = her_caution(sms_stack, phone.number, book=True)
    warning = phone.text("delete my data")
    assert "Your caution meetings will be cancelled too" in warning
    assert "police are told" in warning and "talk to someone" in warning and "Reply DELETE" in warning
    done = phone.text("DELETE", timeout=30)
    assert "deleted everything" in done
    assert rows(sms_stack, Woman, id=woman_id) == []


def test_a_caution_with_no_meeting_booked_yet_still_gets_the_consequence(sms_stack, phone):
    her_caution(sms_stack, phone.number, book=False)
    warning = phone.text("delete my data")
    assert "cancelled" not in warning and "police are told" in warning and "talk to someone" in warning
    assert "haven't deleted" in phone.text("keep")


def test_self_referral_delete_has_no_caution_words_and_is_confirmed(sms_stack, phone):
    with session_scope(sms_stack.database_url) as s:
        woman_id = make_referral(s, safe=True, phone=phone.number, reference=f"ELP-R{phone.number[-5:]}").woman_id
    warning = phone.text("delete my data")
    assert "caution" not in warning.lower() and "Reply DELETE" in warning
    assert "deleted everything" in phone.text("DELETE", timeout=30)
    with session_scope(sms_stack.database_url) as s:
        assert s.get(Woman, woman_id) is None
        assert s.execute(select(Referral).where(Referral.woman_id == woman_id)).first() is None
