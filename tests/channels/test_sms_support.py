"""Issue 24 by SMS (fake Twilio, real servers and worker, both databases): our text asking
for a check-in reaches her phone naming nothing, her YES starts it one area per text with
no buttons (numbered options would read as scores), LATER stops it (STOP would opt her
out), and "how am I doing?" on a phone whose texts may not say what they are about names
no area."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.appointments import booking
from bot.dates import today_london
from bot.db.models import OutboxMessage, Referral
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentStatus
from bot.db.models.outcomes import OutcomeReading, ReadingSource, ReadingStage
from bot.db.models.support import InvitationKind, InvitationStatus, SupportInvitation
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.staff import outcomes as staff_outcomes
from bot.support import checkin, invitations
from bot.wording.discreet import is_discreet
from tests.channels.conftest import rows
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot, working_day


def _her(stack, number) -> tuple[int, list[checkin.Question]]:
    with session_scope(stack.database_url) as s:
        clear_slots(s)
        staff_outcomes.seed_sample(s)
        referral = make_referral(s, phone=number)
        slot = make_slot(s, local(working_day(1), 9))
        booking.book(s, referral.id, slot.id, AppointmentKind.ASSESSMENT, via="sms").status = AppointmentStatus.ATTENDED
        return referral.id, list(checkin.instrument(s).questions)


def test_our_text_then_her_yes_scores_one_area_per_text_and_later_stops(sms_stack, phone):
    referral_id, areas = _her(sms_stack, phone.number)
    with session_scope(sms_stack.database_url) as s:
        invitations.plan_due(s)
        assert invitations.send_due(s) >= 1
        row = s.execute(select(SupportInvitation).where(SupportInvitation.referral_id == referral_id)).scalar_one()
        s.get(OutboxMessage, row.outbox_message_id).send_after = utcnow()  # not held for quiet hours in the test
    [asked] = phone.wait(1)
    assert "Reply YES to start" in asked["body"] and is_discreet(asked["body"])
    started = phone.text("YES")  # the intro and the first area, joined in one text
    assert "one text each" in started and "LATER" in started and "STOP" not in started
    assert f"1/10 {areas[0].name}:" in started and "Reply 1 to 10, SKIP or LATER" in started
    assert "1)" not in started  # no numbered options under a score question
    assert f"2/10 {areas[1].name}:" in phone.text("8")
    assert f"3/10 {areas[2].name}:" in phone.text("SKIP")
    assert "stopped there" in phone.text("LATER")
    [reading] = rows(sms_stack, OutcomeReading, referral_id=referral_id)
    assert reading.source == ReadingSource.HER and reading.scores == {str(areas[0].area_id): 8}
    [invitation] = rows(sms_stack, SupportInvitation, referral_id=referral_id)
    assert invitation.kind == InvitationKind.CHECKIN and invitation.status == InvitationStatus.DONE


def test_how_am_i_doing_by_text_names_no_area_on_a_discreet_phone(sms_stack, phone):
    referral_id, areas = _her(sms_stack, phone.number)
    with session_scope(sms_stack.database_url) as s:
        for days, score in ((120, 3), (2, 8)):
            s.add(
                OutcomeReading(
                    woman_id=s.get(Referral, referral_id).woman_id,
                    referral_id=referral_id,
                    taken_on=today_london() - timedelta(days=days),
                    stage=ReadingStage.REVIEW,
                    source=ReadingSource.KEYWORKER,
                    scores={str(areas[0].area_id): score, str(areas[1].area_id): 5},
                )
            )
    reply = phone.text("how am I doing?")
    assert "areas gone up: 1; gone down: 0; the same: 1" in reply
    assert areas[0].name not in reply and areas[1].name not in reply and "/star/" not in reply


def test_a_follow_up_by_text_after_her_first_meeting(sms_stack, phone):
    referral_id, _ = _her(sms_stack, phone.number)
    with session_scope(sms_stack.database_url) as s:
        slot = make_slot(s, local(working_day(3), 14))
        slot_id = slot.id
    offer = phone.text("can i book another session with my keyworker")
    assert "Let's book another meeting" in offer and "Reply 1 for" in offer
    assert "Shall I book it?" in phone.text("1")
    assert "booked" in phone.text("YES").lower()
    [follow_up] = [
        a for a in rows(sms_stack, Appointment, referral_id=referral_id) if a.kind == AppointmentKind.FOLLOW_UP
    ]
    assert follow_up.slot_id == slot_id and follow_up.status == AppointmentStatus.BOOKED
