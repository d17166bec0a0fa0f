"""Urgent alerts reach on-duty staff (SMS and email, via the outbox, no personal detail),
and unacknowledged ones escalate once, even with several workers. Both databases."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select, update

from bot.db.crud.alerts import raise_alert
from bot.db.models import Alert, AlertReason, AlertStatus, OutboxMessage, Staff, StaffRole, Woman
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.staff.accounts import create_staff
from bot.staff.alert_notify import ESCALATED_TEXT, URGENT_TEXT, escalate_overdue


def alert_messages(alert_id: int) -> list[OutboxMessage]:
    with session_scope() as session:
        return list(session.execute(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"alert:{alert_id}:%"))
            .order_by(OutboxMessage.id)
        ).scalars())


def make_people(session):
    admin = create_staff(session, email="boss@example.org", name="Boss", role=StaffRole.ADMIN,
                         phone="07700 900001", on_duty=False)
    spare = create_staff(session, email="spare@example.org", name="Spare", role=StaffRole.KEYWORKER, on_duty=False)
    return admin.id, spare.id


def test_urgent_alert_queues_sms_and_email_for_on_duty_staff(db_url):
    with session_scope() as session:
        woman = Woman(preferred_name="Jo Secret", phone_e164="+447700900123", safe_to_text=True)
        session.add(woman)
        session.flush()
        alert = raise_alert(session, AlertReason.CRISIS, conversation_id="c-1", channel="rest", woman_id=woman.id)
        alert_id = alert.id
    rows = alert_messages(alert_id)
    # The seeded SAMPLE keyworker is on duty, with a phone and an email.
    assert {(r.channel, r.to_address) for r in rows} == {("sms", "+447700900999"), ("email", "keyworker@example.org")}
    for row in rows:
        assert row.body == URGENT_TEXT and row.kind == "alert"
        assert "Jo" not in row.body and "crisis" not in row.body.lower()


def test_same_alert_again_sends_nothing_more(db_url):
    with session_scope() as session:
        first = raise_alert(session, AlertReason.CRISIS, conversation_id="c-2", channel="rest").id
    with session_scope() as session:
        second = raise_alert(session, AlertReason.CRISIS, conversation_id="c-2", channel="rest").id
    assert first == second
    assert len(alert_messages(first)) == 2


def test_normal_alert_sends_nothing(db_url):
    with session_scope() as session:
        alert_id = raise_alert(session, AlertReason.OUT_OF_COVERAGE, conversation_id="c-3").id
    assert alert_messages(alert_id) == []


def test_nobody_on_duty_tells_the_admins_at_once(db_url):
    with session_scope() as session:
        session.execute(update(Staff).values(on_duty=False))
        make_people(session)
        alert_id = raise_alert(session, AlertReason.CRISIS, conversation_id="c-4").id
    assert {r.to_address for r in alert_messages(alert_id)} == {"+447700900001", "boss@example.org"}


def test_unacknowledged_urgent_alert_escalates_once_with_two_workers(db_url):
    with session_scope() as session:
        make_people(session)
        alert_id = raise_alert(session, AlertReason.CRISIS, conversation_id="c-5").id
        acked = raise_alert(session, AlertReason.MISSED_APPOINTMENT, conversation_id="c-6")
        acked.status = AlertStatus.ACKNOWLEDGED
        acked_id = acked.id
    assert escalate_overdue() == 0  # not overdue yet
    later = utcnow() + timedelta(minutes=16)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: escalate_overdue(now=later), range(2)))
    assert sorted(results) == [0, 1]
    escalated = [r for r in alert_messages(alert_id) if r.body == ESCALATED_TEXT]
    assert {r.to_address for r in escalated} == {"+447700900001", "boss@example.org", "spare@example.org"}
    assert [r for r in alert_messages(acked_id) if r.body == ESCALATED_TEXT] == []
    with session_scope() as session:
        assert session.get(Alert, alert_id).escalated_at is not None
    assert escalate_overdue(now=later + timedelta(hours=1)) == 0
