"""Custom actions, one module per feature. Loaded by `rasa run actions`."""

from actions import language

language.install()
