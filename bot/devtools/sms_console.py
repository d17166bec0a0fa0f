"""Text the bot from a terminal, through the local fake Twilio (dev mode).

    python -m bot.devtools.sms_console                     # type messages, see replies
    python -m bot.devtools.sms_console --from +447700900456 --say "hi" --say "1"

Each line is sent as a signed inbound SMS (the fake signs it like Twilio),
and the bot's replies are shown as the fake receives them. `make run` starts
the fake on ELPIS_SMS_FAKE_PORT (5099) when no Twilio account is set.
"""

from __future__ import annotations

import argparse
import sys
import time

from bot.devtools.fake_twilio import FakeTwilioClient
from bot.settings import get_settings


class Console:
    def __init__(self, fake_url: str, number: str, quiet: float = 1.5, timeout: float = 30.0):
        self.fake = FakeTwilioClient(fake_url)
        self.number = number
        self.quiet = quiet
        self.timeout = timeout
        self.after = self.fake.last_seq()

    def _wait(self, timeout: float) -> list[dict]:
        found = self.fake.wait_for(self.number, count=1, after=self.after, timeout=timeout)
        if found:
            self.after = max(m["seq"] for m in found)
        return found

    def say(self, text: str) -> list[str]:
        """Send one SMS; return the bot's replies (waits for a short quiet spell after the first)."""
        self.after = max(self.after, self.fake.last_seq())
        result = self.fake.send_inbound(self.number, text)
        if result["status"] != 200:
            return [f"[webhook answered HTTP {result['status']}: {result['response']}]"]
        replies = [m["body"] for m in self._wait(self.timeout)]
        while replies:
            more = self._wait(self.quiet)
            if not more:
                break
            replies += [m["body"] for m in more]
        return replies


def main() -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m bot.devtools.sms_console", description=__doc__.splitlines()[0])
    parser.add_argument("--fake", default=f"http://127.0.0.1:{settings.sms_fake_port}", help="the fake Twilio's URL")
    parser.add_argument("--from", dest="number", default="+447700900123", help="the number you text from (E.164)")
    parser.add_argument("--say", action="append", help="send this and exit (repeatable)")
    args = parser.parse_args()
    try:
        console = Console(args.fake, args.number)
    except OSError as exc:
        print(f"The fake Twilio at {args.fake} is not answering ({exc}). Is `make run` running?", file=sys.stderr)
        return 1
    lines = args.say or None
    if lines is None:
        print(f"Texting the bot as {args.number}. Ctrl-D to finish.", flush=True)
    for line in lines if lines is not None else sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        if lines is not None:
            print(f"you> {line}")
        started = time.monotonic()
        replies = console.say(line)
        for reply in replies or ["[no reply]"]:
            print("bot> " + reply.replace("\n", "\n     "))
        print(f"     ({time.monotonic() - started:.1f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
