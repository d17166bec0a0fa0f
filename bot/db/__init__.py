"""The case database: models, sessions, migrations and data access."""
