"""`python -m bot.web [--port N]`: serve the chat page and staff app."""

import argparse

from bot.settings import get_settings
from bot.web.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.web")
    parser.add_argument("--port", type=int, default=get_settings().staff_port)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    create_app().run(host=args.host, port=args.port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
