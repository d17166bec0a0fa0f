"""Graded triage on the blind round in use (tests/triage/round3), through the
real Rasa server's /model/parse, against regression floors a little under
what was measured on it once (docs/triage.md). The figures are printed and
written to test-artifacts/ on every run."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from scripts.triage_report import grade_of_parse, load_sets, report_lines, score

ROUND = Path(__file__).resolve().parents[1] / "triage" / "round3"
# Measured 2026-12-06 (docs/triage.md), after round 2 went into training (round 3
# never tuned on), on a model trained from scratch as CI trains it: danger recall
# 0.886, distress recognised 0.748, false danger 0.027 (the same data in another
# order gave 0.880, 0.783, 0.030). Regression floors a little under: the issue's
# targets (0.98, 0.9, 0.02) are not met yet.
FLOORS = {"danger_recall": 0.86, "distress_recognised": 0.72}
CEILINGS = {"false_danger": 0.04}


# Understanding does not depend on the database: one backend is enough.
@pytest.mark.parametrize("stack", ["sqlite"], indirect=True)
def test_blind_round(stack, artifacts):
    items = load_sets(ROUND)
    session = requests.Session()
    got = [grade_of_parse(m["text"], session.post(f"{stack.rasa_url}/model/parse", json={"text": m["text"]},
                                                  timeout=30).json()) for m in items]
    result = score(items, got)
    lines = report_lines(result, "tests/triage/round3")
    (artifacts / "triage_round3.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    for name, floor in FLOORS.items():
        assert result[name] >= floor, "\n".join(lines)
    for name, ceiling in CEILINGS.items():
        assert result[name] <= ceiling, "\n".join(lines)
