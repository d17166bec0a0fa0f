"""Urgent alerts reach on-duty staff at once (SMS and email, via the outbox, no personal
detail), plain ones in the worker's digest, and unacknowledged ones escalate once, even
with several workers. Both databases. Digests and the gap: test_alert_digest.py."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select, update

from bot.db.models import Alert, AlertReason, AlertStatus, OutboxMessage, Staff, StaffRole, Woman
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.staff.accounts import create_staff
from bot.staff.alert_notify import escalate_overdue, raise_and_notify, send_alert_notices

URGENT_TEXT = "1 new alert in Elpis, 1 urgent. Please log in."
ESCALATED_TEXT = "1 urgent alert in Elpis not yet seen. Please log in."


def alert_messages() -> list[OutboxMessage]:
    with session_scope() as session:
        return list(
            session.execute(
                select(OutboxMessage).where(OutboxMessage.kind == "alert").order_by(OutboxMessage.id)
            ).scalars()
        )


def make_people(session):
    admin = create_staff(
        session, email="boss@example.org", name="Boss", role=StaffRole.ADMIN, phone="07700 900001", on_duty=False
    )
    spare = create_staff(session, email="spare@example.org", name="Spare", role=StaffRole.KEYWORKER, on_duty=False)
    return admin.id, spare.id


def test_urgent_alert_queues_sms_and_email_for_on_duty_staff(db_url):
    with session_scope() as session:
        woman = Woman(preferred_name="Jo Secret", phone_e164="+447700900123", safe_to_text=True)
        session.add(woman)
        session.flush()
        raise_and_notify(session, AlertReason.CRISIS, conversation_id="c-1", channel="rest", woman_id=woman.id)
    rows = alert_messages()
    # The seeded SAMPLE keyworker is on duty, with a phone and an email.
    assert {(r.channel, r.to_address) for r in rows} == {("sms", "+447700900999"), ("email", "keyworker@example.org")}
    for row in rows:
        assert row.body == URGENT_TEXT and row.kind == "alert"
        assert "Jo" not in row.body and "crisis" not in row.body.lower()


def test_same_alert_again_sends_nothing_more(db_url):
    with session_scope() as session:
        first = raise_and_notify(session, AlertReason.CRISIS, conversation_id="c-2", channel="rest").id
    with session_scope() as session:
        second = raise_and_notify(session, AlertReason.CRISIS, conversation_id="c-2", channel="rest").id
    assert first == second
    assert len(alert_messages()) == 2
    assert send_alert_notices() == 0  # already told


def test_normal_alert_waits_for_the_workers_digest(db_url):
    with session_scope() as session:
        raise_and_notify(session, AlertReason.OUT_OF_COVERAGE, conversation_id="c-3")
    assert alert_messages() == []
    assert send_alert_notices() == 1
    assert {r.body for r in alert_messages()} == {"1 new alert in Elpis. Please log in."}


def test_nobody_on_duty_tells_the_admins_at_once(db_url):
    with session_scope() as session:
        session.execute(update(Staff).values(on_duty=False))
        make_people(session)
        raise_and_notify(session, AlertReason.CRISIS, conversation_id="c-4")
    assert {r.to_address for r in alert_messages()} == {"+447700900001", "boss@example.org"}


def test_unacknowledged_urgent_alert_escalates_once_with_two_workers(db_url):
    with session_scope() as session:
        make_people(session)
        alert_id = raise_and_notify(session, AlertReason.CRISIS, conversation_id="c-5").id
        acked = raise_and_notify(session, AlertReason.MISSED_APPOINTMENT, conversation_id="c-6")
        acked.status = AlertStatus.ACKNOWLEDGED
    assert escalate_overdue() == 0  # not overdue yet
    later = utcnow() + timedelta(minutes=16)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: escalate_overdue(now=later), range(2)))
    assert sorted(results) == [0, 1]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _: send_alert_notices(now=later), range(2)))
    escalated = [r for r in alert_messages() if r.body == ESCALATED_TEXT]
    # The on-duty keyworker again and the admin; never the off-duty keyworker. Once each.
    assert sorted(r.to_address for r in escalated) == sorted(
        ["+447700900999", "keyworker@example.org", "+447700900001", "boss@example.org"]
    )
    with session_scope() as session:
        assert session.get(Alert, alert_id).escalated_at is not None
    assert escalate_overdue(now=later + timedelta(hours=1)) == 0
    assert send_alert_notices(now=later + timedelta(hours=1)) == 0
