"""Questions to answers on the blind question set in use (scripts/knowledge_report.py),
through the real Rasa server's /model/parse, against regression floors a little
under what was measured on it once (docs/knowledge.md). The figures are printed
and written to test-artifacts/ on every run."""

from __future__ import annotations

import pytest
import requests

from scripts.knowledge_report import DEFAULT_SET, load_set, report_lines, score

# Round 8, 2026-12-07 (docs/knowledge.md: 202 questions written blind from topics.md, 59 in
# other languages), never tuned on: 0.901 first, 0.911 in the top two on the model shipped.
# Regression floors a little under (CI trains from scratch): the top-two target (0.97) is not met.
FLOORS = {"first": 0.87, "top_two": 0.88}


# Understanding does not depend on the database: one backend is enough.
@pytest.mark.parametrize("stack", ["sqlite"], indirect=True)
def test_blind_questions(stack, artifacts):
    items = load_set(DEFAULT_SET)
    session = requests.Session()
    parses = [session.post(f"{stack.rasa_url}/model/parse", json={"text": q["text"]}, timeout=30).json() for q in items]
    result = score(items, parses)
    lines = report_lines(result, DEFAULT_SET.name)
    (artifacts / "knowledge_blind.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    for name, floor in FLOORS.items():
        assert result[name] >= floor, "\n".join(lines)
