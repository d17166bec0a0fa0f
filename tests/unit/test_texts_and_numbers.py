"""#19 points 5 and 19 without servers: emoji-only messages, and what a reminder may say."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.appointments import reminders
from bot.db.models.appointments import AppointmentKind
from bot.wording.discreet import is_discreet
from tests.unit.test_appointment_wording import LONDON, appointment


@pytest.mark.parametrize("kind", list(AppointmentKind))
def test_safe_to_text_without_her_choice_to_name_the_service_is_discreet(kind):
    appt, woman = appointment(kind, safe=True, named=False)
    for body in (
        reminders.reminder_text(appt, woman, datetime(2026, 11, 24, 14, 0, tzinfo=LONDON)),
        reminders.missed_text(appt, woman),
    ):
        assert is_discreet(body), body
        assert "Elpis" not in body and "Women's Centre" not in body and "caution" not in body.lower()


def test_her_choice_to_name_the_service_without_safe_texts_is_discreet():
    appt, woman = appointment(AppointmentKind.MANDATORY_1, safe=None, named=True)
    assert is_discreet(reminders.reminder_text(appt, woman, datetime(2026, 11, 24, 14, 0, tzinfo=LONDON)))


def test_both_choices_name_the_appointment():
    appt, woman = appointment(AppointmentKind.MANDATORY_1, safe=True, named=True)
    body = reminders.reminder_text(appt, woman, datetime(2026, 11, 24, 14, 0, tzinfo=LONDON))
    assert body.startswith("Elpis:") and "caution appointment (1 of 2)" in body


@pytest.mark.parametrize(
    "text, intent",
    [
        ("👍", "affirm"),
        ("👍🏽", "affirm"),
        ("👌", "affirm"),
        ("👎", "deny"),
        ("😢", "distress"),
        ("😭😭", "distress"),
        ("💔", "distress"),
        ("😢👍", "distress"),
        ("🙏", "greet"),
        ("🙏🙏", "greet"),
        ("❤️", "greet"),
        ("👋", "greet"),
    ],
)
def test_an_emoji_only_message_is_read_by_its_emoji(text, intent):
    from bot.rasa_components.emoji_message import emoji_only, intent_for

    assert emoji_only(text) and intent_for(text) == intent


@pytest.mark.parametrize("text", ["thanks 🙏", "ok", "!!", "", "2", "sad"])
def test_words_with_emoji_are_left_to_the_model(text):
    from bot.rasa_components.emoji_message import emoji_only

    assert not emoji_only(text)


def test_the_pipeline_component_labels_emoji_only_messages():
    from rasa.shared.nlu.training_data.message import Message

    from bot.rasa_components.blank_message import BlankMessageClassifier

    messages = [Message(data={"text": t, "intent": {"name": "thank", "confidence": 0.9}}) for t in ("🙏", "😢", "👍")]
    BlankMessageClassifier().process(messages)
    assert [m.get("intent")["name"] for m in messages] == ["greet", "distress", "affirm"]
