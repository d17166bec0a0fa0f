"""Reaching a person: alerts for keyworkers, and the 'not understood' net."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of
from actions.knowledge import answer_question, best_guess, best_guess_is_a_question
from bot.db.models import AlertReason
from bot.db.session import run_db, session_scope
from bot.db.types import utcnow
from bot.referrals.identity import woman_for, woman_id_in_chat
from bot.settings import get_settings
from bot.staff.alert_notify import raise_and_notify
from bot.staff.team_hours import is_open, when_in_touch
from bot.wording import say

logger = logging.getLogger(__name__)


def _write_alert(reason: AlertReason, sender_id: str, channel: str) -> int:
    with session_scope() as session:
        return raise_and_notify(
            session,
            reason,
            conversation_id=sender_id,
            channel=channel,
            woman_id=getattr(woman_for(session, sender_id, channel), "id", None),
        ).id


async def ask_for_person(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: AlertReason, reachable: bool = True
) -> bool:
    """Raise the alert and tell her; also used mid-form.

    `reachable` False: nothing in this chat lets a person reach her (the web
    page forgets her), so no "someone will be in touch" is promised here; the
    caller asks how they may (actions/data_rights/reach.py).
    """
    try:
        await run_db(_write_alert, reason, tracker.sender_id, channel_of(tracker))
    except Exception:
        logger.exception("handoff alert could not be written")
        dispatcher.utter_message(response="utter_handoff_failed")
        return False
    hours = get_settings().team_hours
    now = utcnow()
    if reason == AlertReason.HUMAN_REQUESTED and not is_open(now, hours):
        # Out of hours: say when a person will answer, and give the numbers for now.
        if not reachable:
            dispatcher.utter_message(text=say("handoff.passed_on_read_later", when=when_in_touch(now, hours)))
            dispatcher.utter_message(response="utter_crisis")
            return True
        dispatcher.utter_message(text=say("handoff.passed_on_in_touch_later", when=when_in_touch(now, hours)))
        dispatcher.utter_message(response="utter_crisis")
        dispatcher.utter_message(text=say("handoff.keep_talking_meanwhile"))
        return True
    dispatcher.utter_message(response="utter_handoff_requested")
    return True


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        reachable = True
        if channel_of(tracker) != "sms" and not is_open(utcnow(), get_settings().team_hours):
            # Out of hours on the web: ask how a person may safely reach her (#19 point 12).
            try:
                reachable = await run_db(woman_id_in_chat, tracker.sender_id, channel_of(tracker)) is not None
            except Exception:
                logger.exception("handoff: record lookup failed")
        if not await ask_for_person(dispatcher, tracker, AlertReason.HUMAN_REQUESTED, reachable=reachable):
            return []
        if reachable:
            return []
        # data_rights_form (dr_kind "reach") takes her safe contact, or her reference and a code.
        return [
            SlotSet("dr_kind", "reach"),
            SlotSet("dr_stage", "contact"),
            SlotSet("dr_tries", 0),
            SlotSet("dr_reply", None),
            SlotSet("dr_woman", None),
            SlotSet("dr_proof", None),
            FollowupAction("data_rights_form"),
        ]


def _previous_turn_not_understood(tracker: Tracker) -> bool:
    users = [e for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return False
    return ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name") == "nlu_fallback"


class ActionFallback(Action):
    """Not understood: rephrase help; the second time in a row, alert a person."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        if _previous_turn_not_understood(tracker):
            dispatcher.utter_message(text=say("handoff.not_getting_it"))
            await ask_for_person(dispatcher, tracker, AlertReason.BOT_STUCK)
            dispatcher.utter_message(response="utter_menu")
            return []
        if best_guess(tracker.latest_message or {}) == "find_service":
            # Perhaps a search ("is the Peckham Women's Hub open today", a name the
            # model has never seen): the search asks for what it lacks, never a dead end.
            return [FollowupAction("action_find_services")]
        if best_guess_is_a_question(tracker.latest_message or {}):
            # Perhaps a question: the two closest answers and a person, never a guess.
            await answer_question(dispatcher, tracker, offer_only=True)
            return []
        dispatcher.utter_message(response="utter_default")
        return []
