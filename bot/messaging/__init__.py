"""Sending messages: the outbox (what to send) and providers (how).

Everything the service sends (reminders, alerts to keyworkers, replies from a
keyworker) is written to the outbox in the same transaction as the change that
caused it; a worker delivers it. Providers never run on the event loop.
The rules of an SMS itself (segments, plain punctuation, carrier words such as
STOP and HELP) live in sms_rules.py, the one home for them.
"""
