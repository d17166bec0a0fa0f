"""Tools for development and tests: a local fake Twilio and an SMS console."""
