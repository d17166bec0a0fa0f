"""Understanding on messages the model never saw (tests/nlu/holdout.yml).

Targets from the design: held-out intent accuracy >= 95%, and every crisis
message labelled crisis (model plus the deterministic net).

This is the fourth blind set (642 messages, 2026-11-24; how it was made:
tests/nlu/ANNOTATION.md). Scored here, where a "not understood" counts as
wrong:
- first, 0.894. Two crisis messages (Romanian, "he hit me") were missed by
  model and net alike; the net now covers "hit me / beat me" in every
  language it knows, so crisis recall on this set is no longer blind;
- then, after the sentence encoder was fine-tuned on our intents (chosen by
  cross-validation on the training data, not on this set): 0.927, and 0.933
  with `rasa test nlu` (which scores the model's best guess even when it was
  not sure enough to act on it).
Short of the 95% target. The assertion below is a regression floor; the
measured value is printed and written to test-artifacts/nlu_holdout.md on
every run.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import requests
import yaml

HOLDOUT = Path(__file__).resolve().parents[1] / "nlu" / "holdout.yml"
ACCURACY_FLOOR = 0.91  # measured 0.927 (fourth blind set, second scoring); design target 0.95 (not yet met)


def load_holdout() -> list[tuple[str, str]]:
    doc = yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))
    pairs = []
    for block in doc["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((block["intent"], line[2:].strip()))
    return pairs


def test_holdout_accuracy_and_crisis_recall(stack, artifacts):
    pairs = load_holdout()
    session = requests.Session()
    total, right = Counter(), Counter()
    confusions: dict[tuple[str, str], list[str]] = defaultdict(list)
    for intent, text in pairs:
        parsed = session.post(f"{stack.rasa_url}/model/parse", json={"text": text}, timeout=30).json()
        predicted = parsed["intent"]["name"]
        total[intent] += 1
        if predicted == intent:
            right[intent] += 1
        else:
            confusions[(intent, predicted)].append(text)
    accuracy = sum(right.values()) / sum(total.values())
    lines = [f"held-out intent accuracy: {accuracy:.3f} on {sum(total.values())} messages", "",
             "| intent | n | accuracy |", "|---|---|---|"]
    lines += [f"| {i} | {total[i]} | {right[i] / total[i]:.2f} |" for i in sorted(total)]
    lines += ["", "confusions (expected -> predicted):"]
    lines += [f"- {a} -> {b}: {texts}" for (a, b), texts in sorted(confusions.items())]
    (artifacts / "nlu_holdout.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    assert right["crisis"] == total["crisis"], confusions
    assert accuracy >= ACCURACY_FLOOR, "\n".join(lines)
