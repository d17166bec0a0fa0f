"""Appointments: slots, booking, reminders and attendance, from the case database.

    preferences.py  her words -> a Preference ("next Tuesday afternoon", "not mornings"), "the second one"
    wanted_times.py Preference: the days and times she asked for, and whether a slot fits
    time_words.py   one clock time, weekday or calendar date from her words
    rules.py        which appointment she needs next; the caution deadline and order
    slots.py        free slots to offer: near her, in her window, as she asked
    booking.py      book / move / call off / confirm: one transaction each, no double booking
    reminders.py    when reminders go (London wall clock, quiet hours), discreet wording, outbox
    replies.py      her "YES" / "CHANGE" matched to the reminder she got (and how it reaches Rasa)
    attendance.py   attended / missed (staff app): alerts, rebooking offer, caution complete
    identity.py     the woman behind a conversation (conversation link; on SMS, her number)
    service.py      the calls the action server makes (actions/appointments/)
    seed.py         SAMPLE slots for `make run` and tests
    hours.py, formatting.py  opening hours; "Tue 24 Nov, 2pm"

Reminders are outbox rows (bot/messaging/), sent by the worker exactly once.
Settings: ELPIS_REMINDER_OFFSETS_HOURS (48,2), ELPIS_QUIET_HOURS (21:00-08:00),
ELPIS_SLOT_OFFER_COUNT (3), ELPIS_MANDATORY_GAP_DAYS (7), ELPIS_CAUTION_DEADLINE_WEEKS (16).
"""
