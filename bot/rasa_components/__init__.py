"""Custom Rasa graph components (NLU and policies), referenced from config.yml.

Importing this package (Rasa does, to load our model) also makes a failed
action server call tell her so instead of leaving her in silence
(action_server_down.py).
"""
from bot.rasa_components import action_server_down

action_server_down.install()
