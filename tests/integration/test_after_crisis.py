"""After a crisis, played end to end over REST (issue 19, points 9-11): the reply
that fits the danger, "is someone coming?" answered honestly, a worse disclosure
added to the one alert, "do you want to carry on?" before the form's question,
and when a person will really see it (the team's hours, read from the real clock)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.db import migrate
from bot.db.models import Alert, AlertReason, AlertUrgency, Referral
from bot.ports import free_port
from bot.safety.crisis import CRISIS_REPLY
from bot.seed import seed
from bot.settings import get_settings
from bot.stack import Stack
from bot.staff.team_hours import is_open, when_in_touch
from tests.conftest import Chat, new_sender
from tests.integration.test_referral_conversation import rows


def _crisis_alerts(stack, sender):
    return [a for a in rows(stack, Alert, conversation_id=sender) if a.reason == AlertReason.CRISIS]


def _when_a_person_sees_it() -> str:
    # The servers read the same clock and the same default team hours.
    now, hours = datetime.now(timezone.utc), get_settings().team_hours
    return "as soon as they can" if is_open(now, hours) else f"until the team is back {when_in_touch(now, hours)}"


def test_an_overdose_gets_the_ambulance_not_the_domestic_abuse_wording(stack, chat):
    reply = chat.say_joined("i've taken all my tablets")
    assert "999" in reply and "ambulance" in reply and "A&E" in reply
    assert "press 55" not in reply and "0808 2000 247" not in reply
    assert _when_a_person_sees_it() in reply  # "I've told our team", and when someone will see it
    [alert] = _crisis_alerts(stack, chat.sender)
    assert alert.summary == "Danger now: overdose" and alert.urgency == AlertUrgency.URGENT


def test_suicidal_thoughts_get_samaritans(stack, chat):
    reply = chat.say_joined("i want to end it all")
    assert "116 123" in reply and "999" in reply and "0808 2000 247" not in reply


def test_is_someone_coming_after_the_crisis_reply(stack, chat):
    chat.say("he's outside and says he'll kill me")
    reply = chat.say_joined("I'm scared, is someone coming?")
    assert "can't find your details" not in reply
    assert "Nobody is on the way from us" in reply and "call 999" in reply
    assert _when_a_person_sees_it() in reply
    # one alert, and no second (distress) answer or alert for her fear
    assert "sorry things are hard" not in reply
    assert [a.reason for a in rows(stack, Alert, conversation_id=chat.sender)] == [AlertReason.CRISIS]


def test_a_worse_disclosure_is_added_to_the_open_alert(stack, chat):
    chat.say("he says he is going to kill me")
    reply = chat.say_joined("i took 30 paracetamol")
    assert "ambulance" in reply
    [alert] = _crisis_alerts(stack, chat.sender)
    assert alert.summary == "Danger now: overdose; threats or violence"
    assert "paracetamol" not in alert.summary and "kill" not in alert.summary


def test_mid_form_danger_asks_whether_to_carry_on_before_the_question(stack, chat):
    for text in ("i want to refer myself", "yes"):
        chat.say(text)
    reply = chat.say_joined("i've taken all my tablets")
    assert "ambulance" in reply
    assert "carry on with your referral" in reply.splitlines()[-1] and "call you" not in reply
    not_yet = chat.say_joined("not now")
    assert "no rush" in not_yet and "call you" not in not_yet
    assert "call you" in chat.say_joined("yes")  # her yes was to carrying on, not an answer
    assert "postcode" in chat.say_joined("Jo")


def test_the_alert_links_her_referral(stack, chat):
    for text in (
        "I want to refer myself",
        "yes",
        "Jo",
        "SE15 4QF",
        "07700 900123",
        "texts only",
        "any time",
        "1 2",
        "yes",
    ):
        chat.say(text)
    [referral] = rows(stack, Referral, conversation_id=chat.sender)
    chat.say("he hit me again")
    [alert] = _crisis_alerts(stack, chat.sender)
    assert (alert.woman_id, alert.referral_id) == (referral.woman_id, referral.id)


@pytest.fixture(scope="module")
def no_actions_stack(model_path, tmp_path_factory, artifacts):
    """Rasa with an action server of its own, which the test stops."""
    url = f"sqlite:///{tmp_path_factory.mktemp('after_crisis') / 'elpis.db'}"
    migrate.upgrade(url)
    seed(url)
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        env={"DATABASE_URL": url, "ELPIS_DEV_INBOX": str(tmp_path_factory.mktemp("inbox") / "inbox.jsonl")},
        model=model_path,
        log_dir=artifacts / "logs",
        roles=("actions", "rasa"),
    )
    stack.start()
    yield stack
    stack.stop()


def test_with_the_action_server_down_the_fixed_numbers_still_go(no_actions_stack):
    chat = Chat(no_actions_stack, new_sender())
    for text in ("i want to refer myself", "yes"):
        chat.say(text)
    no_actions_stack.kill("actions")
    replies = chat.say("i've taken all my tablets")
    assert CRISIS_REPLY in replies  # utter_crisis: a plain response, every number
    assert "call you" in replies[-1]  # then the form's question, as before
