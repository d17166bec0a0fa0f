"""No name, number, postcode or message text in any process's logs (issue 9).

A full self-referral with distinctive answers runs through the real servers;
then every log line the stack's processes wrote is searched for them.
"""

from __future__ import annotations

import re
import time

import requests

ANSWERS = {
    "name": "Zephyrine",
    "postcode": "SW9 7AB",
    "times": "only tuesday mornings quietly",
}
PHONE_FORMS = ("07700 900321", "07700900321", "+447700900321", "447700900321")


def test_logs_hold_no_personal_detail(stack, chat, artifacts):
    for text in [
        "I want to refer myself",
        "yes",
        f"call me {ANSWERS['name']}",
        ANSWERS["postcode"],
        "07700 900321",
        "texts only",
        ANSWERS["times"],
        "1 2",
    ]:
        chat.say(text)
    assert re.search(r"ELP-[A-Z0-9]{6}", chat.say_joined("yes"))
    chat.say("not now")  # the booking offer that follows a referral
    chat.say("my neighbour keeps shouting xylophone")  # free text the assistant doesn't understand
    # Webhooks with odd bodies are logged by Sanic/Rasa too.
    requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", data="not json 07700 900321", timeout=30)
    time.sleep(1.0)

    logs = list((artifacts / "logs").glob(f"*-{stack.rasa_port}.log"))
    assert {p.name.split("-")[0] for p in logs} >= {"rasa", "actions", "worker", "web"}
    for path in logs:
        text = path.read_text(errors="replace")
        for secret in (*ANSWERS.values(), *PHONE_FORMS, "xylophone", "neighbour keeps"):
            assert secret not in text, f"{secret!r} in {path.name}"
