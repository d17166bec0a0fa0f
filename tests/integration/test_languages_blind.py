"""Understanding in each of our languages on its blind set (tests/nlu/languages/), through
the real Rasa server's /model/parse, against regression floors a little under what was
measured once (docs/languages.md). The figures are printed and written to test-artifacts/
on every run; issue 21's targets (within 5 points of English, crisis recall 1.0 in each)
are not all met: the floors only stop a fall."""

from __future__ import annotations

import pytest
import requests

from scripts.language_report import DEFAULT_SETS, ENGLISH_SET, _read, load, score

# Measured 2026-12-07 on the model shipped (docs/languages.md): intent accuracy en 0.947,
# ar 0.711, bn 0.765, es 0.845, pl 0.831, pt 0.840, ro 0.918, tr 0.892, ur 0.744. Floors about
# 4 points under (CI trains from scratch; one message is about 0.012). Danger: the crisis net
# was written from these sets' danger misses, so all 96 are answered on the words alone:
# a regression test of the net in every language, no longer a blind measure (that is
# tests/triage/round12).
ACCURACY_FLOORS = {
    "en": 0.92,
    "ar": 0.67,
    "bn": 0.72,
    "es": 0.80,
    "pl": 0.79,
    "pt": 0.80,
    "ro": 0.87,
    "tr": 0.85,
    "ur": 0.70,
}
CRISIS_FLOORS = dict.fromkeys(["ar", "bn", "es", "pl", "pt", "ro", "tr", "ur"], 1.0)


@pytest.mark.parametrize("stack", ["sqlite"], indirect=True)
def test_blind_sets_per_language(stack, artifacts):
    session = requests.Session()
    sets = {path.stem: load(path) for path in sorted(DEFAULT_SETS.glob("*.yml"))}
    sets["en"] = load(ENGLISH_SET)
    lines, results = [], {}
    for code, pairs in sets.items():
        got = [
            _read(session.post(f"{stack.rasa_url}/model/parse", json={"text": t}, timeout=30).json(), t)
            for _, t in pairs
        ]
        results[code] = r = score(pairs, got)
        recall = (
            "-" if r["crisis_recall"] is None else f"{r['crisis_recall']:.3f} ({r['crisis_or_asked']:.3f} or asked)"
        )
        lines.append(
            f"{code}: accuracy {r['accuracy']:.3f}, danger answered {recall}, false crisis {r['false_crisis']:.3f}"
        )
    (artifacts / "languages_blind.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    for code, floor in ACCURACY_FLOORS.items():
        assert results[code]["accuracy"] >= floor, "\n".join(lines)
    for code, floor in CRISIS_FLOORS.items():
        assert results[code]["crisis_or_asked"] >= floor, "\n".join(lines)
