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
# round 9 (360 messages, a quarter in other languages): danger 0.958 (0.975 with "are you
# safe?"), distress recognised 0.895, false danger 0.033; round 10 (520 messages in our eight
# other languages): danger 0.733 (0.833), distress 0.775, false danger 0.057. Regression
# floors a little under (CI trains from scratch, and two trainings differing by 12 examples
# moved round 10's "or asked" by 5 messages of 240): the issue's targets (0.98, 0.9, 0.02)
# are not all met, and in other languages far from it.
FLOORS = {
    "round9": {"danger_recall": 0.93, "danger_or_asked": 0.94, "distress_recognised": 0.86},
    "round10": {"danger_recall": 0.69, "danger_or_asked": 0.80, "distress_recognised": 0.72},
}
CEILINGS = {"round9": {"false_danger": 0.06}, "round10": {"false_danger": 0.08}}


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
