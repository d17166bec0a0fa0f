"""Reminder wording: discreet unless texts are safe, never a carrier opt-out word."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from actions.appointments import texts
from bot.appointments import reminders
from bot.appointments.hours import describe, parse_hours
from bot.appointments.slots import SlotView
from bot.db.models import Centre, Pathway, Referral, Woman
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentSlot
from bot.messaging.sms_rules import OPT_OUT_WORDS, offers_carrier_word
from bot.wording.discreet import is_discreet

LONDON = ZoneInfo("Europe/London")


def appointment(kind=AppointmentKind.MANDATORY_1, safe=None, name="Jo", named=None):
    # Naming the service needs her separate choice too (#19 point 19): by default as texts are safe.
    woman = Woman(
        preferred_name=name,
        phone_e164="+447700900123",
        safe_to_text=safe,
        sms_opted_out=False,
        texts_may_name_service=bool(safe) if named is None else named,
    )
    referral = Referral(
        woman=woman,
        pathway=Pathway.POLICE_CAUTION,
        caution_deadline=date(2027, 3, 1),
        created_at=datetime(2026, 11, 1, tzinfo=timezone.utc),
    )
    centre = Centre(
        name="SAMPLE Southwark Women's Centre",
        address="1 Example Road, Peckham",
        postcode="SE15 5AA",
        borough="Southwark",
        phone="020 7946 0101",
    )
    slot = AppointmentSlot(centre=centre, starts_at=datetime(2026, 11, 26, 14, 0, tzinfo=LONDON))
    return Appointment(id=7, kind=kind, slot=slot, referral=referral), woman


@pytest.mark.parametrize("kind", list(AppointmentKind))
def test_discreet_reminder_names_nothing(kind):
    appt, woman = appointment(kind, safe=None)
    body = reminders.reminder_text(appt, woman, datetime(2026, 11, 24, 14, 0, tzinfo=LONDON))
    assert is_discreet(body), body
    assert "1 Example Road" in body and "Thu 26 Nov" in body and "2pm" in body
    assert "Women's Centre" not in body and "caution" not in body.lower()
    assert "Reply YES to confirm or CHANGE to rearrange" in body


def test_reminder_may_name_the_appointment_when_texts_are_safe():
    appt, woman = appointment(AppointmentKind.MANDATORY_2, safe=True)
    body = reminders.reminder_text(appt, woman, datetime(2026, 11, 26, 12, 0, tzinfo=LONDON))
    assert "caution appointment (2 of 2)" in body and "SAMPLE Southwark Women's Centre" in body
    assert "today at 2pm" in body


def test_missed_note_is_discreet_and_offers_a_new_time():
    appt, woman = appointment(safe=None)
    body = reminders.missed_text(appt, woman)
    assert is_discreet(body) and "CHANGE" in body and "020 7946 0101" in body
    appt, woman = appointment(safe=True)
    assert "before Mon 1 Mar" in reminders.missed_text(appt, woman)


def test_no_text_offers_a_carrier_opt_out_word():
    appt, woman = appointment(safe=True)
    slot = SlotView(
        1, appt.slot.starts_at, appt.slot.starts_at, "SAMPLE Centre", "Southwark", "1 Road", "SE15 5AA", None
    )
    bodies = [
        reminders.reminder_text(appt, woman, appt.slot.starts_at),
        reminders.missed_text(appt, woman),
        *texts.confirm_question("cancel", None, slot, False, date(2027, 3, 1))[0:1],
        texts.called_off(slot, AppointmentKind.MANDATORY_1, date(2027, 3, 1)),
        texts.PICK_HINT,
        texts.NO_RECORD,
    ]
    for body in bodies:
        assert not offers_carrier_word(body), body
    for mode in ("book", "move", "cancel"):
        _, buttons = texts.confirm_question(mode, slot, slot, False)
        for button in buttons:
            words = set(button["title"].upper().replace(",", " ").split()) | {button["payload"].upper()}
            assert not words & OPT_OUT_WORDS, button
    assert offers_carrier_word("Reply STOP to stop these") == "STOP"
    assert offers_carrier_word("text cancel to cancel") == "CANCEL"


def test_opening_hours():
    hours = parse_hours("Mon-Fri 9:30-17:00")
    assert sorted(hours) == [1, 2, 3, 4, 5]
    assert describe(hours) == "Mon-Fri, 9:30am to 5pm"
    assert sorted(parse_hours("Mon-Thu 10:00-16:00; Sat 10:00-13:00")) == [1, 2, 3, 4, 6]
