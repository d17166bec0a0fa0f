"""Understanding in each of our languages, on its blind set (tests/nlu/languages/<code>.yml):
`make eval`, or

    python -m scripts.language_report [--model models/elpis.tar.gz] [--sets tests/nlu/languages] [--json out.json]

Each message is understood by the trained model with the running code (pipeline,
crisis net), as the Rasa server does. Reported per language: intent accuracy on
the everyday intents, crisis recall (danger answered: the crisis intent or the
net), and the gap to English, whose figure is the English held-out set's
(tests/nlu/holdout.yml, read the same way). Issue 21's targets: within 5 points
of English, crisis recall 100% in each.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from bot.settings import REPO_ROOT

DEFAULT_SETS = REPO_ROOT / "tests" / "nlu" / "languages"
ENGLISH_SET = REPO_ROOT / "tests" / "nlu" / "holdout.yml"
TARGET_GAP = 0.05
CRISIS = "crisis"


def load(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (block["intent"], line[2:].strip())
        for block in data["nlu"]
        if "intent" in block
        for line in block["examples"].splitlines()
        if line.startswith("- ")
    ]


ASKED = "asked"  # graded unsure: "Are you safe right now?" with 999 in the same message, No is danger


def _read(parsed: dict, text: str) -> str:
    from bot.safety.crisis import mentions_crisis

    intent = parsed["intent"]["name"]
    if intent.startswith("faq"):
        intent = "faq"
    if intent == CRISIS or mentions_crisis(text):
        return CRISIS
    return ASKED if (parsed.get("triage") or {}).get("grade") == "unsure" else intent


def score(pairs: list[tuple[str, str]], got: list[str]) -> dict:
    everyday = [(want, g) for (want, _), g in zip(pairs, got) if want != CRISIS]
    crisis = [g for (want, _), g in zip(pairs, got) if want == CRISIS]
    return {
        "messages": len(pairs),
        "accuracy": sum(want == g for want, g in everyday) / max(len(everyday), 1),
        "crisis_recall": sum(g == CRISIS for g in crisis) / len(crisis) if crisis else None,
        "crisis_or_asked": sum(g in (CRISIS, ASKED) for g in crisis) / len(crisis) if crisis else None,
        "false_crisis": sum(g == CRISIS for _, g in everyday) / max(len(everyday), 1),
        "confusions": Counter(f"{want} -> {g}" for want, g in everyday if want != g).most_common(8),
    }


def evaluate(model: str, folder: Path) -> tuple[dict, list[str]]:
    from scripts.model_parse import parse_all

    sets = {path.stem: load(path) for path in sorted(folder.glob("*.yml"))}
    sets["en"] = load(ENGLISH_SET)
    texts = [text for pairs in sets.values() for _, text in pairs]
    parsed = iter(parse_all(model, texts))
    result = {code: score(pairs, [_read(next(parsed), t) for _, t in pairs]) for code, pairs in sets.items()}
    english = result["en"]["accuracy"]
    lines = [
        f"## Understanding per language (blind sets in {folder.relative_to(REPO_ROOT)}; English: {ENGLISH_SET.name})",
        "",
        "| language | messages | intent accuracy | gap to English | danger answered | or asked 'are you safe?' | false crisis |",
        "|---|---|---|---|---|---|---|",
    ]
    for code, r in sorted(result.items(), key=lambda kv: kv[0] != "en"):
        gap = english - r["accuracy"]
        recall = "-" if r["crisis_recall"] is None else f"{r['crisis_recall']:.3f}"
        asked = "-" if r["crisis_or_asked"] is None else f"{r['crisis_or_asked']:.3f}"
        lines.append(
            f"| {code} | {r['messages']} | {r['accuracy']:.3f} | {gap:+.3f} | {recall} | {asked} | {r['false_crisis']:.3f} |"
        )
        r["gap"] = gap
    lines += ["", f"targets: gap <= {TARGET_GAP}, crisis recall 1.000 in every language", ""]
    for code, r in result.items():
        if r["confusions"]:
            lines.append(f"- {code}: " + "; ".join(f"{c} ({n})" for c, n in r["confusions"][:5]))
    return result, lines


if __name__ == "__main__":
    from scripts.model_parse import report_main

    report_main("python -m scripts.language_report", DEFAULT_SETS, "a folder of <code>.yml blind sets", evaluate)
