"""#19 points 19 and 21: what reminders may say, and numbers on more than one record.

Point 19: "safe to text" is not "safe to show what it is about": a reminder
names the service, centre or caution only when she also chose that texts may.
Point 21: a number on two women's records (a shared or controlled phone) gets
no reminder until a keyworker clears it; each case gets an alert.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.appointments import booking, reminders
from bot.db.models import Alert, AuditLog, OutboxMessage, OutboxStatus, Woman
from bot.db.models.appointments import AppointmentKind
from bot.db.session import session_scope
from bot.privacy import shared_numbers
from bot.wording.discreet import is_discreet
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot, working_day

SHARED = "+447700900345"


def book(phone: str, safe=True, caution=True, days=5, hour=10, name="Jo") -> tuple[int, int, int]:
    with session_scope() as s:
        referral = make_referral(s, safe=safe, caution=caution, phone=phone, name=name)
        slot = make_slot(s, local(working_day(days), hour))
        if caution:
            make_slot(s, local(working_day(days + 14), hour))
        kind = AppointmentKind.MANDATORY_1 if caution else AppointmentKind.ASSESSMENT
        return booking.book(s, referral.id, slot.id, kind).id, referral.woman_id, referral.id


def queued(status=OutboxStatus.PENDING, to: str | None = None) -> list[OutboxMessage]:
    with session_scope() as s:
        query = select(OutboxMessage).where(OutboxMessage.kind == "reminder", OutboxMessage.status == status)
        if to:
            query = query.where(OutboxMessage.to_address == to)
        rows = s.execute(query.order_by(OutboxMessage.id)).scalars().all()
        for row in rows:
            s.expunge(row)
        return rows


def test_safe_to_text_alone_keeps_reminders_discreet(db_url):
    with session_scope() as s:
        clear_slots(s)
    book("+447700900301", safe=True, caution=True)
    bodies = [m.body for m in queued()]
    assert len(bodies) == 2
    for body in bodies:
        assert is_discreet(body), body
        assert "Elpis" not in body and "caution" not in body.lower() and "Women's Centre" not in body
        assert "1 Example Road" in body  # still tells her where and when


def test_she_may_choose_that_texts_name_the_service_and_queued_ones_are_reworded(db_url):
    with session_scope() as s:
        clear_slots(s)
    _, woman_id, _ = book("+447700900302", safe=True, caution=True)
    assert all(is_discreet(m.body) for m in queued())
    with session_scope() as s:
        woman = s.get(Woman, woman_id)
        woman.texts_may_name_service = True
        reminders.refresh_for(s, woman)
    bodies = [m.body for m in queued()]
    assert len(bodies) == 2 and all("caution appointment" in b and "Women's Centre" in b for b in bodies)
    # And back again: what she chose last is what her lock screen shows.
    with session_scope() as s:
        woman = s.get(Woman, woman_id)
        woman.texts_may_name_service = False
        reminders.refresh_for(s, woman)
    assert all(is_discreet(m.body) for m in queued())


def test_the_choice_needs_texts_to_be_safe_too(db_url):
    with session_scope() as s:
        clear_slots(s)
        referral = make_referral(s, safe=None, phone="+447700900303")
        s.get(Woman, referral.woman_id).texts_may_name_service = True
        booking.book(s, referral.id, make_slot(s, local(working_day(5), 10)).id, AppointmentKind.ASSESSMENT)
    assert queued() and all(is_discreet(m.body) for m in queued())


def test_a_number_on_two_records_gets_no_reminder_and_both_cases_are_flagged(db_url):
    with session_scope() as s:
        clear_slots(s)
    first_appt, first_woman, first_referral = book(SHARED, days=5, name="Jo")
    assert len(queued(to=SHARED)) == 2  # one woman on it so far: her reminders are queued
    _, second_woman, second_referral = book(SHARED, days=6, hour=14, name="Amy")
    # Nothing goes to the phone: the first woman's queued ones are called off too.
    assert queued(to=SHARED) == []
    assert len(queued(OutboxStatus.CANCELLED, to=SHARED)) == 2
    with session_scope() as s:
        alerts = s.execute(select(Alert).where(Alert.summary == shared_numbers.SUMMARY)).scalars().all()
        assert sorted(a.woman_id for a in alerts) == sorted([first_woman, second_woman])
        assert sorted(a.referral_id for a in alerts) == sorted([first_referral, second_referral])
        assert all("Jo" not in a.summary and SHARED not in a.summary for a in alerts)
        # Booking again does not pile up alerts.
        booking.book(s, second_referral, make_slot(s, local(working_day(8), 11)).id, AppointmentKind.FOLLOW_UP)
    with session_scope() as s:
        assert s.execute(select(Alert).where(Alert.summary == shared_numbers.SUMMARY)).scalars().all().__len__() == 2
    assert queued(to=SHARED) == []


def test_a_keyworker_clears_the_number_for_one_woman_and_her_reminders_go_again(db_url):
    with session_scope() as s:
        clear_slots(s)
    _, first_woman, _ = book(SHARED, days=5, name="Jo")
    _, second_woman, _ = book(SHARED, days=6, hour=14, name="Amy")
    with session_scope() as s:
        shared_numbers.clear(s, first_woman, staff_id=None)
    with session_scope() as s:
        assert not shared_numbers.is_held(s, s.get(Woman, first_woman))
        assert shared_numbers.is_held(s, s.get(Woman, second_woman))
        audit = s.execute(select(AuditLog).where(AuditLog.action == "shared_number_cleared")).scalars().one()
        assert audit.subject_id == first_woman
    back = queued(to=SHARED)
    assert {m.woman_id for m in back} == {first_woman} and len(back) == 2
    assert all(is_discreet(m.body) and "Hi Jo" in m.body for m in back)
    # A third woman later on the same phone makes it shared again: held, for all of them.
    book(SHARED, days=7, hour=15, name="Bea")
    assert queued(to=SHARED) == []


def test_her_data_summary_says_what_reminders_may_show(db_url):
    from bot.privacy.summary import summary_lines

    with session_scope() as s:
        woman_id = make_referral(s, safe=True, phone="+447700900304").woman_id
    with session_scope() as s:
        assert "Reminders say only the day, time and address, not who they are from." in summary_lines(s, woman_id)
        s.get(Woman, woman_id).texts_may_name_service = True
    with session_scope() as s:
        assert "Reminders may say they are from us and what they are for: yes." in summary_lines(s, woman_id)


def test_a_second_woman_registering_on_the_number_holds_the_first_womans_reminders(db_url):
    from bot.referrals.service import ReferralDraft, submit_referral

    with session_scope() as s:
        clear_slots(s)
    _, first_woman, _ = book(SHARED, days=5, name="Jo")
    assert len(queued(to=SHARED)) == 2
    second = submit_referral(
        ReferralDraft(
            conversation_id="shared-2",
            channel="rest",
            pathway="self",
            preferred_name="Amy",
            phone_e164=SHARED,
            safe_to_text=True,
            safe_to_call=False,
            postcode="SE15 4QF",
            outcode="SE15",
            borough="Southwark",
            needs=["health"],
        )
    )
    # She never books, yet the first woman's queued reminders no longer go to the shared phone.
    assert queued(to=SHARED) == []
    with session_scope() as s:
        flagged = {
            a.woman_id for a in s.execute(select(Alert).where(Alert.summary == shared_numbers.SUMMARY)).scalars()
        }
    assert flagged == {first_woman, second.woman_id}
