"""Rasa's responses, written from the wording catalogue in the conversation's language.

Named in endpoints.yml (`nlg: type: ...CatalogueNLG`). A response that is a
catalogue key (every `utter_*`: domain/responses.yml is generated from them) is
read from the catalogue in the language of the `language` slot, with any
correction staff saved, and filled from the slots as Rasa fills its own;
anything else is Rasa's templated response as before.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_components.language_turn import LANGUAGE_SLOT
from bot.wording.catalogue import DEFAULT_LANGUAGE, catalogue, template


class CatalogueNLG(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    def _random_response_for(
        self, utter_action: Text, output_channel: Text, filled_slots: Dict[Text, Any]
    ) -> Optional[Dict[Text, Any]]:
        if utter_action not in catalogue(DEFAULT_LANGUAGE):
            return super()._random_response_for(utter_action, output_channel, filled_slots)
        found = template(utter_action, filled_slots.get(LANGUAGE_SLOT) or DEFAULT_LANGUAGE)
        response: Dict[Text, Any] = {"text": found.text}
        if found.buttons:
            response["buttons"] = [{"title": title, "payload": payload} for title, payload in found.buttons]
        return response
