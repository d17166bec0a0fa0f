"""Groups and activities over REST: real Rasa server, real action server, both databases.

Each test makes its own activities (all others are removed) and her record,
linked to the REST conversation as the SMS channel would link her phone. Her
request starts with the button payload "/ask_activities", so the tests do not
depend on how the model reads her words (needs a model trained with the
ask_activities intent).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from bot.db.models import OutboxMessage, OutboxStatus
from bot.db.models.support import Activity, ActivityBooking
from bot.db.session import session_scope
from tests.support.appointment_data import centre_id, local, make_referral, working_day
from tests.support.rest_talk import Talk

ASK = "/ask_activities"


@pytest.fixture
def talk(stack):
    return Talk(stack)


def db(stack):
    return session_scope(stack.database_url)


def clear_activities(session) -> None:
    session.execute(delete(ActivityBooking))
    session.execute(delete(Activity))
    session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.dedupe_key.like("activity:%"))
        .execution_options(synchronize_session=False)
    )


def her(stack, talk, **kw) -> int:
    """Her record, linked to this conversation; every other activity removed."""
    with db(stack) as s:
        clear_activities(s)
        return make_referral(
            s, conversation_id=talk.sender, phone=f"+4477009{int(talk.sender[-5:], 16) % 100000:05d}", **kw
        ).id


def activities(stack, *specs: tuple[str, int, int]) -> list[int]:
    """(title, working day, places) each, at 10:00 London."""
    with db(stack) as s:
        ids = []
        for title, day, places in specs:
            starts = local(working_day(day), 10)
            row = Activity(
                centre_id=centre_id(s),
                title=title,
                description="",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                places=places,
            )
            s.add(row)
            s.flush()
            ids.append(row.id)
        return ids


def bookings(stack, referral_id: int) -> list[ActivityBooking]:
    with db(stack) as s:
        rows = list(
            s.execute(
                select(ActivityBooking).where(ActivityBooking.referral_id == referral_id).order_by(ActivityBooking.id)
            )
            .unique()
            .scalars()
        )
        s.expunge_all()
        return rows


def booked_count(stack, activity_id: int) -> int:
    with db(stack) as s:
        return s.get(Activity, activity_id).booked_count


def reminder_status(stack, booking_id: int):
    with db(stack) as s:
        return s.execute(
            select(OutboxMessage.status).where(OutboxMessage.dedupe_key == f"activity:{booking_id}:day_before")
        ).scalar_one_or_none()


def test_she_asks_whats_on_picks_a_number_says_yes_and_gets_a_reminder(stack, talk):
    referral_id = her(stack, talk)
    art, yoga = activities(stack, ("Art group", 3, 6), ("Gentle yoga", 4, 1))
    listing = talk.say(ASK)
    assert "Here's what's on in the next 4 weeks:" in listing.text
    assert "1. Art group:" in listing.text and "(6 places left)" in listing.text
    assert "2. Gentle yoga:" in listing.text and "(1 place left)" in listing.text
    assert listing.payloads() == [f"activity {art}", f"activity {yoga}"]
    question = talk.say("2")
    assert "Book you a place at Gentle yoga" in question.text
    assert [b["title"] for b in question.buttons] == ["Yes, book it", "No thanks"]
    assert bookings(stack, referral_id) == []  # nothing written before her yes
    done = talk.say("yes")
    assert "Booked: Gentle yoga" in done.text and "reminder text the day before" in done.text
    [row] = bookings(stack, referral_id)
    assert (row.activity_id, row.status, row.booked_via) == (yoga, "booked", "rest")
    assert booked_count(stack, yoga) == 1
    assert reminder_status(stack, row.id) == OutboxStatus.PENDING
    # Full now: not offered to the next woman; what she has is shown to her.
    again = talk.say(ASK)
    assert "Gentle yoga" in again.text and "You have a place at:" in again.text
    assert f"activity {yoga}" not in again.payloads() and f"place {row.id}" in again.payloads()


def test_she_picks_by_button_then_says_no_and_nothing_is_booked(stack, talk):
    referral_id = her(stack, talk)
    [art] = activities(stack, ("Art group", 3, 6))
    talk.say(ASK)
    question = talk.say(f"activity {art}")
    assert "Book you a place at Art group" in question.text
    done = talk.say("no")
    assert "I haven't booked it" in done.text
    assert bookings(stack, referral_id) == [] and booked_count(stack, art) == 0


def test_she_calls_off_her_place_and_its_reminder_is_not_sent(stack, talk):
    referral_id = her(stack, talk)
    [art] = activities(stack, ("Art group", 4, 6))
    talk.say(ASK)
    talk.say(f"activity {art}")
    talk.say("yes")
    [row] = bookings(stack, referral_id)
    listing = talk.say(ASK)
    assert "You have a place at:" in listing.text and listing.payloads() == [f"place {row.id}"]
    question = talk.say(f"place {row.id}")
    assert "Call off your place at Art group" in question.text
    assert [b["title"] for b in question.buttons] == ["Yes, call it off", "No, keep it"]
    done = talk.say("yes")
    assert "is called off" in done.text
    [row] = bookings(stack, referral_id)
    assert row.status == "cancelled" and row.cancelled_at is not None
    assert booked_count(stack, art) == 0
    assert reminder_status(stack, row.id) == OutboxStatus.CANCELLED


def test_not_registered_is_told_kindly_and_offered_the_way_in(stack, talk):
    with db(stack) as s:
        clear_activities(s)
    activities(stack, ("Art group", 3, 6))
    reply = talk.say(ASK)
    assert "Our groups and activities are for women we support." in reply.text
    assert "your reference" in reply.text
    assert reply.payloads() == ["/self_refer", "/human_handoff"]


def test_nothing_on_says_so_and_offers_a_person(stack, talk):
    her(stack, talk)
    reply = talk.say(ASK)
    assert "no groups or activities with places free in the next 4 weeks" in reply.text
    assert reply.payloads() == ["/human_handoff"]
