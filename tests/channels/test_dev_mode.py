"""Dev mode: with no Twilio account, the run command adds the fake Twilio and points SMS at it."""

from __future__ import annotations

from bot.devtools.fake_twilio import DEFAULT_TOKEN
from bot.stack import Stack


def test_stack_without_fake_is_unchanged():
    stack = Stack(rasa_port=15005, action_port=15055, web_port=18000)
    assert [s.name for s in stack.build()] == ["actions", "rasa", "web", "worker"]
    assert stack.fake_twilio_env() == {}


def test_stack_with_fake_twilio_starts_it_first_and_points_everything_at_it():
    stack = Stack(rasa_port=15005, action_port=15055, web_port=18000, fake_twilio_port=15099)
    services = stack.build()
    assert [s.name for s in services] == ["fake-twilio", "actions", "rasa", "web", "worker"]
    fake = services[0]
    assert fake.argv[1:] == [
        "-m",
        "bot.devtools.fake_twilio",
        "--port",
        "15099",
        "--rasa-url",
        "http://127.0.0.1:15005",
    ]
    assert fake.ready_url == "http://127.0.0.1:15099/_fake/health"
    env = stack.fake_twilio_env()
    assert env["TWILIO_BASE_URL"] == "http://127.0.0.1:15099"
    assert env["TWILIO_AUTH_TOKEN"] == DEFAULT_TOKEN and env["TWILIO_ACCOUNT_SID"].startswith("AC")
    assert env["ELPIS_PUBLIC_BASE_URL"] == "http://127.0.0.1:15005"
    # an explicit env (tests, a proxy in front) still wins
    assert "--credentials" in services[2].argv
