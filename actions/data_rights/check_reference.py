"""Her reference, sent on its own in a chat that does not know her (#19 point 13).

The web page forgets her on purpose, and she may write from a new phone. Her
reference starts the same check as 'talk to a person' out of hours: a one-time
code sent only the way she said is safe; typed back here, it links this chat
to her record, so 'when is my appointment' works. The words are the same
whether or not the reference is ours, so a stranger learns nothing.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import channel_of
from actions.data_rights import reach
from bot.db.session import run_db
from bot.referrals import parsing
from bot.referrals.identity import woman_id_in_chat
from bot.settings import get_settings
from bot.wording import say

logger = logging.getLogger(__name__)


class ActionCheckReference(Action):
    def name(self) -> str:
        return "action_check_reference"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        text = (tracker.latest_message or {}).get("text") or ""
        reference = parsing.find_reference(text, get_settings().reference_prefix)
        try:
            linked = await run_db(woman_id_in_chat, tracker.sender_id, channel_of(tracker))
            sent = (
                None
                if linked is not None or reference is None
                else await run_db(reach.send_code_for_reference, reference, tracker.sender_id)
            )
        except Exception:
            logger.exception("check reference: lookup failed")
            dispatcher.utter_message(text=say("data_rights.reference_check_down"))
            return []
        if linked is not None or sent is None:
            dispatcher.utter_message(text=say("data_rights.already_linked"))
            return []
        # data_rights_form asks for the code (action_ask_dr_reply) and checks it.
        return [
            SlotSet("dr_kind", "reach"),
            SlotSet("dr_stage", "code"),
            SlotSet("dr_tries", 0),
            SlotSet("dr_reply", None),
            SlotSet("dr_proof", sent.proof),
            SlotSet("dr_woman", str(sent.woman_id) if sent.woman_id is not None else None),
            FollowupAction("data_rights_form"),
        ]
