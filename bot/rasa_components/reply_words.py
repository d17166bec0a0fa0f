"""NLU component: a message that is only one of our reply words, in any of our
languages ("TAK", "ZMIEŃ", "SCHIMB", "DAHA"), is the intent it stands for,
whatever the model guessed: confirm -> affirm, change -> change_field,
more -> more_options. Our texts tell her to send these words
(bot/wording/<code>/_language.yml reply_words); a reply the model has seen
little of must still do what the text said. DELETE is read by the data-rights
form itself (actions/data_rights/actions.py).
"""

from __future__ import annotations

from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.rasa_components.sure_intent import SureIntentClassifier
from bot.wording.languages import reply_word_kind

INTENT_OF = {"confirm": "affirm", "change": "change_field", "more": "more_options"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ReplyWordClassifier(SureIntentClassifier):
    def intent_of(self, text: str) -> Optional[str]:
        return INTENT_OF.get(reply_word_kind(text) or "")
