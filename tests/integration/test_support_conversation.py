"""Her support beyond the first meetings over REST, as the web page talks: real Rasa server,
real action server, real web server, both databases (issue 24).

A check-in scored by chat (skip, a slip, stop), the survey after her case closes, a yes
and a no to our text, "how am I doing?" with her star, "who is my keyworker?", and a
follow-up meeting with her own keyworker.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import delete, select

from bot.appointments import booking
from bot.dates import today_london
from bot.db.models import OutboxMessage, OutboxStatus, Referral, ReferralStatus, Staff, StaffRole
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentStatus
from bot.db.models.outcomes import OutcomeReading, ReadingSource, ReadingStage
from bot.db.models.support import InvitationKind, InvitationStatus, SupportInvitation, SurveyResponse
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.staff import outcomes as staff_outcomes
from bot.support import checkin, invitations
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot, working_day
from tests.support.rest_talk import Talk


@pytest.fixture
def talk(stack):
    return Talk(stack)


def db(stack):
    return session_scope(stack.database_url)


def her(stack, talk, *, attended: bool = True, keyworker: str | None = None) -> int:
    """Her record linked to this conversation, her first meeting attended (or not)."""
    with db(stack) as s:
        clear_slots(s)
        staff_outcomes.seed_sample(s)
        referral = make_referral(
            s, conversation_id=talk.sender, phone=f"+4477009{int(talk.sender[-5:], 16) % 100000:05d}"
        )
        if keyworker:
            worker = Staff(email=f"{talk.sender}@example.org", name=keyworker, role=StaffRole.KEYWORKER)
            s.add(worker)
            s.flush()
            referral.keyworker_id = worker.id
        if attended:
            slot = make_slot(s, local(working_day(1), 9))
            meeting = booking.book(s, referral.id, slot.id, AppointmentKind.ASSESSMENT, via="rest")
            meeting.status = AppointmentStatus.ATTENDED
        return referral.id


def readings(stack, referral_id) -> list[OutcomeReading]:
    with db(stack) as s:
        return list(s.execute(select(OutcomeReading).where(OutcomeReading.referral_id == referral_id)).scalars().all())


def areas(stack) -> list[checkin.Question]:
    with db(stack) as s:
        return list(checkin.instrument(s).questions)


def invite(stack, referral_id, kind=InvitationKind.CHECKIN) -> int:
    """An invitation texted to her and delivered (as the worker and Twilio would)."""
    with db(stack) as s:
        s.execute(delete(SupportInvitation).where(SupportInvitation.referral_id == referral_id))
        referral = s.get(Referral, referral_id)
        row = SupportInvitation(
            kind=kind,
            referral_id=referral_id,
            woman_id=referral.woman_id,
            stage=ReadingStage.REVIEW if kind == InvitationKind.CHECKIN else None,
            due_on=today_london(),
        )
        s.add(row)
        s.flush()
        assert invitations.send_due(s) >= 1
        text = s.get(OutboxMessage, row.outbox_message_id)
        text.status, text.sent_at = OutboxStatus.SENT, utcnow()
        return row.id


def test_a_check_in_by_chat_with_a_skip_a_slip_and_a_stop_keeps_what_she_gave(stack, talk):
    referral_id = her(stack, talk)
    first, second, third = areas(stack)[:3]
    start = talk.say("/start_checkin")
    assert "10 short questions" in start.text and "skip any" in start.text
    assert f"1 of 10: {first.name}." in start.text and first.text in start.text
    assert start.titles[:2] == ["1", "2"] and start.titles[-2:] == ["Skip", "Stop for now"]
    assert f"2 of 10: {second.name}" in talk.say("7").text
    assert f"3 of 10: {third.name}" in talk.say("skip").text
    slip = talk.say("hmm not great")
    assert "Please choose a number from 1" in slip.text and f"3 of 10: {third.name}" in slip.text
    assert readings(stack, referral_id) == []  # nothing written mid-way
    assert "4 of 10" in talk.say("about a 4").text
    stop = talk.say("later")
    assert "stopped there" in stop.text and "saved" in stop.text
    [reading] = readings(stack, referral_id)
    assert reading.source == ReadingSource.HER and reading.stage == ReadingStage.START
    assert reading.scores == {str(first.area_id): 7, str(third.area_id): 4}
    # The form is over: a number now is not a score.
    assert readings(stack, referral_id)[0].scores == reading.scores


def test_her_yes_to_our_text_starts_the_check_in_and_a_no_is_taken_kindly(stack, talk):
    referral_id = her(stack, talk)
    invitation_id = invite(stack, referral_id)
    started = talk.say("yes")
    assert "1 of 10" in started.text
    for _ in range(10):
        last = talk.say("6")
    assert "Thank you, that's saved" in last.text and last.titles == ["How am I doing?"]
    [reading] = readings(stack, referral_id)
    assert len(reading.scores) == 10 and set(reading.scores.values()) == {6}
    with db(stack) as s:
        row = s.get(SupportInvitation, invitation_id)
        assert row.status == InvitationStatus.DONE and row.reading_id == reading.id
    invitation_id = invite(stack, referral_id)
    no = talk.say("no")
    assert "another time, just send CHECK IN" in no.text
    with db(stack) as s:
        assert s.get(SupportInvitation, invitation_id).status == InvitationStatus.DECLINED


def test_the_closing_survey_after_her_case_closes(stack, talk):
    referral_id = her(stack, talk)
    with db(stack) as s:
        s.execute(delete(SurveyResponse).where(SurveyResponse.referral_id == referral_id))
        referral = s.get(Referral, referral_id)
        referral.status, referral.closed_at = ReferralStatus.CLOSED, utcnow()
    invitation_id = invite(stack, referral_id, InvitationKind.SURVEY)
    first = talk.say("yes please")
    assert "1 of 5: I feel more confident than before." in first.text
    assert first.titles == ["Agree", "Not sure", "Disagree", "Skip"]
    assert "2 of 5" in talk.say("agree").text
    assert "3 of 5" in talk.say("skip").text
    children = talk.say("not sure")
    assert "4 of 5" in children.text and "Doesn't apply to me" in children.titles
    assert "5 of 5" in talk.say("not_applicable").text
    assert "anything else" in talk.say("Yes definitely").text
    done = talk.say("My keyworker listened to me")
    assert "Thank you for telling us" in done.text
    with db(stack) as s:
        row = s.execute(select(SurveyResponse).where(SurveyResponse.referral_id == referral_id)).scalar_one()
        assert row.answers == {
            "confident": "agree",
            "wellbeing": "not_sure",
            "children": "not_applicable",
            "less_likely_reoffend": "agree",
        }
        assert row.free_text == "My keyworker listened to me"
        assert s.get(SupportInvitation, invitation_id).status == InvitationStatus.DONE


def test_how_am_i_doing_shows_what_moved_and_her_star(stack, talk):
    referral_id = her(stack, talk)
    first, second, third = areas(stack)[:3]
    none_yet = talk.say("/how_am_i_doing")
    assert "haven't done a check-in yet" in none_yet.text and none_yet.titles == ["Start a check-in"]
    with db(stack) as s:
        referral = s.get(Referral, referral_id)
        for days, scores in ((100, {first.area_id: 3, second.area_id: 6, third.area_id: 5}),
                             (5, {first.area_id: 7, second.area_id: 4, third.area_id: 5})):  # fmt: skip
            s.add(
                OutcomeReading(
                    woman_id=referral.woman_id, referral_id=referral_id,
                    taken_on=today_london() - timedelta(days=days), stage=ReadingStage.REVIEW,
                    source=ReadingSource.KEYWORKER, scores={str(k): v for k, v in scores.items()},
                )
            )  # fmt: skip
    shown = talk.say("/how_am_i_doing")
    assert "(2 check-ins so far)" in shown.text
    assert f"Gone up: {first.name} 3 to 7." in shown.text
    assert f"Gone down: {second.name} 6 to 4." in shown.text
    assert f"The same: {third.name} 5 to 5." in shown.text
    [image] = shown.images
    assert image.startswith("/star/") and image.endswith(".svg")
    picture = requests.get(f"{stack.web_url}{image}", timeout=10)
    assert picture.status_code == 200 and picture.headers["content-type"].startswith("image/svg+xml")
    assert picture.headers["cache-control"].startswith("no-store")
    assert first.name.replace("&", "&amp;") in picture.text and "<path" in picture.text
    forged = image.replace(".svg", "").rsplit(".", 1)[0] + "." + "0" * 32 + ".svg"
    assert requests.get(f"{stack.web_url}{forged}", timeout=10).status_code == 404


def test_who_is_my_keyworker_and_a_follow_up_with_her_own_keyworker(stack, talk):
    referral_id = her(stack, talk, keyworker="Sam Okafor")
    mine = talk.say("/my_support")
    assert "Your keyworker is Sam Okafor." in mine.text
    assert mine.titles == ["Book a meeting", "How am I doing?", "Groups and activities"]
    with db(stack) as s:
        keyworker_id = s.get(Referral, referral_id).keyworker_id
        theirs = make_slot(s, local(working_day(4), 11))
        theirs.keyworker_id = keyworker_id
        make_slot(s, local(working_day(3), 10))  # another keyworker's: not offered
        theirs_id = theirs.id
    offer = talk.say("/book_appointment")
    assert "Let's book another meeting" in offer.text
    assert [b["payload"] for b in offer.buttons if b["payload"].startswith("slot ")] == [f"slot {theirs_id}"]
    talk.say("1")
    assert "booked" in talk.say("yes").text.lower()
    with db(stack) as s:
        follow_up = s.execute(
            select(Appointment).where(
                Appointment.referral_id == referral_id, Appointment.kind == AppointmentKind.FOLLOW_UP
            )
        ).scalar_one()
        assert follow_up.slot_id == theirs_id and follow_up.status == AppointmentStatus.BOOKED


def test_before_her_first_meeting_what_next_is_booking_it(stack, talk):
    her(stack, talk, attended=False)
    reply = talk.say("/my_support")
    assert "A keyworker hasn't been named for you yet" in reply.text and "first meeting" in reply.text
    assert reply.titles == ["Book one now"]


def test_words_she_types_reach_the_right_answers(stack, talk):
    her(stack, talk, keyworker="Sam Okafor")
    assert "Your keyworker is Sam Okafor" in talk.say("who is my keyworker?").text
    assert "haven't done a check-in yet" in talk.say("how am i doing").text
    assert "1 of 10" in talk.say("i want to do my check in").text
