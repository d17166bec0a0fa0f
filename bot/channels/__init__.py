"""Rasa input/output channels of our own: the SMS channel on Twilio (`twilio_sms`).

twilio_sms.py     the Sanic routes (webhook, status callback) and the output channel
sms_inbound.py    what to do with one inbound SMS (dedupe, keywords, opt-outs, flood limit)
sms_options.py    buttons as "Reply 1 for ..." and her reply mapped back to a payload
sms_keywords.py   STOP/START/HELP and the fixed texts the channel sends itself
sms_text.py       GSM-7 / UCS-2 segments and splitting long replies
sms_send.py       sending a queued reply at once (exactly once, off the event loop)
sms_status.py     delivery reports (queued ... delivered / undelivered / failed)
"""
