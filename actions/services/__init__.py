"""The service finder: search, "more", "the second one", details (issue 6)."""
from actions.services.finder import (  # noqa: F401  (rasa_sdk finds actions by import)
    ActionFindServices,
    ActionFindServicesAfterLocation,
    ActionServiceChoose,
    ActionServiceMore,
    ValidateServiceLocationForm,
)
