"""Graded triage on the blind round in use (scripts/triage_report.ROUND_IN_USE), through the
real Rasa server's /model/parse, against regression floors a little under
what was measured on it once (docs/triage.md). The figures are printed and
written to test-artifacts/ on every run."""

from __future__ import annotations

import pytest
import requests

from scripts.triage_report import ROUND_IN_USE, grade_of_parse, load_sets, report_lines, score

# Round 8, measured 2026-12-07 (docs/triage.md: 343 messages written blind from the brief),
# scored once, never tuned on, with rounds 1-6 and each language's safety data in training:
# danger recall 0.973 (0.991 with "are you safe?"), distress recognised 0.860, false danger
# 0.052. Regression floors a little under (CI trains from scratch): the targets
# (0.98, 0.9, 0.02) are not met.
FLOORS = {"danger_recall": 0.94, "distress_recognised": 0.82}
CEILINGS = {"false_danger": 0.07}


# Understanding does not depend on the database: one backend is enough.
@pytest.mark.parametrize("stack", ["sqlite"], indirect=True)
def test_blind_round(stack, artifacts):
    items = load_sets(ROUND_IN_USE)
    session = requests.Session()
    got = [
        grade_of_parse(
            m["text"], session.post(f"{stack.rasa_url}/model/parse", json={"text": m["text"]}, timeout=30).json()
        )
        for m in items
    ]
    result = score(items, got)
    lines = report_lines(result, f"tests/triage/{ROUND_IN_USE.name}")
    (artifacts / f"triage_{ROUND_IN_USE.name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    for name, floor in FLOORS.items():
        assert result[name] >= floor, "\n".join(lines)
    for name, ceiling in CEILINGS.items():
        assert result[name] <= ceiling, "\n".join(lines)
