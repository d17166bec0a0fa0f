"""The web server on port 8000: the public chat page and the staff app."""
