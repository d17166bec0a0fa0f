"""The chat page's settings, page, assets and socket.io channel, without servers."""

from __future__ import annotations

import re

import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.channels.socketio import session_id_from
from bot.settings import load_settings
from bot.web.chat import proxy
from bot.web.chat.assets import FILES, STATIC_DIR, STATIC_PREFIX, TEMPLATE_DIR, accepts_gzip, load_assets
from bot.web.chat.config import DEFAULT_EXIT_URL, exit_url, page_config, socket_target, text_us_number
from bot.web.chat.routes import content_security_policy


def render(env: dict[str, str]) -> str:
    config = page_config(load_settings(env))
    templates = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=select_autoescape(["html"]))
    return templates.get_template("chat.html").render(config=config, static=STATIC_PREFIX)


def test_settings_have_chat_fields_with_safe_defaults():
    s = load_settings({})
    assert s.exit_url == DEFAULT_EXIT_URL and s.text_us_number == "" and s.rasa_socket_url == ""
    s = load_settings(
        {
            "ELPIS_EXIT_URL": "https://example.org/weather",
            "ELPIS_TEXT_US_NUMBER": "07700 900123",
            "ELPIS_RASA_SOCKET_URL": "https://rasa.example.org",
        }
    )
    assert (s.exit_url, s.text_us_number, s.rasa_socket_url) == (
        "https://example.org/weather",
        "07700 900123",
        "https://rasa.example.org",
    )


@pytest.mark.parametrize("value", ["", "javascript:alert(1)", "weather.example.org", "ftp://x.org/"])
def test_a_bad_exit_url_falls_back_so_she_can_always_leave(value):
    assert exit_url(value) == DEFAULT_EXIT_URL


def test_text_us_number_is_e164_with_a_readable_form():
    number = text_us_number("07700 900123")
    assert (number.e164, number.display) == ("+447700900123", "07700 900123")
    assert text_us_number("+44 7700 900123").e164 == "+447700900123"
    assert text_us_number("") is None and text_us_number("12345") is None and text_us_number("call us") is None


def test_socket_target():
    assert socket_target("") == ("", "/socket.io")
    assert socket_target("https://rasa.example.org") == ("https://rasa.example.org", "/socket.io")
    assert socket_target("http://127.0.0.1:5005/custom/") == ("http://127.0.0.1:5005", "/custom")
    with pytest.raises(ValueError):
        socket_target("rasa.example.org")


def test_proxied_by_default_direct_when_configured():
    proxied = page_config(load_settings({"ELPIS_RASA_URL": "http://127.0.0.1:5999"}))
    assert proxied.proxied and proxied.transports == "websocket" and proxied.connect_sources() == []
    assert proxied.upstream_url == "http://127.0.0.1:5999"
    direct = page_config(load_settings({"ELPIS_RASA_SOCKET_URL": "https://rasa.example.org"}))
    assert not direct.proxied and "polling" in direct.transports
    assert direct.connect_sources() == ["https://rasa.example.org", "wss://rasa.example.org"]
    csp = content_security_policy(direct, "chat.example.org")
    assert "connect-src 'self' ws://chat.example.org wss://chat.example.org https://rasa.example.org" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp


def test_page_loads_nothing_from_other_hosts_and_shows_the_crisis_numbers():
    html = render({"ELPIS_TEXT_US_NUMBER": "07700900123"})
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    for ref in refs:
        assert ref.startswith(STATIC_PREFIX + "/") or ref.startswith(("tel:", "sms:")) or ref == DEFAULT_EXIT_URL, ref
    for tel in ("tel:999", "tel:08082000247", "tel:116123"):
        assert f'href="{tel}"' in html
    assert 'href="sms:+447700900123"' in html and "07700 900123" in html
    assert "<title>Chat</title>" in html and 'lang="en-GB"' in html
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_text_us_line_only_when_configured():
    assert "Rather text?" not in render({})


def test_config_values_are_escaped_in_the_page():
    html = render({"ELPIS_EXIT_URL": 'https://x.org/"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in html


def test_assets_are_all_present_and_gzipped():
    assets = load_assets()
    assert set(assets) == set(FILES)
    for asset in assets.values():
        assert asset.body == (STATIC_DIR / asset.name).read_bytes()
        assert len(asset.gzipped) < len(asset.body) or asset.name.endswith(".svg")
    assert b"Socket.IO v4." in assets["vendor/socket.io.min.js"].body


def test_app_js_never_writes_html():
    js = (STATIC_DIR / "app.js").read_text()
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js
    assert "localStorage.setItem" not in js  # the conversation lives in sessionStorage only
    assert "location.replace" in js


@pytest.mark.parametrize(
    "header,ok",
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("identity", False),
        ("gzip;q=0", False),
        (None, False),
        ("", False),
    ],
)
def test_accepts_gzip(header, ok):
    assert accepts_gzip(header) is ok


def test_upstream_websocket_url():
    assert proxy.upstream_ws_url("http://127.0.0.1:5005/", "/socket.io", "EIO=4&transport=websocket") == (
        "ws://127.0.0.1:5005/socket.io/?EIO=4&transport=websocket"
    )
    assert proxy.upstream_ws_url("https://rasa.example.org", "/socket.io", "EIO=4").startswith(
        "wss://rasa.example.org/"
    )


def test_session_ids_she_cannot_forge():
    good = "0123456789abcdef0123456789abcdef"
    assert session_id_from({"session_id": good}) == good
    for bad in (
        {"session_id": "x"},
        {"session_id": "../../etc"},
        {"session_id": 5},
        {"session_id": "a" * 65},
        {},
        None,
        "text",
    ):
        new = session_id_from(bad)
        assert re.fullmatch(r"[0-9a-f]{32}", new) and new != good


def test_page_and_assets_stay_under_150_kb_gzipped():
    # The served sizes are measured by bench/page_weight.py; this keeps the budget in every test run.
    from bot.web.chat.assets import gzip_bytes

    total = len(gzip_bytes(render({}).encode())) + sum(len(a.gzipped) for a in load_assets().values())
    assert total < 150 * 1024
