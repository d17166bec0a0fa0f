"""Custom Rasa graph components (NLU and policies), referenced from config.yml."""
