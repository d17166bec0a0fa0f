"""The service-finder actions in process, on both databases (the real servers are in tests/integration)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.services import render
from actions.services.find import ActionFindServices, ActionFindServicesAfterLocation
from actions.services.follow_ups import ActionServiceChoose, ActionServiceMore
from actions.services.location_form import ActionAskServiceLocation, ValidateServiceLocationForm

SLOTS = dict.fromkeys(
    [
        "service_location",
        "service_request",
        "service_results",
        "service_offset",
        "service_shown",
        "service_location_tries",
        "service_outcome",
        "service_area",
        "postcode",
        "outcode",
        "borough",
        "in_coverage",
        "requested_slot",
    ]
)


def tracker(text: str, slots: dict, intent: str = "find_service", channel: str = "rest", entities=None) -> Tracker:
    return Tracker(
        "actions-test",
        dict(slots),
        {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": entities or []},
        [{"event": "user", "input_channel": channel, "text": text}],
        False,
        None,
        None,
        "action_listen",
    )


def run(action, text: str, slots: dict, **kw) -> tuple[list[dict], list[dict], dict]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker(text, slots, **kw), {}))
    new = dict(slots)
    for event in events:
        if event.get("event") == "slot":
            new[event["name"]] = event["value"]
    return dispatcher.messages, events, new


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def test_search_more_choose_on_the_web(db_url):
    messages, _, slots = run(ActionFindServices(), "is there a women's centre near SE15", SLOTS)
    assert messages[1]["text"].startswith("1. SAMPLE Southwark Women's Centre")
    assert slots["service_area"] == "SE15" and slots["borough"] == "Southwark" and slots["in_coverage"] is True
    assert slots["service_offset"] == 3 and len(slots["service_shown"]) == 3
    more, _, slots = run(ActionServiceMore(), "more", slots, intent="more_options")
    assert more[0]["text"].endswith("Here are more:") and slots["service_offset"] == 6
    second = re.match(r"2\. (.+)", more[2]["text"]).group(1)
    details, _, _ = run(ActionServiceChoose(), "the second one", slots, intent="choose_option")
    assert second in details[0]["text"] and "Address:" in details[0]["text"]


def test_sms_pages_are_short(db_url):
    messages, _, slots = run(
        ActionFindServices(), "somewhere to talk about my drinking near SE15", SLOTS, channel="sms"
    )
    [page] = messages
    assert render.sms_segments(page["text"]) <= 3 and not page["buttons"]
    assert "Reply 1, 2 or 3 for details, or MORE for more." in page["text"]
    details, _, _ = run(ActionServiceChoose(), "2", slots, intent="choose_option", channel="sms")
    assert render.sms_segments(details[0]["text"]) <= 3


def test_no_place_starts_the_form_and_the_form_asks_once_more(db_url):
    _, events, slots = run(ActionFindServices(), "somewhere to talk about my drinking", SLOTS)
    assert {"event": "followup", "name": "service_location_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    assert slots["service_request"]["categories"] == ["drugs_alcohol"]
    ask, _, _ = run(ActionAskServiceLocation(), "", slots)
    assert "Where are you?" in texts(ask)
    form = ValidateServiceLocationForm()
    dispatcher = CollectingDispatcher()
    result = asyncio.run(form.validate_service_location("Manchester", dispatcher, tracker("Manchester", slots), {}))
    assert result == {"service_location": None, "service_location_tries": 1}
    assert "Manchester is outside London" in texts(dispatcher.messages)
    slots["service_location_tries"] = 1
    assert "London postcode or area" in texts(run(ActionAskServiceLocation(), "", slots)[0])
    result = asyncio.run(form.validate_service_location("Leeds", CollectingDispatcher(), tracker("Leeds", slots), {}))
    assert result == {"service_location": "outside"}
    slots["service_location"] = "outside"
    final, _, _ = run(ActionFindServicesAfterLocation(), "Leeds", slots)
    assert "Free national helplines" in texts(final) and "Drinkline" in texts(final)


def test_a_good_answer_to_the_form_searches(db_url):
    form = ValidateServiceLocationForm()
    slots: dict[str, Any] = dict(SLOTS, service_request={"categories": ["housing"], "when": None})
    result = asyncio.run(
        form.validate_service_location("se15 4qf", CollectingDispatcher(), tracker("se15 4qf", slots), {})
    )
    assert result["postcode"] == "SE15 4QF" and result["borough"] == "Southwark"
    slots.update(result)
    messages, _, _ = run(ActionFindServicesAfterLocation(), "se15 4qf", slots)
    assert "housing near SE15 4QF" in messages[0]["text"]


def test_nothing_near_gives_broader_option_and_national_lines(db_url):
    messages, _, slots = run(ActionFindServices(), "sex work support near DA5", SLOTS)
    joined = texts(messages)
    assert "couldn't find places for sex work near DA5" in joined
    assert "The closest place that may help" in joined and "Women's Centre" in joined
    assert "Free national helplines" in joined and "0808 2000 247" in joined
    sms, _, _ = run(ActionFindServices(), "sex work support near DA5", SLOTS, channel="sms")
    assert len(sms) == 1 and render.sms_segments(sms[0]["text"]) <= 3


def test_by_name_and_unknown_choices(db_url):
    messages, _, _ = run(ActionFindServices(), "is the Hackney Women's Centre open today", SLOTS)
    assert messages[0]["text"].startswith("[SAMPLE data for testing] SAMPLE Hackney Women's Centre")
    [no_list] = run(ActionServiceMore(), "more", SLOTS, intent="more_options")[0]
    assert no_list["response"] == "utter_services_no_list"
    _, _, slots = run(ActionFindServices(), "housing in Lambeth", SLOTS)
    assert (
        texts(run(ActionServiceChoose(), "number 9", slots, intent="choose_option")[0])
        == "Which one? Reply 1 or 2 or 3. Or tell me what other help you need."
    )
    # A bare answer read as "inform" after a list: a number picks, a place searches again (same need).
    assert "Address:" in texts(run(ActionServiceChoose(), "2", slots, intent="inform")[0])
    again, _, _ = run(ActionServiceChoose(), "SE5", slots, intent="inform")
    assert "housing near SE5" in again[0]["text"]
