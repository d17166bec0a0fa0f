"""Custom actions, one module per feature. Loaded by `rasa run actions`."""
