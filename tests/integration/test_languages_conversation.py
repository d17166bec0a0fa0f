"""Her own language over REST (the web page's channel), real servers, both databases
(issue 21): a self-referral and a booked first meeting typed in Polish, Spanish and
Arabic, every question asked in her language and her answers read in it; switching
language mid-form; danger mid-form answered at once in each of our languages, with an
urgent alert; her language on her record and the conversation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import Alert, AlertUrgency, Conversation, Referral, Woman
from bot.db.models.appointments import Appointment, AppointmentStatus
from bot.db.session import session_scope
from bot.wording import catalogue as cat
from bot.wording.languages import switch_payload
from tests.conftest import Chat, new_sender
from tests.support import language_journeys, personas
from tests.support.language_journeys import opening


def play(chat: Chat, steps) -> None:
    for number, step in enumerate(steps, 1):
        reply = chat.say_joined(step.says)
        for words in step.expect:
            assert words in reply, f"message {number} {step.says!r} got:\n{reply}"


@pytest.mark.parametrize("code", sorted(language_journeys.JOURNEYS))
def test_a_self_referral_and_first_meeting_in_her_language(stack, code):
    days = personas.Days.from_today()
    with session_scope(stack.database_url) as s:
        ids = personas.make_slots(s, days)
    chat = Chat(stack, new_sender())
    play(chat, language_journeys.self_referral(language_journeys.JOURNEYS[code], texting=False))
    with session_scope(stack.database_url) as s:
        referral = s.execute(select(Referral).where(Referral.conversation_id == chat.sender)).scalar_one()
        woman = s.get(Woman, referral.woman_id)
        booked = (
            s.execute(
                select(Appointment.slot_id).where(
                    Appointment.referral_id == referral.id, Appointment.status == AppointmentStatus.BOOKED
                )
            )
            .scalars()
            .all()
        )
        convo = s.execute(select(Conversation).where(Conversation.sender_id == chat.sender)).scalar_one()
        assert woman.language == code and convo.language == code
        assert woman.phone_e164 == "+447700900123" and (woman.safe_to_text, woman.safe_to_call) == (True, False)
        assert list(booked) == [ids["tue_10"]]


def test_she_changes_language_in_the_middle_of_the_form(chat):
    reply = chat.say_joined("hi i want to refer myself")
    assert "18 or over" in reply
    reply = chat.say_joined("po polsku")
    assert cat.say("utter_language_switched", "pl") in reply and opening("utter_ask_consent", "pl") in reply
    assert opening("utter_ask_preferred_name", "pl") in chat.say_joined("tak")
    assert opening("utter_ask_location", "pl") in chat.say_joined("Ania")  # her name taken, not the switch
    reply = chat.say_joined("English please")
    assert cat.say("utter_language_switched", "en") in reply and "Where do you live?" in reply
    assert "mobile number" in chat.say_joined("SE15 4QF")


def test_short_or_mixed_messages_never_change_the_language(chat):
    chat.say_joined(switch_payload("es"))
    for text in ("ok", "SE15 4QF", "2", "yes", "my laptop died"):
        chat.say_joined(text)
    assert cat.say("utter_goodbye", "es") in chat.say_joined("adiós, gracias por todo, hasta luego")


DANGER = {
    "pl": "pomocy, on mnie bije i mówi że mnie zabije",
    "ro": "ajutor, mă bate și zice că mă omoară",
    "bn": "আমাকে বাঁচাও, ও আমাকে মারছে",
    "pt": "socorro, ele está me batendo e disse que vai me matar",
    "es": "ayuda, me está pegando y dice que me va a matar",
    "tr": "yardım edin, beni dövüyor ve öldüreceğini söylüyor",
    "ar": "ساعدوني، هو يضربني ويقول إنه سيقتلني",
    "ur": "مدد کریں، وہ مجھے مار رہا ہے اور کہتا ہے کہ مجھے جان سے مار دے گا",
}


@pytest.mark.parametrize("code", sorted(DANGER))
def test_danger_mid_form_is_answered_at_once_in_her_language(stack, code):
    chat = Chat(stack, new_sender())
    assert cat.say("utter_language_switched", code) in chat.say_joined(switch_payload(code))
    assert opening("utter_ask_consent", code) in chat.say_joined("/self_refer")
    reply = chat.say_joined(DANGER[code])
    assert "999" in reply, reply
    said = [opening(key, code) for key in ("utter_crisis", "crisis.now_danger", "crisis.cant_talk_55")]
    assert any(words in reply for words in said), reply  # the danger reply, in her language
    with session_scope(stack.database_url) as s:
        alert = s.execute(select(Alert).where(Alert.conversation_id == chat.sender)).scalar_one()
        assert alert.urgency == AlertUrgency.URGENT


def test_a_new_session_starts_in_the_language_she_last_had(chat):
    chat.say_joined(switch_payload("tr"))
    chat.say_joined("/session_start")  # what Rasa does after two hours without a message: no slots carried over
    assert cat.say("utter_greet", "tr").split("\n")[0] in chat.say_joined("/greet")


def test_a_staff_correction_is_what_she_reads_within_seconds(stack):
    """No retraining, no restart: the running Rasa server's responses and the action
    server's texts follow a correction saved in the database."""
    import time

    from bot.db.crud import wording as wording_crud
    from bot.db.models import WordingCorrection

    fixed = {"utter_goodbye": "Trzymaj się ciepło. Jestem tu, kiedy zechcesz."}
    with session_scope(stack.database_url) as s:
        for key, text in fixed.items():
            wording_crud.save(s, "pl", key, text, [], None)
    try:
        chat = Chat(stack, new_sender())
        chat.say_joined(switch_payload("pl"))
        deadline = time.monotonic() + 30
        reply = chat.say_joined("/goodbye")
        while fixed["utter_goodbye"] not in reply and time.monotonic() < deadline:
            time.sleep(2)
            reply = chat.say_joined("/goodbye")
        assert fixed["utter_goodbye"] in reply
    finally:
        with session_scope(stack.database_url) as s:
            s.execute(WordingCorrection.__table__.delete())
