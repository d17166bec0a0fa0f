"""The `stack` and `chat` fixtures live in tests/conftest.py (shared with tests/browser)."""
