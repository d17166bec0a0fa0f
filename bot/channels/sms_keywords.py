"""The fixed texts the SMS channel sends itself (help, opt-in, rate limit, ...), from the catalogue.

The carrier words (STOP, START, HELP, ...) and the check that the assistant
never offers them live in bot/messaging/sms_rules.py; they are imported here
because the channel (sms_inbound.py, twilio_sms.py) reads them from this module.
The assistant says "leave it" to stop a conversation, never a carrier word.
"""

from __future__ import annotations

from bot.messaging.sms_rules import classify, is_opt_out_word  # noqa: F401 - used as sms_keywords.*
from bot.messaging.sms_rules import offers_carrier_word as offers_opt_out_word  # noqa: F401 - twilio_sms.py's name
from bot.wording import say

# The words are the catalogue's (bot/wording/en/sms.yml); the channel and its tests read them by these names.
HELP_TEXT = say("sms.help")
OPT_IN_TEXT = say("sms.opt_in")
RATE_LIMITED_TEXT = say("sms.rate_limited")
MEDIA_TEXT = say("sms.media")
UNREADABLE_TEXT = say("sms.unreadable")
ERROR_TEXT = say("sms.error")
