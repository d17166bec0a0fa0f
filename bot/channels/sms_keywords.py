"""The fixed texts the SMS channel sends itself (help, opt-in, rate limit, ...).

The carrier words (STOP, START, HELP, ...) and the check that the assistant
never offers them live in bot/messaging/sms_rules.py; they are imported here
because the channel (sms_inbound.py, twilio_sms.py) reads them from this module.
The assistant says "leave it" to stop a conversation, never a carrier word.
"""

from __future__ import annotations

from bot.messaging.sms_rules import classify, is_opt_out_word  # noqa: F401 - used as sms_keywords.*
from bot.messaging.sms_rules import offers_carrier_word as offers_opt_out_word  # noqa: F401 - twilio_sms.py's name

# Short, plain, discreet (no service name), never a dead end.
HELP_TEXT = (
    "This is an automated helper. To reach a person, reply 'talk to someone'. "
    "In danger now? Call 999. If you can't talk, call 999 from a mobile, then press 55. "
    "Domestic Abuse Helpline 0808 2000 247. Samaritans 116 123. Both free, day and night."
)
OPT_IN_TEXT = "Texts from us are back on. Reply 'hi' to see what I can do, or 'talk to someone' to reach a person."
RATE_LIMITED_TEXT = (
    "You've sent a lot of messages very quickly. Please wait a minute, then send your message again. "
    "If you're in danger, call 999."
)
MEDIA_TEXT = (
    "Sorry, I can't open pictures or files. Please type your message instead, "
    "or reply 'talk to someone' to reach a person."
)
UNREADABLE_TEXT = "Sorry, I couldn't read that message. Could you send it again in a few words?"
ERROR_TEXT = (
    "Sorry, something went wrong on our side. Please send that again in a minute. If you're in danger, call 999."
)
