""" "How am I doing?" and "who is my keyworker, what happens next?".

On the web chat her star comes as a picture (a signed link that dies within the hour,
served by the chat page: bot/web/chat/star.py) under the words; by SMS only the words.
On a phone whose texts may not say what they are about, the SMS names no area (an area
such as abuse or drugs would say it): only how many went up or down.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointments import flows
from actions.appointments import texts as appointment_texts
from actions.common import channel_of
from bot.appointments import formatting
from bot.db.session import run_db
from bot.support import service
from bot.support.progress import Change, Progress
from bot.wording import buttons, say

logger = logging.getLogger(__name__)
STAR_PATH = "/star/{token}.svg"


def _day(day) -> str:
    return formatting.day(day)


def _areas(changes: tuple[Change, ...]) -> str:
    return "; ".join(say("support.progress_area", name=c.name, first=c.first, latest=c.latest) for c in changes)


def progress_text(found: Progress, discreet: bool) -> str:
    if found.count < 2:
        return say("support.progress_one", day=_day(found.first_day))
    if discreet:
        return say(
            "support.progress_discreet", day=_day(found.first_day), up=len(found.up), down=len(found.down),
            same=len(found.same),
        )  # fmt: skip
    lines = [say("support.progress_heading", day=_day(found.first_day), count=found.count)]
    for key, changes in (
        ("support.progress_up", found.up),
        ("support.progress_down", found.down),
        ("support.progress_same", found.same),
    ):
        if changes:
            lines.append(say(key, areas=_areas(changes)))
    return "\n".join(lines)


class ActionHowAmIDoing(Action):
    def name(self) -> str:
        return "action_how_am_i_doing"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        channel = channel_of(tracker)
        try:
            mine = await run_db(service.mine, tracker.sender_id, channel)
        except Exception:
            logger.exception("support: progress lookup failed")
            dispatcher.utter_message(text=say("appointments.unavailable"))
            return []
        if mine is None:
            dispatcher.utter_message(text=appointment_texts.no_record())
            return []
        if mine.progress is None:
            dispatcher.utter_message(text=say("support.progress_none"), buttons=buttons("support.progress_none"))
            return []
        sms = channel == "sms"
        dispatcher.utter_message(text=progress_text(mine.progress, sms and mine.discreet))
        if not sms and mine.token:
            dispatcher.utter_message(text=say("support.progress_star"), image=STAR_PATH.format(token=mine.token))
        return []


class ActionMySupport(Action):
    def name(self) -> str:
        return "action_my_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        who = await flows.find_who(dispatcher, tracker)
        if who is None:
            return []
        lines = [
            say("support.keyworker_named", name=who.keyworker) if who.keyworker else say("support.keyworker_unnamed")
        ]
        discreet = flows.is_discreet(tracker, who)
        if who.live:
            lines.append(flows.status_text(who, discreet))
            lines.append(say("support.next_booked"))
            dispatcher.utter_message(text="\n".join(lines))
        elif who.needed and who.in_coverage:
            lines.append(say("support.next_first"))
            dispatcher.utter_message(text="\n".join(lines), buttons=buttons("appointments.status_bookable"))
        else:
            lines.append(say("support.next_after"))
            dispatcher.utter_message(text="\n".join(lines), buttons=buttons("support.next_after"))
        return []
