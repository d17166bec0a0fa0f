"""Passwords, lockout and sessions, in the database layer (both backends)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.models import Staff, StaffRole
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.staff.accounts import MAX_FAILED_LOGINS, AccountError, authenticate, create_staff
from bot.staff.sessions import load_session, start_session
from bot.staff.team_hours import is_open, when_in_touch

GOOD = "a long enough passphrase"


def new_staff(email="kw@example.org") -> int:
    with session_scope() as session:
        return create_staff(session, email=email, name="Kw", role=StaffRole.KEYWORKER, password=GOOD).id


def test_password_is_hashed_with_argon2(db_url):
    staff_id = new_staff()
    with session_scope() as session:
        stored = session.get(Staff, staff_id).password_hash
    assert stored.startswith("$argon2id$") and GOOD not in stored


def test_short_password_and_duplicate_email_are_refused(db_url):
    new_staff()
    with session_scope() as session, pytest.raises(AccountError, match="12"):
        create_staff(session, email="x@example.org", name="X", role="keyworker", password="short")
    with session_scope() as session, pytest.raises(AccountError, match="already"):
        create_staff(session, email="KW@example.org", name="X", role="keyworker", password=GOOD)


def test_lockout_after_repeated_failures_refuses_even_the_right_password(db_url):
    staff_id = new_staff()
    now = utcnow()
    for attempt in range(MAX_FAILED_LOGINS):
        with session_scope() as session:
            result = authenticate(session, "kw@example.org", f"wrong {attempt}", now=now)
        assert not result.ok
    assert result.locked
    with session_scope() as session:
        assert not authenticate(session, "kw@example.org", GOOD, now=now + timedelta(minutes=5)).ok
        assert session.get(Staff, staff_id).locked_until > now
    with session_scope() as session:  # the lock runs out
        assert authenticate(session, "kw@example.org", GOOD, now=now + timedelta(minutes=16)).ok


def test_lockout_ends_open_sessions(db_url):
    staff_id = new_staff()
    with session_scope() as session:
        token = start_session(session, staff_id)
    for _ in range(MAX_FAILED_LOGINS):
        with session_scope() as session:
            authenticate(session, "kw@example.org", "wrong")
    with session_scope() as session:
        assert load_session(session, token) is None


def test_session_expires_when_idle(db_url):
    staff_id = new_staff()
    with session_scope() as session:
        token = start_session(session, staff_id)
    with session_scope() as session:
        assert load_session(session, token).staff_id == staff_id
        assert load_session(session, token, now=utcnow() + timedelta(hours=2)) is None
        assert load_session(session, "not-a-token") is None


def test_team_hours_and_out_of_hours_promise():
    from datetime import datetime, timezone

    hours = "Mon-Fri 09:30-17:00"
    monday_10 = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    friday_night = datetime(2026, 11, 27, 19, 0, tzinfo=timezone.utc)
    christmas_eve = datetime(2026, 12, 24, 18, 0, tzinfo=timezone.utc)
    assert is_open(monday_10, hours) and not is_open(friday_night, hours)
    assert when_in_touch(friday_night, hours) == "on Monday after 9:30am"
    assert when_in_touch(christmas_eve, hours) == "on Tuesday after 9:30am"  # Christmas and Boxing Day off
    with pytest.raises(ValueError):
        is_open(monday_10, "weekdays nine to five")


def test_cli_creates_the_first_admin(db_url):
    import os
    import subprocess
    import sys

    from bot.settings import REPO_ROOT
    from bot.staff.accounts import by_email

    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "DATABASE_URL": db_url, "ELPIS_NEW_PASSWORD": GOOD}
    done = subprocess.run(
        [sys.executable, "-m", "bot.staff", "create-admin", "--email", "First@Example.org", "--name", "First Admin"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    with session_scope() as session:
        staff = by_email(session, "first@example.org")
        assert staff.role == StaffRole.ADMIN and authenticate(session, "first@example.org", GOOD).ok
    again = subprocess.run(
        [sys.executable, "-m", "bot.staff", "create-admin", "--email", "first@example.org", "--name", "Again"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 1 and "already" in again.stderr


def test_demo_admin_only_on_the_embedded_default(db_url, monkeypatch, capsys):
    from bot.db.session import session_scope as scope
    from bot.staff import demo
    from bot.staff.accounts import by_email

    assert demo.ensure_demo_admin(db_url) is None  # a test or real database: never
    monkeypatch.setattr(demo, "default_database_url", lambda: db_url)  # pretend this is var/elpis.db
    password = demo.ensure_demo_admin(db_url)
    assert password and password in capsys.readouterr().out
    with scope() as session:
        assert authenticate(session, demo.DEMO_EMAIL, password).ok
        assert by_email(session, demo.DEMO_EMAIL).role == StaffRole.ADMIN
    second = demo.ensure_demo_admin(db_url)  # a new run: a new password, still one account
    with scope() as session:
        assert not authenticate(session, demo.DEMO_EMAIL, password).ok
        assert authenticate(session, demo.DEMO_EMAIL, second).ok
