"""Appointments in the conversation: book, move, call off, check, and replies to reminders.

start.py (her requests), flows.py (shared starts), form.py (the appointment
form; its questions in asks.py, its offers in offers.py, the yes and the
change written in confirm.py), reply.py (YES / CHANGE after a reminder),
texts.py (the wording).
The rules of booking live in bot/appointments/.
"""
