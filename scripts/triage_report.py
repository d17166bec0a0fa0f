"""Graded triage on a blind round (tests/triage/round*/): `make eval`, or

    python -m scripts.triage_report [--model models/elpis.tar.gz] [--json out.json]

Each message is understood by the trained model with the running code
(pipeline, crisis net, grades), as the Rasa server does, and its grade read
from the parse data (a model or code from before grading counts intent
`crisis` as danger). Reported per grade, per kind and per language, against
issue 17's targets.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from bot.settings import REPO_ROOT

ROUND_IN_USE = REPO_ROOT / "tests" / "triage" / "round11"
# Danger, distress and everyday words in each of our eight other languages (issue 21).
LANGUAGE_ROUND = REPO_ROOT / "tests" / "triage" / "round12"
TARGETS = {"danger_recall": 0.98, "false_danger": 0.02, "distress_recognised": 0.90, "urgent_per_1000": 20}


def load_sets(folder: Path) -> list[dict]:
    """Every message of a round: its files, each written by one annotator, in name order."""
    items = []
    for path in sorted(folder.glob("*.yml")):
        items += yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    return items


def grade_of_parse(text: str, parsed: dict) -> str:
    """The grade a parse gives a message, as the conversation acts on it."""
    from bot.safety.crisis import mentions_crisis

    grade = (parsed.get("triage") or {}).get("grade")
    if grade is None:  # before graded triage: one crisis switch
        grade = "danger" if parsed["intent"]["name"] == "crisis" else "none"
    if grade != "danger" and mentions_crisis(text):  # the crisis policy reads the whole text too
        grade = "danger"
    return grade


def grades(model: str, texts: list[str]) -> list[str]:
    from scripts.model_parse import parse_all

    return [grade_of_parse(text, parsed) for text, parsed in zip(texts, parse_all(model, texts))]


def score(items: list[dict], got: list[str]) -> dict:
    danger = [g for m, g in zip(items, got) if m["grade"] == "danger"]
    other = [g for m, g in zip(items, got) if m["grade"] != "danger"]
    distress = [g for m, g in zip(items, got) if m["grade"] == "distress"]
    everyday = [g for m, g in zip(items, got) if m["grade"] == "everyday"]
    result = {
        "messages": len(items),
        "danger_recall": sum(g == "danger" for g in danger) / len(danger),
        "danger_or_asked": sum(g in ("danger", "unsure") for g in danger) / len(danger),
        "false_danger": sum(g == "danger" for g in other) / len(other),
        "asked_if_safe_not_danger": sum(g == "unsure" for g in other) / len(other),
        "distress_recognised": sum(g == "distress" for g in distress) / len(distress),
        "everyday_left_alone": sum(g == "none" for g in everyday) / len(everyday),
        "urgent_per_1000": 1000 * sum(g == "danger" for g in other) / len(other),
        "confusion": {
            want: dict(Counter(g for m, g in zip(items, got) if m["grade"] == want))
            for want in ("danger", "distress", "everyday")
        },
    }
    by_kind: dict = defaultdict(Counter)
    by_lang: dict = defaultdict(Counter)
    # Issue 21's bar is danger answered in every language: each language's danger, as
    # answered / answered or asked / all.
    danger_lang: dict = defaultdict(Counter)
    for m, g in zip(items, got):
        right = (g == "danger") == (m["grade"] == "danger") and (m["grade"] != "distress" or g == "distress")
        by_kind[f"{m['grade']}/{m['kind']}"][right] += 1
        by_lang["en" if m["lang"] == "en" else "other"][right] += 1
        if m["grade"] == "danger":
            danger_lang[m["lang"]][g] += 1
    result["by_kind"] = {k: f"{c[True]}/{c[True] + c[False]}" for k, c in sorted(by_kind.items())}
    result["by_language"] = {k: f"{c[True]}/{c[True] + c[False]}" for k, c in by_lang.items()}
    result["danger_by_language"] = {
        k: f"{c['danger']}/{c['danger'] + c['unsure']}/{sum(c.values())}" for k, c in sorted(danger_lang.items())
    }
    return result


def report_lines(result: dict, where: str = "tests/triage") -> list[str]:
    t = TARGETS
    return [
        f"## Graded triage ({where}: blind everyday and danger sets)",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| danger now graded danger | {result['danger_recall']:.3f} | >= {t['danger_recall']} |",
        f'| danger graded danger or asked "are you safe?" | {result["danger_or_asked"]:.3f} | |',
        f"| false danger on everyday and distress messages | {result['false_danger']:.3f} | <= {t['false_danger']} |",
        f"| urgent alerts per 1,000 of those | {result['urgent_per_1000']:.0f} | <= {t['urgent_per_1000']} |",
        f"| distress recognised | {result['distress_recognised']:.3f} | >= {t['distress_recognised']} |",
        f"| everyday left alone | {result['everyday_left_alone']:.3f} | |",
        f'| non-danger asked "are you safe?" | {result["asked_if_safe_not_danger"]:.3f} | |',
        "",
        "Confusion (labelled -> graded): " + json.dumps(result["confusion"]),
        "",
        "Right per kind: " + ", ".join(f"{k} {v}" for k, v in result["by_kind"].items()),
        "",
        "Right per language: " + ", ".join(f"{k} {v}" for k, v in result["by_language"].items()),
        "Danger per language (answered / or asked / all): "
        + ", ".join(f"{k} {v}" for k, v in result["danger_by_language"].items()),
    ]


def evaluate(model: str, path: Path) -> tuple[dict, list[str]]:
    items = load_sets(path)
    result = score(items, grades(model, [m["text"] for m in items]))
    return result, report_lines(result, str(path))


if __name__ == "__main__":
    from scripts.model_parse import report_main

    report_main(
        "python -m scripts.triage_report",
        ROUND_IN_USE,
        "a folder of a round's files (default: the round in use)",
        evaluate,
    )
