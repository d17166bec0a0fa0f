"""Check-in and survey invitations (bot/support/invitations.py) and what she answers
(bot/support/service.py, checkin.py, survey.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from bot.appointments import booking
from bot.dates import today_london
from bot.db.models import OutboxMessage, OutboxStatus, ReferralStatus
from bot.db.models.appointments import AppointmentKind, AppointmentStatus
from bot.db.models.outcomes import OutcomeReading, ReadingSource, ReadingStage
from bot.db.models.support import InvitationKind, InvitationStatus, SupportInvitation, SurveyResponse
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.staff import outcomes as staff_outcomes
from bot.support import checkin, invitations, service, survey
from bot.wording.discreet import is_discreet
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot, working_day


def _attended(session, referral):
    slot = make_slot(session, local(working_day(1), 9 + referral.id % 8, 5 * (referral.id % 10)))
    appointment = booking.book(session, referral.id, slot.id, AppointmentKind.ASSESSMENT, via="rest")
    appointment.status = AppointmentStatus.ATTENDED
    session.flush()
    return appointment


def _fresh(session):
    clear_slots(session)
    session.execute(delete(SupportInvitation))
    session.execute(delete(SurveyResponse))
    session.execute(delete(OutcomeReading))
    session.execute(delete(OutboxMessage).where(OutboxMessage.kind == "invitation"))
    staff_outcomes.seed_sample(session)


def _invites(session, referral_id):
    return [
        (i.kind, i.stage, i.status)
        for i in session.execute(
            select(SupportInvitation).where(SupportInvitation.referral_id == referral_id).order_by(SupportInvitation.id)
        ).scalars()
    ]


def test_a_start_check_in_once_her_first_meeting_is_attended_and_only_once(db_url):
    with session_scope() as s:
        _fresh(s)
        waiting = make_referral(s)
        seen = make_referral(s, phone="+447700900124")
        _attended(s, seen)
        invitations.plan_due(s)
        invitations.plan_due(s)  # the next hour's run adds nothing
        assert _invites(s, waiting.id) == []
        assert _invites(s, seen.id) == [(InvitationKind.CHECKIN, ReadingStage.START, InvitationStatus.SCHEDULED)]


def test_a_review_every_three_months_after_her_latest_reading(db_url):
    with session_scope() as s:
        _fresh(s)
        referral = make_referral(s)
        referral.created_at = utcnow() - timedelta(days=200)
        _attended(s, referral)
        area = checkin.instrument(s).questions[0].area_id
        s.add(
            OutcomeReading(
                woman_id=referral.woman_id, referral_id=referral.id, taken_on=today_london() - timedelta(days=60),
                stage=ReadingStage.START, source=ReadingSource.KEYWORKER, scores={str(area): 4},
            )
        )  # fmt: skip
        s.flush()
        invitations.plan_due(s)
        assert _invites(s, referral.id) == []  # 60 days: not yet
        invitations.plan_due(s, today=today_london() + timedelta(days=31))
        assert _invites(s, referral.id) == [(InvitationKind.CHECKIN, ReadingStage.REVIEW, InvitationStatus.SCHEDULED)]
        invitations.plan_due(s, today=today_london() + timedelta(days=32))
        assert len(_invites(s, referral.id)) == 1  # one open already


def test_closing_a_case_asks_for_the_last_check_in_and_the_survey(db_url):
    with session_scope() as s:
        _fresh(s)
        referral = make_referral(s)
        _attended(s, referral)
        invitations.plan_due(s)  # the start check-in
        s.add(
            OutcomeReading(
                woman_id=referral.woman_id, referral_id=referral.id, taken_on=today_london(),
                stage=ReadingStage.START, source=ReadingSource.HER, scores={"1": 5},
            )
        )  # fmt: skip
        referral.status = ReferralStatus.CLOSED
        referral.closed_at = utcnow()
        s.flush()
        invitations.plan_due(s)
        assert _invites(s, referral.id) == [
            (InvitationKind.CHECKIN, ReadingStage.START, InvitationStatus.CANCELLED),
            (InvitationKind.CHECKIN, ReadingStage.END, InvitationStatus.SCHEDULED),
            (InvitationKind.SURVEY, None, InvitationStatus.SCHEDULED),
        ]


def test_a_due_invitation_is_texted_discreetly_once_and_not_to_a_phone_that_is_not_safe(db_url):
    with session_scope() as s:
        _fresh(s)
        safe = make_referral(s, safe=True)
        unsafe = make_referral(s, safe=False, phone="+447700900125")
        for referral in (safe, unsafe):
            _attended(s, referral)
        invitations.plan_due(s)
        assert invitations.send_due(s) == 1
        assert invitations.send_due(s) == 0  # sent already: no second text
        texts = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).scalars().all()
        assert [t.to_address for t in texts] == ["+447700900123"]
        assert "Reply YES to start" in texts[0].body and is_discreet(texts[0].body)
        assert _invites(s, unsafe.id)[0][2] == InvitationStatus.SCHEDULED  # waits for her in the chat


def test_her_yes_is_matched_to_the_text_she_answers_and_a_no_declines_it(db_url):
    with session_scope() as s:
        _fresh(s)
        referral = make_referral(s, conversation_id="support-db-1")
        _attended(s, referral)
        invitations.plan_due(s)
        invitations.send_due(s)
        text = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).scalar_one()
        assert invitations.pending_reply(s, referral.woman_id, utcnow()) is None  # not sent yet
        text.status, text.sent_at = OutboxStatus.SENT, utcnow()
        invitation_id = _invitation_id(s, referral.id)
    found = service.pending_invitation("support-db-1", "rest")
    assert found is not None and found.id == invitation_id and found.kind == InvitationKind.CHECKIN
    by_number = service.pending_invitation("+447700900123", "sms")
    assert by_number is not None and by_number.id == invitation_id
    service.decline(invitation_id)
    assert service.pending_invitation("support-db-1", "rest") is None
    with session_scope() as s:
        assert _invites(s, referral.id)[0][2] == InvitationStatus.DECLINED


def _invitation_id(s, referral_id):
    return s.execute(select(SupportInvitation.id).where(SupportInvitation.referral_id == referral_id)).scalar_one()


def test_a_check_in_plan_saves_her_scores_as_her_reading_and_closes_the_invitation(db_url):
    with session_scope() as s:
        _fresh(s)
        referral = make_referral(s, conversation_id="support-db-2")
        _attended(s, referral)
        invitations.plan_due(s)
        invitation_id = _invitation_id(s, referral.id)
    plan = service.plan("support-db-2", "rest")
    assert plan.kind == "checkin" and plan.invitation_id == invitation_id and plan.stage == "start"
    assert len(plan.steps) == 10 and all(step.startswith("area:") for step in plan.steps)
    first, second = plan.steps[0], plan.steps[1]
    assert service.finish(plan.referral_id, "checkin", invitation_id, plan.stage, {first: 7, second: 3})
    with session_scope() as s:
        reading = s.execute(select(OutcomeReading).where(OutcomeReading.referral_id == referral.id)).scalar_one()
        assert reading.source == ReadingSource.HER and reading.stage == ReadingStage.START
        assert reading.scores == {first[5:]: 7, second[5:]: 3}
        row = s.get(SupportInvitation, invitation_id)
        assert row.status == InvitationStatus.DONE and row.reading_id == reading.id
    # Nothing scored: nothing saved, and the next plan is a review of her own.
    assert not service.finish(plan.referral_id, "checkin", None, "review", {})
    assert service.plan("support-db-2", "rest").stage == "review"


def test_the_survey_plan_asks_consent_unless_she_said_yes_and_keeps_answers_without_her_name(db_url):
    with session_scope() as s:
        _fresh(s)
        referral = make_referral(s, conversation_id="support-db-3")
        _attended(s, referral)
        referral.status = ReferralStatus.CLOSED
        referral.closed_at = utcnow()
        s.flush()
        invitations.plan_due(s)
        survey_id = s.execute(
            select(SupportInvitation.id).where(SupportInvitation.kind == InvitationKind.SURVEY)
        ).scalar_one()
    plan = service.plan("support-db-3", "rest", survey_id)
    assert plan.kind == "survey" and plan.steps[0] == service.CONSENT and plan.steps[-1] == service.FREE_TEXT
    assert service.plan("support-db-3", "rest", survey_id, consented=True).steps[0] == "q:confident"
    service.finish(referral.id, "survey", survey_id, None, {"q:confident": "agree", "q:children": "not_applicable",
                                                             "free_text": "Thank you Sam"})  # fmt: skip
    with session_scope() as s:
        row = s.execute(select(SurveyResponse)).scalar_one()
        assert row.answers == {"confident": "agree", "children": "not_applicable"}
        assert row.free_text == "Thank you Sam"
        assert s.get(SupportInvitation, survey_id).status == InvitationStatus.DONE
        # Erasing her takes the invitations and her answers with her.
        from bot.privacy.erasure import erase_woman  # noqa: PLC0415

        erase_woman(s, referral.woman_id)
    with session_scope() as s:
        assert s.execute(select(SurveyResponse)).first() is None
        assert s.execute(select(SupportInvitation)).first() is None


def test_scores_and_survey_answers_as_she_types_them():
    assert [checkin.parse_score(t) for t in ("7", "7/10", "about a 6", "6 out of 10", "a seven", "10!")] == [
        7, 7, 6, 6, 7, 10,
    ]  # fmt: skip
    assert [checkin.parse_score(t) for t in ("0", "11", "fine", "", "2.5")] == [None, None, None, None, None]
    parse = survey.parse_answer
    assert [parse(t) for t in ("agree", "Yes definitely", "not sure", "no", "Disagree", "n/a")] == [
        "agree", "agree", "not_sure", "disagree", "disagree", None,
    ]  # fmt: skip
    assert parse("no kids", allow_not_applicable=True) == "not_applicable"
    assert parse("banana") is None
