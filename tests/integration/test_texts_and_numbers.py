"""#19 points 19 and 21 in the staff app, over real HTTP (`python -m bot.web`).

A keyworker sees on each case that its mobile is on another woman's record and
that reminders are held, clears it after checking with her, and records her
separate choice that texts may name the service; the queued reminders follow.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.appointments import booking
from bot.db.models import OutboxMessage, OutboxStatus, Woman
from bot.db.models.appointments import AppointmentKind
from bot.db.session import session_scope
from bot.wording.discreet import is_discreet
from tests.staff.conftest import Client, client, keyworker, make_staff, staff_db, web  # noqa: F401
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot, working_day


def booked(url: str, phone: str, name: str, days: int) -> tuple[int, int]:
    with session_scope(url) as s:
        if name == "Jo":  # each test's first booking: only its own slots (the database is shared)
            clear_slots(s)
        referral = make_referral(s, safe=True, caution=True, phone=phone, name=name)
        first = make_slot(s, local(working_day(days), 10))
        make_slot(s, local(working_day(days + 14), 10))
        booking.book(s, referral.id, first.id, AppointmentKind.MANDATORY_1)
        return referral.id, referral.woman_id


def pending(url: str, woman_id: int) -> list[str]:
    with session_scope(url) as s:
        return list(
            s.execute(
                select(OutboxMessage.body).where(
                    OutboxMessage.woman_id == woman_id,
                    OutboxMessage.kind == "reminder",
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
            ).scalars()
        )


def test_shared_number_flagged_on_each_case_and_cleared_by_a_keyworker(web, keyworker):
    _, kw = keyworker
    phone = "+447700900811"
    first_ref, first_woman = booked(web.db, phone, "Jo", 5)
    second_ref, second_woman = booked(web.db, phone, "Amy", 6)
    assert pending(web.db, first_woman) == [] and pending(web.db, second_woman) == []
    for ref in (first_ref, second_ref):
        page = kw.get(f"/staff/cases/{ref}").text
        assert 'id="shared-number"' in page and "No reminders go to it" in page
        assert "reminders held until a keyworker clears it" in page  # the alert on the case
    resp = kw.submit(f"/staff/cases/{first_ref}", f"/staff/cases/{first_ref}/clear-shared-number")
    assert resp.status_code == 303
    assert "Cleared: reminders go to it" in kw.get(f"/staff/cases/{first_ref}").text
    assert "No reminders go to it" in kw.get(f"/staff/cases/{second_ref}").text
    back = pending(web.db, first_woman)
    assert len(back) == 2 and all(is_discreet(b) for b in back)
    assert pending(web.db, second_woman) == []


def test_texts_may_name_the_service_is_her_own_choice_set_on_the_case_page(web, keyworker):
    _, kw = keyworker
    ref, woman_id = booked(web.db, "+447700900812", "Jo", 5)
    page = kw.get(f"/staff/cases/{ref}").text
    assert "no: reminders are discreet" in page
    assert all(is_discreet(b) for b in pending(web.db, woman_id))  # safe to text, but not her choice yet
    assert (
        kw.submit(f"/staff/cases/{ref}", f"/staff/cases/{ref}/texts-name-service", {"allowed": "yes"}).status_code
        == 303
    )
    with session_scope(web.db) as s:
        assert s.get(Woman, woman_id).texts_may_name_service is True
    bodies = pending(web.db, woman_id)
    assert len(bodies) == 2 and all("caution appointment" in b for b in bodies)
    assert (
        kw.submit(f"/staff/cases/{ref}", f"/staff/cases/{ref}/texts-name-service", {"allowed": "maybe"}).status_code
        == 400
    )
    assert (
        kw.submit(f"/staff/cases/{ref}", f"/staff/cases/{ref}/texts-name-service", {"allowed": "no"}).status_code == 303
    )
    assert all(is_discreet(b) for b in pending(web.db, woman_id))


# ---- #19 point 5: emoji-only messages over REST (real Rasa, actions, web, worker) ---------------


def test_a_crying_face_gets_a_gentle_check_in_not_thanks(stack, chat):
    reply = chat.say_joined("😢")
    assert "You're welcome" not in reply
    assert "I'm sorry things are hard" in reply and "talk to someone" in reply


def test_prayer_hands_get_the_menu_and_a_person_not_thanks(stack, chat):
    reply = chat.say_joined("🙏")
    assert "You're welcome" not in reply
    assert "get support" in reply and "reach a person" in reply


@pytest.mark.parametrize("thumbs", ["👍", "👍🏼"])  # with a skin tone too
def test_a_thumbs_up_is_a_yes_to_a_yes_no_question(stack, chat, thumbs):
    assert "18 or over?" in chat.say_joined("I want to refer myself")
    reply = chat.say_joined(thumbs)
    assert "call you" in reply and "18 or over?" not in reply  # yes to both: on to her name
