"""Custom Rasa graph components (NLU and policies), referenced from config.yml,
and the lock store for several Rasa processes (lock_store.py, named in
endpoints.production.yml).

Importing this package (Rasa does, to load our model) also installs three
small fixes to Rasa itself: a failed action server call tells her so instead
of leaving her in silence (action_server_down.py); action server answers are
checked against a schema validator built once, not per answer
(action_result_schema.py); events are found by name from a table
(event_lookup.py). The last two were most of the Rasa process's CPU time.
"""
from bot.rasa_components import action_result_schema, action_server_down, event_lookup

action_result_schema.install()
action_server_down.install()
event_lookup.install()
