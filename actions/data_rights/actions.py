"""'Delete my data', 'what do you hold about me', 'stop texting me'.

Is it her? A chat already linked to her record (she made her referral in it,
or texts from the number on it) is enough. Otherwise she gives the mobile on
her record and types back the code we text to it (bot/privacy/identity).
Deleting asks once more: "Reply DELETE" (never a carrier opt-out word).
The form `data_rights_form` takes each answer as text; `dr_stage` says what
the answer is for: phone, code, confirm, then done / cancelled / failed.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import AllSlotsReset, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import channel_of, latest_intent
from actions.data_rights import reach
from bot.conversation.answers import detect_control
from bot.conversation.contact import discloses, neutral_times, normalise_mobile
from bot.db.models import AlertReason
from bot.db.session import run_db, session_scope
from bot.db.types import utcnow
from bot.privacy import identity
from bot.privacy.erasure import caution_at_stake, erase_woman
from bot.privacy.summary import stop_texts, summary_lines
from bot.referrals import parsing
from bot.referrals.identity import woman_for, woman_id_in_chat
from bot.settings import get_settings
from bot.staff.alert_notify import raise_and_notify
from bot.wording import say
from bot.wording.languages import reply_word_kind

logger = logging.getLogger(__name__)

SLOTS = ("dr_kind", "dr_stage", "dr_reply", "dr_woman", "dr_proof", "dr_tries")


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(s, None) for s in SLOTS]


def _woman(tracker: Tracker) -> int | None:
    value = tracker.get_slot("dr_woman")
    return int(value) if value not in (None, "") else None


class ActionDataRightsStart(Action):
    """Sets up the check; the form then asks what is needed (or ends at once)."""

    def name(self) -> str:
        return "action_data_rights_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        intent, _ = latest_intent(tracker)
        kind = "summary" if intent == "my_data_summary" else "delete"
        try:
            woman_id = await run_db(woman_id_in_chat, tracker.sender_id, channel_of(tracker))
        except Exception:
            logger.exception("data rights: record lookup failed")
            dispatcher.utter_message(response="utter_data_rights_error")
            return [*_reset(), SlotSet("dr_stage", "error"), SlotSet("dr_reply", "error")]
        events = [*_reset(), SlotSet("dr_kind", kind), SlotSet("dr_tries", 0)]
        if woman_id is None:
            return [*events, SlotSet("dr_stage", "phone")]
        events.append(SlotSet("dr_woman", str(woman_id)))
        if kind == "summary":
            return [*events, SlotSet("dr_stage", "done"), SlotSet("dr_reply", "done")]
        return [*events, SlotSet("dr_stage", "confirm")]


class ActionAskDrReply(Action):
    def name(self) -> str:
        return "action_ask_dr_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        stage = tracker.get_slot("dr_stage")
        if stage == "contact":
            dispatcher.utter_message(text=reach.ask_text())
        elif stage == "time":
            dispatcher.utter_message(text=say("data_rights.ask_safe_time"))
        elif stage == "phone":
            dispatcher.utter_message(text=say("data_rights.ask_mobile"))
        elif stage == "code" and tracker.get_slot("dr_kind") == "reach" and not tracker.get_slot("dr_tries"):
            dispatcher.utter_message(text=say("data_rights.reach_code_sent"))
        elif stage == "code":
            dispatcher.utter_message(text=say("data_rights.ask_code"))
        else:
            dispatcher.utter_message(text=await _delete_warning(_woman(tracker)))
        return []


def _caution_at_stake(woman_id: int) -> int | None:
    with session_scope() as session:
        return caution_at_stake(session, woman_id)


async def _delete_warning(woman_id: int | None) -> str:
    try:
        at_stake = await run_db(_caution_at_stake, woman_id) if woman_id is not None else None
    except Exception:
        logger.exception("data rights: caution lookup failed")
        at_stake = 0  # say it anyway: missing a caution meeting has consequences
    if at_stake is None:
        return say("data_rights.delete_warning")
    # A caution meeting missed is told to the police: she must know before she deletes.
    return say("data_rights.delete_warning_caution_booked" if at_stake else "data_rights.delete_warning_caution")


def _send_code(phone: str, sender_id: str) -> identity.CodeSent:
    with session_scope() as session:
        sent = identity.send_code(session, phone_e164=phone, sender_id=sender_id, now=utcnow())
        if sent.woman_id is not None and not sent.sent:
            # Texts are off or unsafe for her: a person gets in touch another way.
            raise_and_notify(session, AlertReason.HUMAN_REQUESTED, conversation_id=sender_id, woman_id=sent.woman_id)
        return sent


class ValidateDataRightsForm(FormValidationAction):
    def name(self) -> str:
        return "validate_data_rights_form"

    async def validate_dr_reply(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        stage = tracker.get_slot("dr_stage")
        if stage in ("done", "cancelled", "failed", "error"):
            return {"dr_reply": stage}
        if tracker.get_slot("requested_slot") != "dr_reply":
            # The form is starting: this is her request itself, not an answer yet.
            return {"dr_reply": None}
        text = str(value or "").strip()
        intent, _ = latest_intent(tracker)
        tries = int(tracker.get_slot("dr_tries") or 0)
        if tracker.get_slot("dr_kind") == "reach":
            return await self._reach(stage, text, intent, tries, dispatcher, tracker)
        if detect_control(text) == "stop" or intent == "stop_form":
            return {"dr_stage": "cancelled", "dr_reply": "cancelled"}
        if stage == "phone":
            return await self._phone(text, tries, dispatcher, tracker)
        if stage == "code":
            ok = identity.code_matches(
                text,
                proof=tracker.get_slot("dr_proof"),
                sender_id=tracker.sender_id,
                woman_id=_woman(tracker),
                now=utcnow(),
            )
            if ok:
                if tracker.get_slot("dr_kind") == "summary":
                    return {"dr_stage": "done", "dr_reply": "done", "dr_tries": 0}
                return {"dr_stage": "confirm", "dr_reply": None, "dr_tries": 0}
            if tries + 1 >= identity.MAX_TRIES:
                return {"dr_stage": "failed", "dr_reply": "failed"}
            dispatcher.utter_message(text=say("data_rights.code_wrong"))
            return {"dr_reply": None, "dr_tries": tries + 1}
        # confirm
        if reply_word_kind(text) == "delete":  # DELETE, USUN, STERGE...: the word her text showed
            return {"dr_stage": "done", "dr_reply": "done"}
        return {"dr_stage": "cancelled", "dr_reply": "cancelled"}

    async def _reach(
        self, stage: str, text: str, intent: str | None, tries: int, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """'Talk to a person' on a chat that can't reach her: a safe contact, or her reference and a code."""
        sender = tracker.sender_id
        if stage == "code":
            ok = identity.code_matches(
                text, proof=tracker.get_slot("dr_proof"), sender_id=sender, woman_id=_woman(tracker), now=utcnow()
            )
            if ok:
                await run_db(reach.link_chat, sender, channel_of(tracker), _woman(tracker))
                return {"dr_stage": "linked", "dr_reply": "linked", "dr_tries": 0}
            if reach.says_no(text, intent) or tries + 1 >= identity.MAX_TRIES:
                return {"dr_stage": "failed", "dr_reply": "failed"}
            dispatcher.utter_message(text=say("data_rights.code_wrong"))
            return {"dr_reply": None, "dr_tries": tries + 1}
        if stage == "time":
            times = neutral_times(text)
            if discloses(text):
                dispatcher.utter_message(text=say("referral.disclosure_acknowledged"))
            contact = reach.Contact(
                tracker.get_slot("dr_proof"),
                "mobile" if normalise_mobile(tracker.get_slot("dr_proof") or "") else "email",
                times,
            )
            await run_db(reach.save_contact, sender, contact.contact, contact.kind, times)
            reach.thanks_for_contact(contact, dispatcher)
            return {"dr_stage": "done", "dr_reply": "done", "dr_proof": None}
        # stage "contact"
        if parsing.asks_how_contacted(text):
            dispatcher.utter_message(text=reach.how_answer())
            return {"dr_reply": None}
        reference = parsing.find_reference(text, get_settings().reference_prefix)
        if reference:
            sent = await run_db(reach.send_code_for_reference, reference, sender)
            # action_ask_dr_reply says the code is on its way (data_rights.reach_code_sent).
            return {
                "dr_stage": "code",
                "dr_reply": None,
                "dr_tries": 0,
                "dr_proof": sent.proof,
                "dr_woman": str(sent.woman_id) if sent.woman_id is not None else None,
            }
        contact = reach.read_contact(text)
        if contact is not None:
            if discloses(text):
                dispatcher.utter_message(text=say("referral.disclosure_acknowledged"))
            if contact.times is None:
                # Kept in the form until the time comes (this chat only), then with the alert.
                return {"dr_stage": "time", "dr_reply": None, "dr_proof": contact.contact}
            await run_db(reach.save_contact, sender, contact.contact, contact.kind, contact.times)
            reach.thanks_for_contact(contact, dispatcher)
            return {"dr_stage": "done", "dr_reply": "done"}
        if reach.says_no(text, intent):
            await run_db(reach.save_contact, sender, None, None, None)
            return {"dr_stage": "declined", "dr_reply": "declined"}
        if tries + 1 >= reach.MAX_TRIES:
            return {"dr_stage": "left", "dr_reply": "left"}
        dispatcher.utter_message(text=say("data_rights.not_understood"))
        return {"dr_reply": None, "dr_tries": tries + 1}

    async def _phone(self, text: str, tries: int, dispatcher: CollectingDispatcher, tracker: Tracker):
        phone = normalise_mobile(text)
        if phone is None:
            if tries + 1 >= identity.MAX_TRIES:
                return {"dr_stage": "failed", "dr_reply": "failed"}
            dispatcher.utter_message(text=say("data_rights.not_a_mobile"))
            return {"dr_reply": None, "dr_tries": tries + 1}
        try:
            sent = await run_db(_send_code, phone, tracker.sender_id)
        except Exception:
            logger.exception("data rights: code could not be queued")
            return {"dr_stage": "error", "dr_reply": "error"}
        # The same words whether or not we know the number: a stranger learns nothing.
        dispatcher.utter_message(text=say("data_rights.code_sent_if_known"))
        return {
            "dr_stage": "code",
            "dr_reply": None,
            "dr_tries": 0,
            "dr_proof": sent.proof,
            "dr_woman": str(sent.woman_id) if sent.woman_id is not None else None,
        }


def _erase(woman_id: int, sender_id: str):
    with session_scope() as session:
        return erase_woman(session, woman_id, actor_type="woman", sender_ids={sender_id})


def _summary(woman_id: int) -> list[str] | None:
    with session_scope() as session:
        return summary_lines(session, woman_id)


class ActionDataRightsFinish(Action):
    def name(self) -> str:
        return "action_data_rights_finish"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        stage, kind, woman_id = tracker.get_slot("dr_stage"), tracker.get_slot("dr_kind"), _woman(tracker)
        if kind == "reach":
            when = reach.when_text()
            if stage == "linked":
                dispatcher.utter_message(text=say("data_rights.linked"))
            elif stage == "failed":
                if not await run_db(reach.has_open_request, tracker.sender_id):
                    # She began with her reference: the person the code screen promised.
                    dispatcher.utter_message(text=say("data_rights.reach_check_failed"))
                    return [*_reset(), FollowupAction("action_request_human")]
                failed = (
                    say("data_rights.reach_failed_later", when=when) if when else say("data_rights.reach_failed_soon")
                )
                dispatcher.utter_message(text=failed)
            elif stage in ("declined", "left"):
                later = (
                    say("data_rights.reach_declined_later", when=when) if when else say("data_rights.reach_declined")
                )
                dispatcher.utter_message(text=later)
            return _reset()
        if stage == "done" and woman_id is not None:
            try:
                if kind == "summary":
                    lines = await run_db(_summary, woman_id)
                    if lines is None:
                        dispatcher.utter_message(text=say("data_rights.nothing_held"))
                    else:
                        dispatcher.utter_message(text="\n".join(lines))
                    return _reset()
                await run_db(_erase, woman_id, tracker.sender_id)
            except Exception:
                logger.exception("data rights: %s failed", kind)
                dispatcher.utter_message(response="utter_data_rights_error")
                return _reset()
            dispatcher.utter_message(text=say("data_rights.deleted"))
            # Forget her answers in this chat now; the worker wipes the stored history.
            return [AllSlotsReset()]
        if stage == "failed":
            dispatcher.utter_message(text=say("data_rights.check_failed"))
        elif stage == "error":
            dispatcher.utter_message(response="utter_data_rights_error")
        elif kind == "summary":
            dispatcher.utter_message(text=say("data_rights.summary_cancelled"))
        else:
            dispatcher.utter_message(text=say("data_rights.kept"))
        return _reset()


def _stop_texts(sender_id: str, channel: str) -> bool:
    with session_scope() as session:
        woman = woman_for(session, sender_id, channel)
        if woman is not None:
            return stop_texts(session, woman.id)
        raise_and_notify(session, AlertReason.HUMAN_REQUESTED, conversation_id=sender_id, channel=channel)
        return False


class ActionStopTexts(Action):
    def name(self) -> str:
        return "action_stop_texts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        try:
            done = await run_db(_stop_texts, tracker.sender_id, channel_of(tracker))
        except Exception:
            logger.exception("stop texts failed")
            dispatcher.utter_message(response="utter_data_rights_error")
            return []
        if done:
            dispatcher.utter_message(text=say("data_rights.texts_stopped"))
        else:
            dispatcher.utter_message(text=say("data_rights.texts_stop_passed_on"))
        return []
