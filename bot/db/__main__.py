"""`python -m bot.db upgrade|downgrade|seed|seed-answers|rotate-keys|revision -m MSG`"""

import argparse

from alembic import command

from bot.db import migrate


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.db")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("upgrade")
    sub.add_parser("downgrade")
    sub.add_parser("seed", help="load the clearly marked SAMPLE data (dev only)")
    sub.add_parser(
        "seed-answers", help="load bot/knowledge/answers.yml's topics not yet in the database (production too)"
    )
    sub.add_parser("rotate-keys", help="re-encrypt under the newest key (case DB, tracker events); recompute hashes")
    rev = sub.add_parser("revision", help="autogenerate a migration")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--rev-id")
    args = parser.parse_args()
    if args.cmd == "upgrade":
        migrate.upgrade()
    elif args.cmd == "downgrade":
        migrate.downgrade()
    elif args.cmd == "seed":
        from bot.seed import seed  # a command line: the seed above the features, not a library import

        seed()
    elif args.cmd == "seed-answers":
        from bot.db.crud.knowledge import seed_answers
        from bot.db.session import session_scope

        with session_scope() as session:
            print(f"{seed_answers(session)} new answers loaded; existing ones left as admins keep them")
    elif args.cmd == "rotate-keys":
        from bot.db.crypto import rotate_all
        from bot.privacy.tracker_crypto import reseal_events

        print(f"{rotate_all()} values re-encrypted under the newest key")
        # Rasa's tracker store (ELPIS_TRACKER_DB_*), in its own database.
        print(f"{reseal_events()} tracker events re-encrypted and their conversation ids re-hashed")
    else:
        command.revision(migrate.alembic_config(), message=args.message, autogenerate=True, rev_id=args.rev_id)


if __name__ == "__main__":
    main()
