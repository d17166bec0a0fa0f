"""`python -m bot.staff create-admin --email E --name N` (and set-password, unlock).

The password is read from ELPIS_NEW_PASSWORD or typed at a hidden prompt;
with --generate a strong one is made and printed once.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys

from bot.db.models import StaffRole
from bot.db.session import session_scope
from bot.staff import audit
from bot.staff.accounts import AccountError, by_email, create_staff, set_password, unlock


def _password(args) -> tuple[str, bool]:
    if args.generate:
        return secrets.token_urlsafe(15), True
    if os.environ.get("ELPIS_NEW_PASSWORD"):
        return os.environ["ELPIS_NEW_PASSWORD"], False
    first = getpass.getpass("New password (12+ characters): ")
    if first != getpass.getpass("Again: "):
        raise AccountError("The two passwords were not the same.")
    return first, False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.staff")
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("create-admin", "create-keyworker"):
        p = sub.add_parser(name)
        p.add_argument("--email", required=True)
        p.add_argument("--name", required=True)
        p.add_argument("--phone")
        p.add_argument("--generate", action="store_true", help="make a password and print it")
    p = sub.add_parser("set-password")
    p.add_argument("--email", required=True)
    p.add_argument("--generate", action="store_true")
    p = sub.add_parser("unlock")
    p.add_argument("--email", required=True)
    args = parser.parse_args(argv)
    try:
        with session_scope() as session:
            if args.cmd in ("create-admin", "create-keyworker"):
                password, shown = _password(args)
                role = StaffRole.ADMIN if args.cmd == "create-admin" else StaffRole.KEYWORKER
                created = create_staff(
                    session, email=args.email, name=args.name, role=role, password=password, phone=args.phone
                )
                audit.record(session, None, "add_staff_cli", "staff", created.id)
                print(f"Created {role.value} {created.email}" + (f" with password: {password}" if shown else ""))
                return 0
            staff = by_email(session, args.email)
            if staff is None:
                raise AccountError("No account with that email.")
            if args.cmd == "unlock":
                unlock(session, staff)
                print(f"Unlocked {staff.email}")
                return 0
            password, shown = _password(args)
            set_password(session, staff, password)
            print(f"Password set for {staff.email}" + (f": {password}" if shown else ""))
            return 0
    except AccountError as exc:
        print(f"Not done: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
