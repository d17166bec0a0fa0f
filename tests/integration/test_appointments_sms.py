"""A reminder by SMS and her reply, end to end: the worker sends a discreet
reminder through the Twilio client to the local fake Twilio; she answers
"YES" (confirmed) and later "CHANGE" (a new time, picked by number) through
the signed SMS webhook, the real Rasa server and action server.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.appointments import booking
from bot.db import migrate
from bot.db.models import OutboxMessage
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentStatus
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.devtools.fake_twilio import FakeTwilioClient
from bot.ports import free_port
from bot.seed import seed
from bot.stack import Stack
from bot.wording.discreet import is_discreet
from tests.conftest import pg_database
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot, working_day

NUMBER = "+447700900468"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sms_stack(request, model_path, tmp_path_factory, artifacts):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('appt-sms') / 'elpis.db'}"
    else:
        url = pg_database(f"elpis_appt_sms_{os.getpid()}")
    migrate.upgrade(url)
    seed(url)
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        fake_twilio_port=free_port(),
        env={"DATABASE_URL": url},
        model=model_path,
        log_dir=artifacts / "logs",
    )
    stack.start()
    stack.database_url = url
    stack.fake = FakeTwilioClient(f"http://127.0.0.1:{stack.fake_twilio_port}")
    yield stack
    stack.stop()


class Phone:
    def __init__(self, stack, number: str):
        self.fake, self.number, self.after = stack.fake, number, stack.fake.last_seq()

    def wait(self, timeout: float = 60.0) -> str:
        found = self.fake.wait_for(self.number, count=1, after=self.after, timeout=timeout)
        assert found, f"nothing texted to {self.number}"
        time.sleep(0.5)  # a reply may come in several texts
        found = self.fake.sent(to=self.number, after=self.after)
        self.after = max(m["seq"] for m in found)
        return "\n".join(m["body"] for m in found)

    def text(self, body: str) -> str:
        self.after = max(self.after, self.fake.last_seq())
        assert self.fake.send_inbound(self.number, body)["status"] == 200
        return self.wait()


def make_due(stack, key: str) -> None:
    with session_scope(stack.database_url) as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.dedupe_key == key)
            .values(send_after=utcnow() - timedelta(seconds=1))
            .execution_options(synchronize_session=False)
        )


def test_reminder_by_sms_then_yes_then_change(sms_stack):
    with session_scope(sms_stack.database_url) as s:
        clear_slots(s)
        # She did not say whether texts are safe: reminders go, and name nothing.
        referral = make_referral(s, safe=None, phone=NUMBER, name="Jo")
        first, second = make_slot(s, local(working_day(4), 10)), make_slot(s, local(working_day(6), 14))
        appointment_id = booking.book(s, referral.id, first.id, AppointmentKind.ASSESSMENT).id
        referral_id, second_id = referral.id, second.id
    phone = Phone(sms_stack, NUMBER)

    make_due(sms_stack, f"appt:{appointment_id}:48h")
    reminder = phone.wait()
    assert is_discreet(reminder) and "Reply YES to confirm or CHANGE to rearrange" in reminder

    reply = phone.text("YES")
    assert "confirmed" in reply and "Women's Centre" not in reply  # still discreet on SMS
    with session_scope(sms_stack.database_url) as s:
        assert s.get(Appointment, appointment_id).status == AppointmentStatus.CONFIRMED

    make_due(sms_stack, f"appt:{appointment_id}:2h")
    phone.wait()
    offer = phone.text("CHANGE")
    assert "Reply 1 for" in offer
    question = phone.text("1")
    assert "Move your appointment" in question
    assert "now" in phone.text("1")  # "1" is "Yes, move it"
    with session_scope(sms_stack.database_url) as s:
        rows = (
            s.execute(select(Appointment).where(Appointment.referral_id == referral_id).order_by(Appointment.id))
            .scalars()
            .all()
        )
        assert [r.status for r in rows] == [AppointmentStatus.MOVED, AppointmentStatus.BOOKED]
        assert rows[1].slot_id == second_id


def test_a_reminder_in_her_language_and_her_reply_words(sms_stack):
    """Polish on her record: the reminder is discreet in Polish with TAK / ZMIEN, and her
    "TAK" confirms and "ZMIEŃ" (with its Polish letter) starts a move, answered in Polish."""
    from bot.db.models import Woman
    from bot.wording import catalogue as cat
    from bot.wording.languages import language

    number = "+447700900469"
    with session_scope(sms_stack.database_url) as s:
        clear_slots(s)
        referral = make_referral(s, safe=None, phone=number, name="Ania")
        s.get(Woman, referral.woman_id).language = "pl"
        first = make_slot(s, local(working_day(4), 10))
        make_slot(s, local(working_day(6), 14))
        appointment_id = booking.book(s, referral.id, first.id, AppointmentKind.ASSESSMENT).id
    phone = Phone(sms_stack, number)
    make_due(sms_stack, f"appt:{appointment_id}:48h")
    reminder = phone.wait()
    polish = language("pl")
    assert is_discreet(reminder, "pl") and is_discreet(reminder)
    assert polish.reply_word("confirm") in reminder and polish.reply_word("change") in reminder
    assert "10:00" in reminder and "10am" not in reminder  # her clock
    reply = phone.text(polish.reply_word("confirm"))
    assert cat.say("appointments.reminder_confirmed", "pl", when="X", place="Y").split("X")[0] in reply
    with session_scope(sms_stack.database_url) as s:
        assert s.get(Appointment, appointment_id).status == AppointmentStatus.CONFIRMED
    make_due(sms_stack, f"appt:{appointment_id}:2h")
    phone.wait()
    offer = phone.text("ZMIEŃ")
    assert "Odpisz 1 (" in offer  # numbered options, in Polish (sms.options_many)
