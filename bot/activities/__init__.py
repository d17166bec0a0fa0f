"""Groups and activities at the centres: what's on, her place at one, its reminder.

service.py (the rules: what is upcoming for her, booking and calling off a
place in one transaction each), reminders.py (the text the day before),
views.py (the calls the conversation makes, plain values out), admin.py (the
staff page's reads and writes), data_hooks.py (erasure, summary, retention).
"""
