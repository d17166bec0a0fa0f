"""Alert notices a keyworker can live with (issue 16, point 3), on both databases.

A burst of alerts gives each person one text at once at most plus one digest
per gap, with the right counts; urgent is never held behind a plain notice;
escalation never reaches a locked, inactive or off-duty keyworker; two workers
send each digest once. Simulated time: the notifier's clock is patched.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.db.models import Alert, AlertReason, AlertStatus, AlertUrgency, OutboxMessage, Staff, StaffRole
from bot.db.models.alerts import AlertNotice
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.staff import alert_notify
from bot.staff.accounts import create_staff
from bot.staff.alert_notify import escalate_overdue, raise_and_notify, send_alert_notices

SEEDED_PHONE = "+447700900999"  # the seeded on-duty SAMPLE keyworker
SECOND_PHONE = "+447700900002"
GAP = timedelta(minutes=10)
DIGEST_RE = re.compile(
    r"^(?:(\d+) new alerts? in Elpis(?:, (\d+) urgent)?)?(?:; )?"
    r"(?:(\d+) urgent alerts?(?: in Elpis)? not yet seen)?\. Please log in\.$"
)
# Several per conversation: the same reason again is the same open alert; other reasons are new ones.
REASONS = [
    AlertReason.HUMAN_REQUESTED,
    AlertReason.BOT_STUCK,
    AlertReason.CRISIS,
    AlertReason.OUT_OF_COVERAGE,
    AlertReason.NO_SLOT,
]


class Clock:
    def __init__(self, monkeypatch):
        self.now = utcnow()
        monkeypatch.setattr(alert_notify, "utcnow", lambda: self.now)

    def advance(self, **kw):
        self.now += timedelta(**kw)
        return self.now


@pytest.fixture
def clock(db_url, monkeypatch):
    return Clock(monkeypatch)


def texts_to(phone: str) -> list[str]:
    with session_scope() as session:
        return list(
            session.execute(
                select(OutboxMessage.body)
                .where(
                    OutboxMessage.kind == "alert",
                    OutboxMessage.channel == "sms",
                    OutboxMessage.to_address == phone,
                )
                .order_by(OutboxMessage.id)
            ).scalars()
        )


def counts(body: str) -> tuple[int, int, int]:
    """(new, urgent among new, urgent not yet seen) from a digest text."""
    match = DIGEST_RE.match(body)
    assert match, body
    return tuple(int(g or 0) for g in match.groups())


def notice_times(staff_id: int) -> list:
    """When each notice to this person went (simulated time), in order."""
    with session_scope() as session:
        return list(
            session.execute(
                select(func.min(AlertNotice.at))
                .where(AlertNotice.staff_id == staff_id)
                .group_by(AlertNotice.notice_seq)
                .order_by(AlertNotice.notice_seq)
            ).scalars()
        )


def seeded_keyworker_id() -> int:
    with session_scope() as session:
        return session.execute(select(Staff.id).where(Staff.email == "keyworker@example.org")).scalar_one()


def add_staff(
    email: str, role: StaffRole = StaffRole.KEYWORKER, phone: str | None = None, on_duty: bool = False, **fields
) -> int:
    with session_scope() as session:
        person = create_staff(session, email=email, name=email.split("@")[0], role=role, phone=phone, on_duty=on_duty)
        for name, value in fields.items():
            setattr(person, name, value)
        return person.id


def raise_at(conversation: str, reason: AlertReason) -> None:
    with session_scope() as session:
        raise_and_notify(session, reason, conversation_id=conversation, channel="rest")


def test_burst_of_50_alerts_gives_each_keyworker_a_few_digests_with_the_right_counts(clock):
    seeded = seeded_keyworker_id()
    second = add_staff("second@example.org", phone=SECOND_PHONE, on_duty=True)
    admin = add_staff("boss@example.org", StaffRole.ADMIN, phone="07700 900001")
    start = clock.now
    # 50 alerts raised over five minutes, the worker's job every simulated minute.
    for i in range(50):
        clock.now = start + timedelta(seconds=6 * i)
        raise_at(f"burst-{i % 12}", REASONS[(i // 12 + i) % len(REASONS)])
        if i % 10 in (0, 5):  # the worker's job, twice a simulated minute
            send_alert_notices(now=clock.now)
    for minute in range(6, 13):
        send_alert_notices(now=start + timedelta(minutes=minute))

    with session_scope() as session:
        alerts = session.execute(select(Alert.urgency)).scalars().all()
    total, urgent = len(alerts), sum(u == AlertUrgency.URGENT for u in alerts)
    assert total > 30 and 0 < urgent < total  # several alerts per conversation, some urgent
    for phone, staff_id in ((SEEDED_PHONE, seeded), (SECOND_PHONE, second)):
        bodies = texts_to(phone)
        times = notice_times(staff_id)
        got = [counts(b) for b in bodies]
        # Not one per alert: the first (plain) alert's digest, the first urgent one
        # at once, then one digest of everything else when the gap has passed.
        assert len(bodies) == len(times) == 3, bodies
        # The rule: a gap between texts, broken only by urgent news after a text with none.
        for (before, after), (was, now) in zip(zip(times, times[1:]), zip(got, got[1:])):
            urgent_now, urgent_before = now[1] + now[2] > 0, was[1] + was[2] > 0
            assert after - before >= GAP or (urgent_now and not urgent_before), bodies
        # Every alert counted once, urgent ones as urgent.
        assert sum(n for n, _, _ in got) == total and sum(u for _, u, _ in got) == urgent
    assert texts_to("+447700900001") == []  # off-duty admin: nothing to escalate yet
    assert notice_times(admin) == []


def test_the_gap_holds_plain_alerts_until_it_has_passed(clock):
    raise_at("plain-1", AlertReason.HUMAN_REQUESTED)
    assert texts_to(SEEDED_PHONE) == []  # plain alerts wait for the worker
    assert send_alert_notices(now=clock.now) == 1
    assert texts_to(SEEDED_PHONE) == ["1 new alert in Elpis. Please log in."]
    for step in range(1, 10):
        clock.advance(minutes=1)
        raise_at(f"plain-{step + 1}", AlertReason.BOT_STUCK)
        assert send_alert_notices(now=clock.now) == 0
    assert len(texts_to(SEEDED_PHONE)) == 1
    clock.advance(minutes=1)
    assert send_alert_notices(now=clock.now) == 1
    assert texts_to(SEEDED_PHONE)[-1] == "9 new alerts in Elpis. Please log in."
    assert send_alert_notices(now=clock.advance(minutes=30)) == 0  # nothing new: no text


def test_urgent_alert_goes_at_once_when_the_last_text_had_no_urgent(clock):
    raise_at("u-1", AlertReason.HUMAN_REQUESTED)
    send_alert_notices(now=clock.now)
    clock.advance(minutes=2)
    raise_at("u-2", AlertReason.BOT_STUCK)
    raise_at("u-3", AlertReason.CRISIS)
    # Queued by raise_and_notify itself, inside the gap, counting the plain one it folds in.
    assert texts_to(SEEDED_PHONE) == [
        "1 new alert in Elpis. Please log in.",
        "2 new alerts in Elpis, 1 urgent. Please log in.",
    ]
    # That text counted an urgent alert: the next urgent one waits for the gap, no longer.
    clock.advance(minutes=1)
    raise_at("u-4", AlertReason.CRISIS)
    assert len(texts_to(SEEDED_PHONE)) == 2
    assert send_alert_notices(now=clock.now + timedelta(minutes=8)) == 0
    assert send_alert_notices(now=clock.now + timedelta(minutes=9)) == 1  # 10 minutes after the urgent text
    assert texts_to(SEEDED_PHONE)[-1] == "1 new alert in Elpis, 1 urgent. Please log in."
    # First urgent alert after a quiet spell: at once, no worker needed.
    clock.advance(minutes=30)
    raise_at("u-5", AlertReason.NO_SLOT)
    assert texts_to(SEEDED_PHONE)[-1] == "1 new alert in Elpis, 1 urgent. Please log in."
    assert len(texts_to(SEEDED_PHONE)) == 4


def test_escalation_never_reaches_locked_inactive_or_off_duty_keyworkers(clock):
    far = clock.now + timedelta(days=1)
    good_admin = add_staff("admin@example.org", StaffRole.ADMIN, phone="07700 900011")
    off_duty = add_staff("offduty@example.org", phone="07700 900012")
    new_locked_admin = add_staff("locked@example.org", StaffRole.ADMIN, phone="07700 900013", locked_until=far)
    inactive_admin = add_staff("gone@example.org", StaffRole.ADMIN, phone="07700 900014", active=False)
    locked_on_duty = add_staff("lockedkw@example.org", phone="07700 900015", on_duty=True, locked_until=far)
    for i in range(5):
        raise_at(f"esc-{i}", AlertReason.CRISIS)
    raise_at("esc-acked", AlertReason.MISSED_APPOINTMENT)
    with session_scope() as session:
        session.execute(
            update(Alert).where(Alert.conversation_id == "esc-acked").values(status=AlertStatus.ACKNOWLEDGED)
        )
    later = clock.advance(minutes=16)
    with ThreadPoolExecutor(2) as pool:
        escalated = list(pool.map(lambda _: escalate_overdue(now=later), range(2)))
    assert sorted(escalated) == [0, 5]  # each alert escalated once; the acknowledged one not at all
    send_alert_notices(now=later)
    send_alert_notices(now=later + timedelta(minutes=1))
    with session_scope() as session:
        told = Counter(session.execute(select(AlertNotice.staff_id).where(AlertNotice.kind == "escalated")).scalars())
        # Bodies are encrypted at rest: compared here, not in SQL.
        to = Counter(
            m.to_address
            for m in session.execute(select(OutboxMessage)).scalars()
            if m.body == "5 urgent alerts in Elpis not yet seen. Please log in."
        )
    assert set(told) == {seeded_keyworker_id(), good_admin}
    assert not {off_duty, new_locked_admin, inactive_admin, locked_on_duty} & set(told)
    # One escalation message per person and channel, not one per alert.
    assert to == {SEEDED_PHONE: 1, "keyworker@example.org": 1, "+447700900011": 1, "admin@example.org": 1}
    for locked in ("+447700900013", "+447700900014", "+447700900015", "+447700900012"):
        assert texts_to(locked) == []


def test_two_workers_running_the_digest_job_at_once_send_once(clock):
    add_staff("second@example.org", phone=SECOND_PHONE, on_duty=True)
    for round_ in range(4):
        for i in range(6):
            raise_at(f"race-{round_}-{i}", AlertReason.HUMAN_REQUESTED)
        now = clock.advance(minutes=11)
        with ThreadPoolExecutor(2) as pool:
            told = list(pool.map(lambda _: send_alert_notices(now=now), range(2)))  # noqa: B023 - run within this round
        assert sum(told) == 2, told  # each of the two on-duty keyworkers, once
    for phone in (SEEDED_PHONE, SECOND_PHONE):
        assert texts_to(phone) == ["6 new alerts in Elpis. Please log in."] * 4
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(AlertNotice)).scalar_one() == 2 * 24


def test_the_gap_is_a_setting(clock, monkeypatch):
    from bot.settings import load_settings

    assert load_settings({}).alert_notify_gap_minutes == 10
    three = load_settings({**os.environ, "ELPIS_ALERT_NOTIFY_GAP_MINUTES": "3"})
    monkeypatch.setattr(alert_notify, "get_settings", lambda: three)
    raise_at("g-1", AlertReason.HUMAN_REQUESTED)
    assert send_alert_notices(now=clock.now) == 1
    raise_at("g-2", AlertReason.HUMAN_REQUESTED)
    assert send_alert_notices(now=clock.now + timedelta(minutes=2)) == 0
    assert send_alert_notices(now=clock.now + timedelta(minutes=3)) == 1
