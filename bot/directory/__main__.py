"""`python -m bot.directory import FILE | export FILE | seed`: the admin's CLI for listings.

FILE ending in .json is Open Referral UK JSON, anything else CSV. Imports are all
or nothing and print a report per row; the bot sees the change in its next answer.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.db.session import session_scope
from bot.directory.listings_csv import export_csv, import_csv
from bot.directory.oruk import export_oruk
from bot.directory.oruk_json import dump_json, import_openreferral_json
from bot.directory.seed import seed_directory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.directory", description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("import", help="add or update listings from a CSV or ORUK JSON file").add_argument("file")
    sub.add_parser("export", help="write every listing to a CSV or ORUK JSON file").add_argument("file")
    sub.add_parser("seed", help="load the SAMPLE directory (development only)")
    args = parser.parse_args(argv)
    if args.cmd == "seed":
        print(seed_directory().as_text())
        return 0
    path = Path(args.file)
    is_json = path.suffix.lower() == ".json"
    if args.cmd == "export":
        with session_scope() as session:
            text = dump_json(export_oruk(session)) if is_json else export_csv(session)
        path.write_text(text, encoding="utf-8")
        print(f"exported to {path}")
        return 0
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        print(f"can't read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    with session_scope() as session:
        report = import_openreferral_json(session, text) if is_json else import_csv(session, text)
    print(report.as_text(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
