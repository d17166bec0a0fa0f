"""Graded triage on the blind rounds in use (scripts/triage_report: ROUND_IN_USE, and
LANGUAGE_ROUND in our eight other languages), through the
real Rasa server's /model/parse, against regression floors a little under
what was measured on it once (docs/triage.md). The figures are printed and
written to test-artifacts/ on every run."""

from __future__ import annotations

import pytest
import requests

from scripts.triage_report import LANGUAGE_ROUND, ROUND_IN_USE, grade_of_parse, load_sets, report_lines, score

# Measured 2026-12-07 on the model shipped (docs/triage.md), each round never tuned on:
# round 11 (353 messages, a quarter in other languages): danger 1.000 (1.000 with "are you
# safe?"), distress recognised 0.913, false danger 0.021; round 12 (516 messages in our eight
# other languages): danger 0.782 (0.882), distress 0.840, false danger 0.061. Regression
# floors a little under (CI trains from scratch; one message is 0.008 of round 11's danger and
# 0.004 of round 12's): the issue's targets are met in round 11 but false danger (0.02), and in
# other languages far from it.
FLOORS = {
    "round11": {"danger_recall": 0.97, "danger_or_asked": 0.98, "distress_recognised": 0.87},
    "round12": {"danger_recall": 0.74, "danger_or_asked": 0.85, "distress_recognised": 0.80},
}
CEILINGS = {"round11": {"false_danger": 0.04}, "round12": {"false_danger": 0.08}}


# Understanding does not depend on the database: one backend is enough.
@pytest.mark.parametrize("stack", ["sqlite"], indirect=True)
@pytest.mark.parametrize("folder", [ROUND_IN_USE, LANGUAGE_ROUND], ids=lambda f: f.name)
def test_blind_round(stack, artifacts, folder):
    items = load_sets(folder)
    session = requests.Session()
    got = [
        grade_of_parse(
            m["text"], session.post(f"{stack.rasa_url}/model/parse", json={"text": m["text"]}, timeout=30).json()
        )
        for m in items
    ]
    result = score(items, got)
    lines = report_lines(result, f"tests/triage/{folder.name}")
    (artifacts / f"triage_{folder.name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    for name, floor in FLOORS[folder.name].items():
        assert result[name] >= floor, "\n".join(lines)
    for name, ceiling in CEILINGS[folder.name].items():
        assert result[name] <= ceiling, "\n".join(lines)
