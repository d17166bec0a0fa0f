"""NLU component: a blank message (only spaces, emoji-free nothing) is 'not understood'.

Without it Rasa parses "" to no intent, predicts nothing and she gets silence;
labelled nlu_fallback, she gets the kind "didn't understand" answer instead.
A message of emoji only is read by its emoji (bot/rasa_components/emoji_message.py):
the model would guess ("🙏" and "😢" were 'thank').
"""

from __future__ import annotations

from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME

from bot.rasa_components.emoji_message import emoji_only, intent_for
from bot.rasa_components.sure_intent import SureIntentClassifier


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class BlankMessageClassifier(SureIntentClassifier):
    def intent_of(self, text: str) -> Optional[str]:
        if emoji_only(text):
            return intent_for(text)
        if text.strip() and any(ch.isprintable() and not ch.isspace() for ch in text):
            return None
        return DEFAULT_NLU_FALLBACK_INTENT_NAME
