"""Start every Elpis process in the foreground; Ctrl-C stops them all.

`python -m bot.run` is what `make run` calls after training and migrating.
The processes themselves are a `Stack` (bot/stack.py), which tests use too.
"""

from __future__ import annotations

import argparse
import signal
import sys

from bot.ports import PortInUse
from bot.settings import get_settings
from bot.stack import ROLES, Stack


def _roles(value: str) -> tuple[str, ...]:
    roles = tuple(r.strip() for r in value.split(",") if r.strip())
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown role(s) {', '.join(sorted(unknown))}; choose from {', '.join(ROLES)}"
        )
    return roles


def _ready_message(stack: Stack, settings) -> str:
    lines = {
        "rasa": f"  Rasa REST   {stack.rasa_url}/webhooks/rest/webhook\n",
        "actions": f"  Actions     http://127.0.0.1:{stack.action_port}/webhook\n",
        "web": f"  Web         {stack.web_url}/\n",
        "fake-twilio": (
            f"  SMS         http://127.0.0.1:{stack.fake_twilio_port}/ (fake Twilio: text the bot here,\n"
            "              or `python -m bot.devtools.sms_console`)\n"
            if stack.fake_twilio_port
            else f"  SMS         {settings.public_base_url}/webhooks/sms/webhook (Twilio)\n"
        ),
    }
    shown = "".join(line for role, line in lines.items() if role in stack.roles)
    return f"\n[elpis] ready (SAMPLE data, development mode):\n{shown}  Ctrl-C stops everything.\n"


def serve(stack: Stack, settings) -> int:
    """Start the stack, wait, stop it on Ctrl-C/SIGTERM/SIGHUP; 1 if a process died or a port is taken."""
    interrupted = False

    def on_signal(*_):
        nonlocal interrupted
        if interrupted or stack.stopping:  # already stopping: another Ctrl-C means "now"
            stack.hurry = True
            return
        interrupted = True
        raise KeyboardInterrupt

    # Set them explicitly: a shell that backgrounds us may have ignored SIGINT.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    try:
        stack.start()
        print(_ready_message(stack, settings), flush=True)
        return stack.wait()
    except PortInUse as exc:
        print(f"[elpis] cannot start: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\n[elpis] stopping (Ctrl-C again to kill at once)", flush=True)
        stack.stop()
        return 0


def main() -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(description="Run every Elpis process")
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--action-port", type=int, default=5055)
    parser.add_argument("--web-port", type=int, default=settings.staff_port)
    parser.add_argument(
        "--only",
        type=_roles,
        default=ROLES,
        metavar="ROLES",
        help=f"start only these, comma-separated (of {','.join(ROLES)})",
    )
    args = parser.parse_args()
    # No Twilio account: the SMS channel still works, against the local fake.
    stack = Stack(
        rasa_port=args.rasa_port,
        action_port=args.action_port,
        web_port=args.web_port,
        roles=args.only,
        fake_twilio_port=None if settings.twilio_account_sid else settings.sms_fake_port,
    )
    return serve(stack, settings)


if __name__ == "__main__":
    sys.exit(main())
