"""Understanding on messages the model never saw (tests/nlu/holdout*.yml).

Targets from the design: held-out intent accuracy >= 95%, and every crisis
message labelled crisis (model plus the deterministic net), or asked "Are you
safe right now?" (graded unsure, bot/safety/triage.py: the question carries
the 999 line, and No or "I can't talk" is danger).

How the sets are made, and every scoring: tests/nlu/ANNOTATION.md.
- holdout.yml, the fifth set (631 messages), was scored once, on the final
  model: 0.946 here (0.948 with the net fix below) and 0.952 with
  `rasa test nlu` (`make eval`).
  - "Here", a message the model was not sure enough to act on counts as
    wrong. `rasa test nlu` scores its best guess instead; this test
    reports that too.
  - Its one crisis miss (Romanian, "he's following me") led to the net
    covering "following me" in its languages, so crisis recall on it is no
    longer blind.
- holdout_4.yml, the fourth set (642), was scored three times as the model
  changed: 0.894, 0.927, then 0.949 here and 0.953 with `rasa test nlu`.
- holdout_support.yml (137, issue 24: her keyworker, how am I doing, check-ins,
  groups, follow-up booking, and hard negatives), written blind from a brief,
  was scored once: 0.949 here (2026-12-07); the two held-out sets above gave
  0.959 and 0.963 on the same model.

The floors below are regression floors, a little under the measured values.
The measured values are printed, and written to test-artifacts/ on every
run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
import requests
import yaml

NLU_TESTS = Path(__file__).resolve().parents[1] / "nlu"
# Regression floors, a little under what was measured (see the docstring):
# the measured values are printed and written to test-artifacts/ on every run.
SETS = {
    "holdout.yml": 0.93,  # the fifth set, scored once: measured 0.946 (0.948 with the net's fix)
    "holdout_4.yml": 0.93,  # the fourth set, scored three times: measured 0.949
    "holdout_support.yml": 0.92,  # issue 24's intents and their hard negatives, scored once: measured 0.949
}


def load_holdout(name: str = "holdout.yml") -> list[tuple[str, str]]:
    doc = yaml.safe_load((NLU_TESTS / name).read_text(encoding="utf-8"))
    pairs = []
    for block in doc["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                # "faq/keyworker" is scored as the intent, faq (the topic is the selector's: tests/knowledge).
                pairs.append((block["intent"].split("/")[0], line[2:].strip()))
    return pairs


def _best_guess(parsed: dict) -> str:
    """The model's intent even when it was not sure enough to act on it, as
    `rasa test nlu` scores it (it undoes the FallbackClassifier)."""
    for ranked in parsed.get("intent_ranking") or []:
        if ranked.get("name") not in (None, "nlu_fallback"):
            return ranked["name"]
    return parsed["intent"]["name"]


@pytest.mark.parametrize("name", sorted(SETS))
def test_holdout_accuracy_and_crisis_recall(stack, artifacts, name):
    pairs = load_holdout(name)
    session = requests.Session()
    total, right, guessed = Counter(), Counter(), Counter()
    confusions: dict[tuple[str, str], list[str]] = defaultdict(list)
    for intent, text in pairs:
        parsed = session.post(f"{stack.rasa_url}/model/parse", json={"text": text}, timeout=30).json()
        predicted = parsed["intent"]["name"]
        if intent == "crisis" and (parsed.get("triage") or {}).get("grade") == "unsure":
            # Asked "Are you safe right now?" with the 999 line; No or "can't talk" is danger.
            predicted = "crisis"
        total[intent] += 1
        guessed[intent] += _best_guess(parsed) == intent
        if predicted == intent:
            right[intent] += 1
        else:
            confusions[(intent, predicted)].append(text)
    n = sum(total.values())
    accuracy = sum(right.values()) / n
    lines = [
        f"{name}: held-out intent accuracy {accuracy:.3f} on {n} messages ('not understood' counts as wrong); "
        f"best guess {sum(guessed.values()) / n:.3f}",
        "",
        "| intent | n | accuracy |",
        "|---|---|---|",
    ]
    lines += [f"| {i} | {total[i]} | {right[i] / total[i]:.2f} |" for i in sorted(total)]
    lines += ["", "confusions (expected -> predicted):"]
    lines += [f"- {a} -> {b}: {texts}" for (a, b), texts in sorted(confusions.items())]
    (artifacts / f"nlu_{name.replace('.yml', '')}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    assert right["crisis"] == total["crisis"], confusions
    assert accuracy >= SETS[name], "\n".join(lines)
