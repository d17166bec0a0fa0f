"""The wording catalogue (bot/wording) is the one home of every sentence Elpis sends."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.wording import catalogue as cat
from bot.wording.discreet import giveaways, say_discreet

ROOT = Path(__file__).resolve().parents[2]
CODE = [p for d in ("actions", "bot") for p in (ROOT / d).rglob("*.py") if "migrations" not in p.parts]
USES = re.compile(r"""\b(?:say|say_discreet|template|buttons)\(\s*["']([a-z_][\w.]*)["']""")


def _used_keys() -> set[str]:
    return {m for p in CODE for m in USES.findall(p.read_text(encoding="utf-8"))}


def test_every_catalogue_loads_and_english_is_there():
    assert "en" in cat.languages()
    for language in cat.languages():
        assert cat.catalogue(language)


def test_every_key_the_code_asks_for_exists():
    missing = sorted(_used_keys() - set(cat.catalogue("en")))
    assert missing == []


def test_no_key_is_left_unused():
    domain_and_stories = " ".join(
        p.read_text(encoding="utf-8") for d in ("domain", "data") for p in (ROOT / d).rglob("*.yml")
    )
    code = " ".join(p.read_text(encoding="utf-8") for p in CODE)
    unused = [
        key
        for key in cat.catalogue("en")
        if key not in _used_keys()
        and not (key.startswith("utter_") and key in domain_and_stories)
        and f'"{key}"' not in code  # keys chosen by a table, e.g. {"48h": "reminders.48h"}
    ]
    assert unused == []


STAFF_ONLY = ("alerts.",)  # texted to staff, always in English (bot/staff/alert_notify.py)


def test_other_languages_have_every_key_with_the_same_placeholders():
    english = cat.catalogue("en")
    for language in cat.languages():
        if language == "en":
            continue
        theirs = cat.catalogue(language)
        assert sorted(k for k in set(english) - set(theirs) if not k.startswith(STAFF_ONLY)) == [], language
        assert sorted(set(theirs) - set(english)) == [], language
        for key, t in theirs.items():
            assert t.placeholders == english[key].placeholders, (language, key)
            assert t.discreet == english[key].discreet, (language, key)
            assert [p for _, p in t.buttons] == [p for _, p in english[key].buttons], (language, key)


def test_discreet_templates_name_nothing():
    for language in cat.languages():
        for key, t in cat.catalogue(language).items():
            if t.discreet:
                assert giveaways(t) == [], (language, key)


def test_a_template_refuses_missing_or_unknown_values():
    some = cat.Template("x", "en", "Hi {name}, see you {when}.")
    assert some.fill(name="Ana", when="tomorrow") == "Hi Ana, see you tomorrow."
    with pytest.raises(KeyError):
        some.fill()
    with pytest.raises(KeyError):
        some.fill(**{p: "x" for p in some.placeholders}, not_a_placeholder="x")


def test_a_discreet_text_cannot_come_from_an_ordinary_template():
    ordinary = next(k for k, t in cat.catalogue("en").items() if not t.discreet and not t.placeholders)
    with pytest.raises(ValueError):
        say_discreet(ordinary)


def test_an_unknown_language_falls_back_to_english():
    assert cat.say("utter_goodbye", "xx") == cat.say("utter_goodbye")


def test_domain_responses_are_built_from_the_catalogue():
    check = subprocess.run([sys.executable, "-m", "bot.wording.domain_responses", "--check"], cwd=ROOT)
    assert check.returncode == 0, "run: python -m bot.wording.domain_responses"


# Where sentences sent to her, or texted to staff by the worker, are written. The staff
# web app's own page text is not sent and stays in its templates.
SENT_FROM = (
    "actions/",
    "bot/appointments/",
    "bot/channels/",
    "bot/messaging/",
    "bot/privacy/",
    "bot/referrals/",
    "bot/safety/",
    "bot/directory/",
    "bot/rasa_components/",
    "bot/staff/alert_notify.py",
    "bot/staff/handoff.py",
    "bot/staff/team_hours.py",
    "bot/dates.py",
    "bot/hours.py",
)
_NOT_TEXT_CALLS = {
    "debug",
    "info",
    "warning",
    "error",
    "exception",
    "critical",
    "log",
    "print",
    "compile",
    "search",
    "match",
    "fullmatch",
    "sub",
    "findall",
    "finditer",
    "split",
    "execute",
    "add_argument",
    "Field",
}


def _sentences(path: Path) -> list[tuple[int, str]]:
    """String literals that read as a sentence: four words or more, ending or joined by . ? !

    Docstrings, log lines, exceptions, regexes and lines marked `# not sent` are not wording.
    """
    source = path.read_text(encoding="utf-8")
    marked = {n for n, line in enumerate(source.splitlines(), 1) if line.rstrip().endswith("# not sent")}
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            skip.add(id(body[0].value))
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in _NOT_TEXT_CALLS or name.endswith("Error"):
                skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, (ast.Raise, ast.Assert)):
            skip.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip or getattr(node, "lineno", 0) in marked:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
            skip.update(id(v) for v in node.values)
        else:
            continue
        if (
            len(re.findall(r"[A-Za-z']+", text)) >= 4
            and re.search(r"[.?!]\s*$|[.?!] [A-Z]", text)
            and not re.search(r"\\[bdsw]|\(\?", text)
        ):
            found.append((node.lineno, text[:80]))
    return found


def test_no_sentence_is_written_in_code():
    offenders = {}
    for path in CODE:
        rel = str(path.relative_to(ROOT))
        if not rel.startswith(SENT_FROM):
            continue
        found = _sentences(path)
        if found:
            offenders[rel] = found[:3]
    assert offenders == {}
