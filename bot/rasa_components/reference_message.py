"""NLU component: a message that is her reference ("ELP-7K3D9X", "my ref is elp 7k3d9x")
is 'give_reference', whatever the model guessed.

A reference is a code the model has never seen, so it guessed at random (a
greeting, the menu). Read here, it starts the check that links this chat to
her record (action_check_reference). Only short messages count: a reference
inside a longer request is left to that request.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from bot.rasa_components.sure_intent import SureIntentClassifier
from bot.referrals.parsing import find_reference
from bot.settings import get_settings

GIVE_REFERENCE = "give_reference"
# Words around a reference that say nothing else ("here is my ref: ...").
MAX_OTHER_WORDS = 6


def is_reference_message(text: str, prefix: str) -> bool:
    reference = find_reference(text, prefix)
    if reference is None:
        return False
    rest = re.sub(rf"\b{re.escape(prefix)}[\s-]?[A-Z0-9]{{6}}\b", " ", text, flags=re.I)
    return len(re.findall(r"\w+", rest)) <= MAX_OTHER_WORDS


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ReferenceMessageClassifier(SureIntentClassifier):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ReferenceMessageClassifier:
        return cls(get_settings().reference_prefix)

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def intent_of(self, text: str) -> Optional[str]:
        return GIVE_REFERENCE if is_reference_message(text, self.prefix) else None
