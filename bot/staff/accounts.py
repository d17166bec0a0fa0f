"""Staff accounts: creation, login with lockout, on-duty status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db.models import Staff, StaffRole
from bot.db.models.staff_app import StaffSession
from bot.db.types import utcnow
from bot.staff.passwords import hash_password, needs_rehash, password_problem, verify_password

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


class AccountError(ValueError):
    """A clear reason an account change was refused (shown to the admin)."""


@dataclass(frozen=True)
class LoginResult:
    staff_id: int | None
    locked: bool = False

    @property
    def ok(self) -> bool:
        return self.staff_id is not None


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def normalise_phone(phone: str | None) -> str | None:
    if not phone or not phone.strip():
        return None
    try:
        number = phonenumbers.parse(phone, "GB")
    except phonenumbers.NumberParseException as exc:
        raise AccountError("That phone number doesn't look right.") from exc
    # "possible", not "valid": Ofcom's drama range (07700 900xxx) is fine for tests and demos.
    if not phonenumbers.is_possible_number(number):
        raise AccountError("That phone number doesn't look right.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def by_email(session: Session, email: str) -> Staff | None:
    return session.execute(select(Staff).where(func.lower(Staff.email) == normalise_email(email))).scalar_one_or_none()


def create_staff(
    session: Session,
    *,
    email: str,
    name: str,
    role: StaffRole | str,
    password: str | None = None,
    phone: str | None = None,
    on_duty: bool = False,
) -> Staff:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or " " in email:
        raise AccountError("Enter a valid email address.")
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise AccountError("Enter a name (up to 120 characters).")
    if by_email(session, email) is not None:
        raise AccountError("There is already an account with that email.")
    if password is not None and (problem := password_problem(password)):
        raise AccountError(problem)
    staff = Staff(
        email=email,
        name=name,
        role=StaffRole(role),
        phone_e164=normalise_phone(phone),
        password_hash=hash_password(password) if password else None,
        on_duty=on_duty,
    )
    session.add(staff)
    session.flush()
    return staff


def set_password(session: Session, staff: Staff, password: str) -> None:
    if problem := password_problem(password):
        raise AccountError(problem)
    staff.password_hash = hash_password(password)
    staff.failed_logins, staff.locked_until = 0, None
    end_sessions(session, staff.id)


def end_sessions(session: Session, staff_id: int) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def is_locked(staff: Staff, now: datetime | None = None) -> bool:
    return staff.locked_until is not None and staff.locked_until > (now or utcnow())


def authenticate(session: Session, email: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check a login. Failures count; the fifth in a row locks the account for 15 minutes.

    While locked even the right password is refused (and does not extend the lock).
    The counter is bumped with a single UPDATE so parallel guesses all count.
    """
    now = now or utcnow()
    staff = by_email(session, email)
    password_ok = verify_password(staff.password_hash if staff else None, password)
    if staff is None or not staff.active:
        return LoginResult(None)
    if is_locked(staff, now):
        return LoginResult(None, locked=True)
    if not password_ok:
        session.execute(
            update(Staff)
            .where(Staff.id == staff.id)
            .values(failed_logins=Staff.failed_logins + 1)
            .execution_options(synchronize_session=False)
        )
        session.refresh(staff)
        if staff.failed_logins >= MAX_FAILED_LOGINS:
            staff.locked_until, staff.failed_logins = now + LOCKOUT, 0
            end_sessions(session, staff.id)
            return LoginResult(None, locked=True)
        return LoginResult(None)
    staff.failed_logins, staff.locked_until = 0, None
    if needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    return LoginResult(staff.id)


def unlock(session: Session, staff: Staff) -> None:
    staff.failed_logins, staff.locked_until = 0, None


def list_staff(session: Session) -> list[Staff]:
    return list(session.execute(select(Staff).order_by(Staff.active.desc(), Staff.role, Staff.name)).scalars())


def update_staff(
    session: Session, staff: Staff, *, name: str, phone: str | None, role: str, on_duty: bool, active: bool
) -> None:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise AccountError("Enter a name (up to 120 characters).")
    staff.name, staff.phone_e164, staff.role = name, normalise_phone(phone), StaffRole(role)
    staff.on_duty = on_duty and active
    if staff.active and not active:
        end_sessions(session, staff.id)
    staff.active = active


def _reachable(now: datetime | None):
    """Active and not locked out: someone who can log in when an alert asks them to."""
    now = now or utcnow()
    return Staff.active.is_(True) & (Staff.locked_until.is_(None) | (Staff.locked_until <= now))


def on_duty_staff(session: Session, now: datetime | None = None) -> list[Staff]:
    return list(
        session.execute(select(Staff).where(_reachable(now), Staff.on_duty.is_(True)).order_by(Staff.id)).scalars()
    )


def active_admins(session: Session, now: datetime | None = None) -> list[Staff]:
    return list(
        session.execute(
            select(Staff).where(_reachable(now), Staff.role == StaffRole.ADMIN).order_by(Staff.id)
        ).scalars()
    )
