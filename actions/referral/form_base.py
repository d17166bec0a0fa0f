"""The guided form base is actions/forms.py; this name stays until
actions/services/finder.py imports it from there."""
from actions.forms import CONFIDENT, SKIPPED, GuidedFormValidation  # noqa: F401
