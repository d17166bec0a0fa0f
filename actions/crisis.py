"""The crisis answer that fits the danger, the alert, and what comes after (issue 19, points 9-11).

CrisisPolicy runs this first on danger. It says, by the kind of danger
(bot/safety/after_crisis.py), what to do now; raises or updates the
conversation's urgent alert (kind in fixed words, her record and referral
linked when known); says honestly when a person will see it (team hours);
and, mid-form, asks whether she wants to carry on before the form's question.
If this server is down the policy sends the fixed `utter_crisis` instead, so
the numbers never depend on it.

The same action answers the turns after a crisis that the policy routes here:
"is someone coming?" (what has happened and what she can do now), and "not
yet" to carrying on.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import IntegrityError

from actions.common import channel_of, latest_intent, latest_text
from bot.db.crud.alerts import latest_unresolved, update_alert
from bot.db.models import AlertReason, AlertStatus
from bot.db.session import run_db, session_scope
from bot.db.types import utcnow
from bot.referrals.identity import current_referral, woman_for
from bot.safety.after_crisis import (
    Kind,
    carry_on_answer,
    carry_on_question,
    danger_reply,
    follow_up_reply,
    kinds_in_summary,
    kinds_of,
    not_yet_text,
    team_line,
)
from bot.safety.crisis import CRISIS_INTENT, mentions_crisis
from bot.safety.crisis_alert import raise_crisis_alert
from bot.settings import get_settings
from bot.wording import buttons

logger = logging.getLogger(__name__)

ASK_SAFE_NOW = "utter_ask_safe_now"


def _her_links(session, sender_id: str, channel: str) -> tuple[int | None, int | None]:
    woman = woman_for(session, sender_id, channel)
    referral = current_referral(session, woman) if woman else None
    return (woman.id if woman else None), (referral.id if referral else None)


def _write_crisis_alert(sender_id: str, channel: str, kinds: list[Kind]) -> int:
    """Raise the urgent alert, or add this message's kinds of danger to the open one."""
    try:
        return _write_crisis_alert_once(sender_id, channel, kinds)
    except IntegrityError:  # her SMS conversation was being linked by the channel at the same moment
        return _write_crisis_alert_once(sender_id, channel, kinds)


def _write_crisis_alert_once(sender_id: str, channel: str, kinds: list[Kind]) -> int:
    with session_scope() as session:
        woman_id, referral_id = _her_links(session, sender_id, channel)
        return raise_crisis_alert(session, sender_id, channel, kinds, woman_id=woman_id, referral_id=referral_id).id


def _alert_state(sender_id: str, channel: str) -> tuple[str | None, list[Kind]]:
    """("seen" | "open" | None, kinds so far) of the conversation's crisis alert."""
    with session_scope() as session:
        alert = latest_unresolved(session, sender_id, AlertReason.CRISIS)
        if alert is None:
            return None, []
        woman_id, referral_id = _her_links(session, sender_id, channel)
        update_alert(alert, woman_id=woman_id, referral_id=referral_id)
        state = "seen" if alert.status == AlertStatus.ACKNOWLEDGED else "open"
        return state, kinds_in_summary(alert.summary)


def _bot_action_before_her_message(tracker: Tracker) -> str | None:
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


def _mode(tracker: Tracker) -> str:
    """'danger', 'not_yet' (to carrying on with the form) or 'follow_up'."""
    text = latest_text(tracker)
    intent, _ = latest_intent(tracker)
    before = _bot_action_before_her_message(tracker)
    if intent == CRISIS_INTENT or mentions_crisis(text) or before == ASK_SAFE_NOW:
        return "danger"
    if before == "action_crisis_alert" and carry_on_answer(text, intent) is False:
        return "not_yet"
    return "follow_up"


class ActionCrisisAlert(Action):
    def name(self) -> str:
        return "action_crisis_alert"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        mode = _mode(tracker)
        form = (tracker.active_loop or {}).get("name")
        hours, now, channel = get_settings().team_hours, utcnow(), channel_of(tracker)
        if mode == "not_yet":
            dispatcher.utter_message(text=not_yet_text(), buttons=buttons("crisis.not_yet"))
            return []
        if mode == "follow_up":
            try:
                state, kinds = await run_db(_alert_state, tracker.sender_id, channel)
            except Exception:
                logger.exception("crisis alert could not be read")
                state, kinds = None, []
            dispatcher.utter_message(text=follow_up_reply(now, hours, kinds, state))
        else:
            # "No" to "Are you safe?" says no kind: the full reply, with every number.
            kinds = kinds_of(latest_text(tracker)) if _bot_action_before_her_message(tracker) != ASK_SAFE_NOW else []
            # The reply first: it must not wait on, or depend on, the database.
            dispatcher.utter_message(text=danger_reply(kinds))
            try:
                alert_id = await run_db(_write_crisis_alert, tracker.sender_id, channel, kinds)
            except Exception:  # the numbers were sent; say nothing untrue about the team
                logger.exception("crisis alert could not be written")
            else:
                logger.info("crisis alert %s raised or updated", alert_id)
                dispatcher.utter_message(text=team_line(now, hours))
        if form:
            dispatcher.utter_message(text=carry_on_question(form), buttons=buttons("crisis.carry_on"))
        return []
