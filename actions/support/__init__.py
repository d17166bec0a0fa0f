"""Her support beyond the first meetings (bot/support/): check-ins and the closing
survey (checkin.py), "how am I doing?" and "who is my keyworker?" (progress.py)."""
