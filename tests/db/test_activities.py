"""Groups and activities: what's on, booking a place (the last one under a race),
calling off, booking again, the day-before reminder, erasure; and the
conversation's actions driven with real rasa-sdk trackers on both databases."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.activities import (
    ActionActivitiesDone,
    ActionActivitiesStart,
    ActionAskActivityChoice,
    ActionAskActivityConfirm,
    ValidateActivityForm,
)
from bot.activities import reminders, service
from bot.activities.service import ActivityError
from bot.appointments import formatting
from bot.db.models import AuditLog, Conversation, OutboxMessage, OutboxStatus, Woman
from bot.db.models.support import Activity, ActivityBooking
from bot.db.session import get_engine, session_scope
from bot.db.types import utcnow
from bot.privacy.erasure import erase_woman
from bot.privacy.summary import summary_lines
from bot.wording.discreet import is_discreet
from tests.support.appointment_data import LAMBETH, SOUTHWARK, centre_id, local, make_referral, working_day

REPO = Path(__file__).resolve().parents[2]
TASKS = 16
TITLE = "Domestic abuse survivors' art group"  # a title that must never reach her lock screen


def make_activity(
    session,
    starts_at: datetime,
    *,
    title: str = "Art group",
    places: int = 5,
    booked: int = 0,
    active: bool = True,
    centre: str = SOUTHWARK,
) -> int:
    activity = Activity(
        centre_id=centre_id(session, centre),
        title=title,
        description="Paint, tea and a chat.",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        places=places,
        booked_count=booked,
        active=active,
    )
    session.add(activity)
    session.flush()
    return activity.id


def book(referral_id: int, activity_id: int) -> int:
    with session_scope() as s:
        return service.book(s, referral_id, activity_id, via="rest").id


def count_of(activity_id: int) -> int:
    with session_scope() as s:
        return s.get(Activity, activity_id).booked_count


def outbox(prefix: str = "activity:") -> list[OutboxMessage]:
    with session_scope() as s:
        rows = list(
            s.execute(
                select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"{prefix}%")).order_by(OutboxMessage.id)
            ).scalars()
        )
        s.expunge_all()
        return rows


@pytest.fixture
def jo(db_url) -> int:
    with session_scope() as s:
        return make_referral(s).id


# ---- what's on -------------------------------------------------------------


def test_whats_on_is_open_not_full_soonest_first_within_four_weeks(jo):
    now = utcnow()
    with session_scope() as s:
        later = make_activity(s, local(working_day(6), 10), title="Later")
        sooner = make_activity(s, local(working_day(2), 14), title="Sooner", centre=LAMBETH)
        make_activity(s, now + timedelta(hours=1), title="Too soon")
        make_activity(s, now + timedelta(weeks=5), title="Too far")
        make_activity(s, local(working_day(3), 10), title="Closed", active=False)
        make_activity(s, local(working_day(3), 11), title="Full", places=2, booked=2)
    with session_scope() as s:
        assert [a.id for a in service.upcoming(s, jo)] == [sooner, later]
    book(jo, sooner)
    with session_scope() as s:
        assert [a.id for a in service.upcoming(s, jo)] == [later]  # not one she already has a place at
        assert [b.activity_id for b in service.live_bookings(s, jo)] == [sooner]


# ---- booking, calling off, booking again ---------------------------------------


def test_booking_takes_a_place_queues_the_reminder_the_day_before_and_is_audited(jo):
    with session_scope() as s:
        starts = local(working_day(4), 10)
        activity_id = make_activity(s, starts)
    booking_id = book(jo, activity_id)
    assert count_of(activity_id) == 1
    [message] = outbox()
    assert message.dedupe_key == f"activity:{booking_id}:day_before"
    assert message.status == OutboxStatus.PENDING and message.kind == "reminder"
    sent = message.send_after.astimezone(timezone.utc)
    assert formatting.local(sent).date() == formatting.local(starts).date() - timedelta(days=1)
    assert formatting.local(sent).time() == formatting.local(starts).time()  # 10:00 the day before
    with session_scope() as s:
        audit = s.execute(select(AuditLog).where(AuditLog.subject_type == "activity_booking")).scalars().all()
        assert [(a.action, a.actor_type, a.subject_id) for a in audit] == [("activity.booked", "woman", booking_id)]


def test_the_reminder_is_discreet_and_in_her_language(db_url):
    with session_scope() as s:
        jo = make_referral(s, name="Jo").id
        ola = make_referral(s, name="Ola", phone="+447700900124")
        s.get(Woman, ola.woman_id).language = "pl"
        activity_id = make_activity(s, local(working_day(4), 10), title=TITLE)
        ola_id = ola.id
    book(jo, activity_id)
    book(ola_id, activity_id)
    english, polish = (m.body for m in outbox())
    for body, code in ((english, "en"), (polish, "pl")):
        assert is_discreet(body, code) and is_discreet(body)
        assert "art group" not in body.lower() and "Women's Centre" not in body
        assert "1 Example Road, Peckham, SE15 5AA" in body  # the street address only
    assert english.startswith("Hi Jo, a reminder: you have a place")
    assert polish.startswith("Cześć Ola") and polish != english


def test_the_reminder_keeps_to_the_times_she_said_are_safe(db_url):
    with session_scope() as s:
        referral = make_referral(s, safe_times="after 6pm")
        starts = local(working_day(4), 10)
        activity_id = make_activity(s, starts)
        jo, woman_id = referral.id, referral.woman_id
    booking_id = book(jo, activity_id)
    with session_scope() as s:
        planned = reminders.send_at(s.get(ActivityBooking, booking_id), s.get(Woman, woman_id), utcnow())
    assert planned is not None
    at = formatting.local(planned)
    # Not 10:00 the day before: the latest safe time before it, an evening, not in quiet hours.
    assert 18 <= at.hour < 21 and at.date() < formatting.local(starts).date()
    [message] = outbox()
    assert formatting.local(message.send_after.astimezone(timezone.utc)) == at


def test_no_reminder_when_texts_are_not_safe_or_too_late(db_url):
    with session_scope() as s:
        unsafe = make_referral(s, safe=False).id
        jo = make_referral(s, phone="+447700900125").id
        far = make_activity(s, local(working_day(4), 10))
        soon = make_activity(s, utcnow() + timedelta(hours=5))
    book(unsafe, far)
    book(jo, soon)  # the day before has already gone
    assert outbox() == []
    assert count_of(far) == 1 and count_of(soon) == 1


def test_a_full_activity_refuses_and_nothing_is_written(db_url):
    with session_scope() as s:
        first = make_referral(s).id
        second = make_referral(s, phone="+447700900126").id
        activity_id = make_activity(s, local(working_day(3), 10), places=1)
    book(first, activity_id)
    with pytest.raises(ActivityError) as refused:
        book(second, activity_id)
    assert refused.value.reason == "full"
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(ActivityBooking)).scalar_one() == 1
    assert count_of(activity_id) == 1 and len(outbox()) == 1


def test_booking_twice_is_refused_and_a_closed_one_cannot_be_booked(jo):
    with session_scope() as s:
        activity_id = make_activity(s, local(working_day(3), 10))
        closed = make_activity(s, local(working_day(3), 12), active=False)
        soon = make_activity(s, utcnow() + timedelta(minutes=90))
    book(jo, activity_id)
    for target, reason in ((activity_id, "already_booked"), (closed, "not_open"), (soon, "not_open")):
        with pytest.raises(ActivityError) as refused:
            book(jo, target)
        assert refused.value.reason == reason
    assert count_of(activity_id) == 1 and count_of(closed) == 0


def test_calling_off_frees_the_place_and_cancels_the_reminder_then_booking_again_reuses_her_row(jo):
    with session_scope() as s:
        activity_id = make_activity(s, local(working_day(4), 10), places=1)
    booking_id = book(jo, activity_id)
    with session_scope() as s:
        service.cancel(s, booking_id)
    assert count_of(activity_id) == 0
    [message] = outbox()
    assert message.status == OutboxStatus.CANCELLED
    with pytest.raises(ActivityError) as twice:
        with session_scope() as s:
            service.cancel(s, booking_id)
    assert twice.value.reason == "not_live"
    assert count_of(activity_id) == 0  # not freed twice
    again = book(jo, activity_id)
    assert again == booking_id and count_of(activity_id) == 1
    with session_scope() as s:
        row = s.get(ActivityBooking, booking_id)
        assert (row.status, row.cancelled_at) == ("booked", None)
        assert s.execute(select(func.count()).select_from(ActivityBooking)).scalar_one() == 1
    [message] = outbox()  # the cancelled reminder made way for the new one
    assert message.status == OutboxStatus.PENDING
    with session_scope() as s:
        actions = s.execute(
            select(AuditLog.action).where(AuditLog.subject_type == "activity_booking").order_by(AuditLog.id)
        ).scalars()
        assert list(actions) == ["activity.booked", "activity.cancelled", "activity.booked"]


# ---- the last place, raced ---------------------------------------------------------


def race(target, args_list) -> tuple[list, list]:
    barrier = threading.Barrier(len(args_list))
    won, lost, lock = [], [], threading.Lock()

    def run(*args):
        barrier.wait()
        try:
            with session_scope() as s:
                result = target(s, *args)
            with lock:
                won.append(result)
        except ActivityError as exc:
            with lock:
                lost.append(exc.reason)

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return won, lost


def setup_race(places: int) -> tuple[int, list[int]]:
    get_engine().dispose()
    with session_scope() as s:
        activity_id = make_activity(s, local(working_day(5), 10), places=places)
        referral_ids = [make_referral(s, phone=f"+4477009003{i:02d}").id for i in range(TASKS)]
    return activity_id, referral_ids


@pytest.mark.parametrize("places", [1, 3])
def test_many_women_at_once_never_get_more_places_than_there_are(db_url, places):
    activity_id, referral_ids = setup_race(places)
    won, lost = race(lambda s, rid: service.book(s, rid, activity_id).id, [(rid,) for rid in referral_ids])
    assert len(won) == places and lost == ["full"] * (TASKS - places)
    assert count_of(activity_id) == places
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(ActivityBooking)).scalar_one() == places
    assert len(outbox()) == places


def test_one_woman_booking_again_from_several_devices_at_once_gets_one_place(jo):
    with session_scope() as s:
        activity_id = make_activity(s, local(working_day(5), 10), places=10)
    booking_id = book(jo, activity_id)
    with session_scope() as s:
        service.cancel(s, booking_id)
    get_engine().dispose()
    won, lost = race(lambda s, _: service.book(s, jo, activity_id).id, [(i,) for i in range(8)])
    assert won == [booking_id] and set(lost) == {"already_booked"}
    assert count_of(activity_id) == 1


# ---- her data ------------------------------------------------------------------


def test_erasure_gives_her_places_back_and_the_summary_counts_them(db_url):
    with session_scope() as s:
        referral = make_referral(s)
        jo, woman_id = referral.id, referral.woman_id
        other = make_referral(s, phone="+447700900127").id
        first = make_activity(s, local(working_day(3), 10))
        second = make_activity(s, local(working_day(4), 10))
    book(jo, first)
    called_off = book(jo, second)
    with session_scope() as s:
        service.cancel(s, called_off)
    book(other, second)
    with session_scope() as s:
        lines = summary_lines(s, woman_id) or []
    assert "Places booked at groups and activities: 2." in lines
    with session_scope() as s:
        assert erase_woman(s, woman_id) is not None
    with session_scope() as s:
        assert [b.referral_id for b in s.execute(select(ActivityBooking)).scalars()] == [other]
        assert s.execute(select(OutboxMessage).where(OutboxMessage.woman_id == woman_id)).first() is None
    assert count_of(first) == 0 and count_of(second) == 1  # her live place back, the other woman's kept


# ---- the conversation's actions, with real trackers ------------------------------


@pytest.fixture(scope="module")
def domain() -> dict:
    merged: dict = {"slots": {}, "forms": {}, "responses": {}}
    for path in sorted((REPO / "domain").glob("*.yml")):
        doc = yaml.safe_load(path.read_text())
        for key in merged:
            merged[key].update(doc.get(key) or {})
    return merged


class Turn:
    """One conversation's slots, carried from action to action as Rasa would."""

    def __init__(self, sender: str, channel: str = "rest"):
        self.sender, self.channel = sender, channel
        self.slots: dict = {}

    def tracker(self, text: str = "", intent: str = "inform", requested: str | None = None) -> Tracker:
        events: list[dict] = [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "input_channel": self.channel},
        ]
        slots = dict(self.slots)
        if requested:
            slots["requested_slot"] = requested
            slots[requested] = text
            events.append({"event": "slot", "name": requested, "value": text})
        return Tracker(
            self.sender,
            slots,
            {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": []},
            events,
            False,
            None,
            {"name": "activity_form"} if requested else {},
            "action_listen",
        )

    def run(self, action, tracker: Tracker, domain: dict) -> tuple[list[dict], list[dict]]:
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, domain))
        for e in events:
            if e.get("event") == "slot":
                self.slots[e["name"]] = e["value"]
        return events, dispatcher.messages

    def start(self, domain):
        return self.run(ActionActivitiesStart(), self.tracker("/ask_activities", "ask_activities"), domain)

    def ask(self, slot: str, domain):
        action = ActionAskActivityChoice() if slot == "activity_choice" else ActionAskActivityConfirm()
        return self.run(action, self.tracker(), domain)

    def answer(self, slot: str, text: str, domain, intent: str = "inform"):
        return self.run(ValidateActivityForm(), self.tracker(text, intent, requested=slot), domain)


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def her_chat(**kw) -> tuple[int, str]:
    sender = f"act-{utcnow().timestamp():.6f}"
    with session_scope() as s:
        return make_referral(s, conversation_id=sender, **kw).id, sender


def test_not_registered_is_told_kindly_with_the_way_in(db_url, domain):
    talk = Turn("nobody-we-know")
    events, messages = talk.start(domain)
    said = texts(messages)
    assert "for women we support" in said and "your reference" in said and "get support" in said
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/self_refer", "/human_handoff"]
    assert not any(e.get("event") == "followup" for e in events)


def test_nothing_on_offers_a_person(db_url, domain):
    _, sender = her_chat()
    events, messages = Turn(sender).start(domain)
    assert "no groups or activities with places free" in texts(messages)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/human_handoff"]
    assert not any(e.get("event") == "followup" for e in events)


def test_she_asks_picks_a_number_says_yes_and_has_a_place(db_url, domain):
    referral_id, sender = her_chat()
    with session_scope() as s:
        ids = [make_activity(s, local(working_day(n), 10 + n), title=f"Group {n}", places=n) for n in (3, 2, 4, 1)]
        for n in range(6):
            make_activity(s, local(working_day(5), 9) + timedelta(minutes=n), title=f"Later {n}")
    talk = Turn(sender)
    events, _ = talk.start(domain)
    assert {"event": "followup", "name": "activity_form", "timestamp": None} in events
    _, messages = talk.ask("activity_choice", domain)
    listing = texts(messages)
    assert listing.startswith("Here's what's on in the next 4 weeks:")
    assert "1. Group 1:" in listing and "(1 place left)" in listing and "Group 2" in listing
    assert "Southwark" in listing  # the centre, named: she asked
    # Soonest first, five at most, each with a button to book it.
    expected = [ids[3], ids[1], ids[0], ids[2]]
    assert [b["payload"] for b in messages[0]["buttons"]][:4] == [f"activity {i}" for i in expected]
    assert len(messages[0]["buttons"]) == 5
    _, said = talk.answer("activity_choice", "2", domain)
    assert said == [] and talk.slots["activity_target"] == str(ids[1]) and talk.slots["activity_mode"] == "book"
    _, messages = talk.ask("activity_confirm", domain)
    assert "Book you a place at Group 2" in texts(messages)
    assert [b["title"] for b in messages[0]["buttons"]] == ["Yes, book it", "No thanks"]
    with session_scope() as s:
        assert s.execute(select(ActivityBooking)).first() is None  # nothing before her yes
    _, messages = talk.answer("activity_confirm", "yes", domain)
    done = texts(messages)
    assert done.startswith("Booked: Group 2,") and "reminder text the day before" in done
    assert talk.slots["activity_outcome"] == "done"
    with session_scope() as s:
        [row] = s.execute(select(ActivityBooking)).scalars().all()
        assert (row.referral_id, row.activity_id, row.booked_via) == (referral_id, ids[1], "rest")
    events, _ = talk.run(ActionActivitiesDone(), talk.tracker(), domain)
    assert all(e["value"] is None for e in events if e.get("event") == "slot")


def test_she_names_one_in_words_and_the_last_place_goes_while_she_decides(db_url, domain):
    _, sender = her_chat()
    with session_scope() as s:
        art = make_activity(s, local(working_day(3), 10), title="Art group", places=1)
        yoga = make_activity(s, local(working_day(4), 10), title="Gentle yoga")
        other = make_referral(s, phone="+447700900128").id
    talk = Turn(sender)
    talk.start(domain)
    talk.ask("activity_choice", domain)
    talk.answer("activity_choice", "the yoga one please", domain)
    assert talk.slots["activity_target"] == str(yoga)
    talk.slots.update(activity_choice=None, activity_target=None, activity_mode=None)
    talk.answer("activity_choice", "can i go to the art group", domain)
    assert talk.slots["activity_target"] == str(art)
    book(other, art)  # someone else takes the last place first
    _, messages = talk.answer("activity_confirm", "yes", domain)
    assert "just taken the last place" in texts(messages)
    assert talk.slots["activity_choice"] is None and talk.slots["activity_target"] is None
    _, messages = talk.ask("activity_choice", domain)
    assert "Art group" not in texts(messages) and "Gentle yoga" in texts(messages)


def test_she_calls_off_her_place_from_the_list(db_url, domain):
    referral_id, sender = her_chat()
    with session_scope() as s:
        activity_id = make_activity(s, local(working_day(4), 10), title="Art group")
        make_activity(s, local(working_day(5), 10), title="Gentle yoga")
    booking_id = book(referral_id, activity_id)
    talk = Turn(sender)
    talk.start(domain)
    _, messages = talk.ask("activity_choice", domain)
    listing = texts(messages)
    assert "You have a place at:" in listing and "2. Art group:" in listing and "call it off" in listing
    assert messages[0]["buttons"][-1]["payload"] == f"place {booking_id}"
    assert messages[0]["buttons"][-1]["title"].startswith("Call off: Art group")
    talk.answer("activity_choice", f"place {booking_id}", domain)
    assert talk.slots["activity_mode"] == "cancel"
    _, messages = talk.ask("activity_confirm", domain)
    assert "Call off your place at Art group" in texts(messages)
    _, messages = talk.answer("activity_confirm", "yes call it off", domain)
    assert "is called off" in texts(messages)
    assert count_of(activity_id) == 0
    [message] = outbox()
    assert message.status == OutboxStatus.CANCELLED


def test_a_place_that_is_not_in_her_list_cannot_be_picked_and_no_stops(db_url, domain):
    _, sender = her_chat()
    with session_scope() as s:
        make_activity(s, local(working_day(4), 10))
        someone = make_referral(s, phone="+447700900129").id
        theirs = make_activity(s, local(working_day(5), 10))
    their_place = book(someone, theirs)
    talk = Turn(sender)
    talk.start(domain)
    talk.ask("activity_choice", domain)
    _, messages = talk.answer("activity_choice", f"place {their_place}", domain)
    assert "didn't get that" in texts(messages) and talk.slots.get("activity_target") is None
    talk.answer("activity_choice", "no thanks", domain)
    assert talk.slots["activity_outcome"] == "stopped"
    _, messages = talk.run(ActionActivitiesDone(), talk.tracker(), domain)
    assert "I've left it" in texts(messages)
    assert count_of(theirs) == 1


def test_on_sms_a_woman_whose_texts_may_not_name_us_sees_the_street_not_the_centre(db_url, domain):
    with session_scope() as s:
        referral = make_referral(s, phone="+447700900130", safe=None)
        make_activity(s, local(working_day(4), 10))
        s.add(Conversation(sender_id="+447700900130", channel="sms", woman_id=referral.woman_id))
    talk = Turn("+447700900130", channel="sms")
    talk.start(domain)
    _, messages = talk.ask("activity_choice", domain)
    assert "Women's Centre" not in texts(messages) and "1 Example Road, Peckham, SE15 5AA" in texts(messages)
