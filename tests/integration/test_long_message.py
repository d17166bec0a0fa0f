"""A long message is one turn that answers what she asked, wherever she asked it:
the model reads only the first words (bot/channels/input_bounds.py), so the
turn looks for her request sentence by sentence (bot/rasa_components/triage_turn.py)."""

from __future__ import annotations

from tests.conftest import Chat, new_sender

ASK = "Can you help me find someone who gives free debt and money advice near me in Peckham?"
STORY = (
    "Hi, sorry this is going to be long. I had my appointment at the centre last month and it went fine, "
    "thank you for that. The thing is money has got really bad since then. My universal credit was cut "
    "after a mix up with my hours, and the council tax letters keep coming, and now the catalogue company "
    "has passed my account to a debt collector who rings every day. I have tried ringing the council but "
    "I was on hold for an hour and then it cut off. My sister lent me some money but I can't keep asking "
    "her, she has her own kids. I have two children and the youngest needs new school shoes and I have "
    "been skipping meals so they can eat properly. I keep all the letters in a drawer because I can't "
    "face opening them. I know I need to sort it out before it gets worse and I don't want to lose the flat. "
)


def test_the_request_at_the_end_of_a_long_story_is_what_gets_answered(stack, chat):
    message = STORY * 2 + ASK  # about 1,900 characters, her question after the model's window
    assert len(message) > 1500
    replies = chat.say(message)
    alone = Chat(stack, new_sender()).say(ASK)
    assert replies[-len(alone) :] == alone, (replies, alone)
    assert not any("can't find your details" in r for r in replies)
