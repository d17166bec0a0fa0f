"""Pure logic of the staff app: transcripts, charts, safe redirects, team hours setting."""

from __future__ import annotations

from bot.settings import load_settings
from bot.staff.rasa_api import STAFF_METADATA_KEY, bot_event, transcript
from bot.web.staff.auth import safe_next
from bot.web.staff.charts import grouped_bars, horizontal_bars


def test_transcript_separates_her_the_assistant_and_the_keyworker():
    events = [
        {"event": "user", "text": "/greet", "timestamp": 1},
        {"event": "user", "text": "I need help", "timestamp": 2, "input_channel": "socketio"},
        {"event": "bot", "text": "I can help.", "timestamp": 3},
        {"event": "pause", "timestamp": 4},
        {
            "event": "bot",
            "text": "Hi, Sam here",
            "timestamp": 5,
            "metadata": {STAFF_METADATA_KEY: True, "staff": "Sam"},
        },
        {"event": "slot", "name": "x", "value": 1},
        {"event": "resume", "timestamp": 6},
    ]
    out = transcript({"events": events})
    assert [(m["who"], m["text"]) for m in out] == [
        ("her", "I need help"),
        ("assistant", "I can help."),
        ("event", "A keyworker took over"),
        ("keyworker", "Hi, Sam here"),
        ("event", "Handed back to the assistant"),
    ]
    assert bot_event("hello", "Sam")["metadata"][STAFF_METADATA_KEY] is True


def test_safe_next_only_allows_staff_pages():
    assert safe_next("/staff/cases/3", "/staff/alerts") == "/staff/cases/3"
    for bad in ("//evil.example/", "https://evil.example/", "/staff\\evil", "/other", None, ""):
        assert safe_next(bad, "/staff/alerts") == "/staff/alerts"


def test_charts_scale_to_the_largest_value():
    chart = grouped_bars("t", ["2026-10", "2026-11"], {"Self": {"2026-10": 2, "2026-11": 4}, "Police": {"2026-11": 1}})
    assert len(chart.bars) == 4 and chart.max_value == 4
    tallest = max(chart.bars, key=lambda b: b.h)
    assert tallest.value == 4 and tallest.h == chart.height - 50
    flat = horizontal_bars("t", [("a", 0), ("b", 5)])
    assert flat.bars[0].w == 0 and flat.bars[1].w > 0
    assert horizontal_bars("empty", []).bars == []


def test_escalation_and_team_hours_settings():
    settings = load_settings({"ELPIS_ALERT_ESCALATION_MINUTES": "5", "ELPIS_TEAM_HOURS": "Mon-Thu 09:00-17:00"})
    assert settings.alert_escalation_minutes == 5 and settings.team_hours == "Mon-Thu 09:00-17:00"
    assert load_settings({}).team_hours == "Mon-Fri 09:30-17:00"


def test_rasa_api_sends_the_token_when_one_is_set(monkeypatch):
    from bot.settings import get_settings
    from bot.staff import rasa_api

    monkeypatch.delenv("ELPIS_RASA_TOKEN", raising=False)
    get_settings.cache_clear()
    assert rasa_api._auth({"a": "1"}) == {"a": "1"}
    monkeypatch.setenv("ELPIS_RASA_TOKEN", "a-very-long-secret-token")
    get_settings.cache_clear()
    assert rasa_api._auth({}) == {"token": "a-very-long-secret-token"}
    monkeypatch.delenv("ELPIS_RASA_TOKEN")
    get_settings.cache_clear()
