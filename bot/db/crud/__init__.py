"""Data access: plain functions taking a Session. All queries live here."""
