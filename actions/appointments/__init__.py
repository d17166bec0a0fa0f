"""Appointments in the conversation: book, move, call off, check, and replies to reminders.

start.py (her requests), flows.py (shared starts), form.py (the appointment
form), reply.py (YES / CHANGE after a reminder), texts.py (the wording).
The rules of booking live in bot/appointments/.
"""
