"""Issue #19 points 12, 13 and 15 over the real servers (REST, as the web page).

The team is out (ELPIS_TEAM_HOURS is one minute a week), so 'talk to a person'
on a chat that does not know her asks how a person may safely reach her, or
for her reference and a code that links the chat to her record.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.appointments import booking
from bot.db import migrate
from bot.db.models import Alert, AlertReason, OutboxMessage, Referral
from bot.db.models.appointments import AppointmentKind
from bot.db.models.referrals import HandoffContact, PoliceOutcome
from bot.db.session import session_scope
from bot.ports import free_port
from bot.seed import seed
from bot.stack import Stack
from tests.conftest import Chat, new_sender, pg_database
from tests.support.appointment_data import local, make_referral, make_slot, working_day


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def closed_stack(request, model_path, tmp_path_factory, artifacts):
    tmp = tmp_path_factory.mktemp("closed")
    url = (
        f"sqlite:///{tmp / 'elpis.db'}"
        if request.param == "sqlite"
        else pg_database(f"elpis_closed_{new_sender()[5:]}")
    )
    migrate.upgrade(url)
    seed(url)
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        model=model_path,
        log_dir=artifacts / "logs",
        env={"DATABASE_URL": url, "ELPIS_DEV_INBOX": str(tmp / "inbox.jsonl"), "ELPIS_TEAM_HOURS": "Sun 00:00-00:01"},
    )
    stack.start()
    stack.database_url = url
    yield stack
    stack.stop()


def _contacts(stack, sender):
    with session_scope(stack.database_url) as s:
        rows = s.execute(
            select(HandoffContact, Alert)
            .join(Alert, Alert.id == HandoffContact.alert_id)
            .where(HandoffContact.conversation_id == sender)
        ).all()
        return [(c.contact, c.safe_times, c.declined, a.reason) for c, a in rows]


def test_out_of_hours_she_gives_a_safe_contact_and_asks_how(closed_stack):
    chat = Chat(closed_stack, new_sender())
    first = chat.say_joined("can I talk to a person")
    assert "not in right now" in first and "send a mobile number or email" in first
    assert "Someone will be in touch" not in first  # nothing promised before she says how
    how = chat.say_joined("how will they contact me?")
    assert "number or email you give me" in how and "privacy" not in how.lower()
    done = chat.say_joined("07700 900123, weekday mornings when he's at work")
    assert "Thank you for telling me" in done and "text or call you weekday mornings" in done
    assert "work" not in done
    assert _contacts(closed_stack, chat.sender) == [
        ("+447700900123", "weekday mornings", False, AlertReason.HUMAN_REQUESTED)
    ]


def test_out_of_hours_a_number_then_a_time_or_she_declines(closed_stack):
    chat = Chat(closed_stack, new_sender())
    chat.say("talk to someone")
    assert "safe time" in chat.say_joined("jo@example.com")
    assert "email you after 6pm" in chat.say_joined("after 6pm")
    assert _contacts(closed_stack, chat.sender) == [("jo@example.com", "after 6pm", False, AlertReason.HUMAN_REQUESTED)]

    other = Chat(closed_stack, new_sender())
    other.say("talk to someone")
    assert "That's fine" in other.say_joined("no thanks")
    assert _contacts(closed_stack, other.sender) == [(None, None, True, AlertReason.HUMAN_REQUESTED)]


def test_from_a_new_web_chat_her_reference_and_a_code_reach_her_appointment(closed_stack):
    url = closed_stack.database_url
    with session_scope(url) as s:
        referral = make_referral(s, conversation_id=new_sender(), phone="+447700900611", safe=True)
        reference, referral_id = referral.reference, referral.id
        slot = make_slot(s, local(working_day(5), 11)).id
    with session_scope(url) as s:
        booking.book(s, referral_id, slot, AppointmentKind.ASSESSMENT)

    chat = Chat(closed_stack, new_sender())
    assert "can't find your details" in chat.say_joined("when is my appointment")
    assert "your reference" in chat.say_joined("talk to someone")
    sent = chat.say_joined(f"my reference is {reference.lower()}")
    assert "Type the code here" in sent
    with session_scope(url) as s:
        body = (
            s.execute(
                select(OutboxMessage.body).where(OutboxMessage.kind == "notice").order_by(OutboxMessage.id.desc())
            )
            .scalars()
            .first()
        )
    code = re.search(r"\b(\d{6})\b", body).group(1)
    assert "doesn't match" in chat.say_joined("000000" if code != "000000" else "111111")
    assert "that's you" in chat.say_joined(code)
    status = chat.say_joined("when is my appointment")
    assert "Your appointment" in status and "11am" in status
    with session_scope(url) as s:
        alert = s.execute(select(Alert).where(Alert.conversation_id == chat.sender)).scalar_one()
        assert alert.woman_id is not None


def test_an_unknown_reference_reads_the_same_and_links_nothing(closed_stack):
    chat = Chat(closed_stack, new_sender())
    chat.say("talk to someone")
    assert "Type the code here" in chat.say_joined("ELP-Q7M2KX")
    assert "doesn't match" in chat.say_joined("123456")
    assert "doesn't match" in chat.say_joined("234567")
    assert "couldn't check it's you" in chat.say_joined("654321")
    assert "can't find your details" in chat.say_joined("when is my appointment")


def test_charged_and_due_in_court_refers_herself_with_the_outcome(closed_stack):
    chat = Chat(closed_stack, new_sender())
    first = chat.say_joined("I've been charged and I'm due in court")
    assert "own referral" in first and "Sorry, is that a yes or a no" not in first
    for text in ["yes", "Jo", "SE15 4QF", "07700 900123", "texts only", "weekday mornings when he's at work"]:
        chat.say(text)
    summary = chat.say_joined("1 2")
    assert "Sent by: myself (police: charged)" in summary and "weekday mornings" in summary
    assert "at work" not in summary and "caution" not in summary.lower()
    reference = re.search(r"ELP-[A-Z0-9]{6}", chat.say_joined("yes")).group(0)
    with session_scope(closed_stack.database_url) as s:
        referral = s.execute(select(Referral).where(Referral.reference == reference)).scalar_one()
        assert referral.police_outcome == PoliceOutcome.CHARGED and referral.pathway.value == "self"
