"""Bot texts read at about age 9-11: Flesch-Kincaid grade 6 or under on average.

FK grade = 0.39 * words/sentences + 11.8 * syllables/words - 15.59 (grade 6 is
age 11-12 in the UK; the average keeps a few longer, necessary texts such as the
privacy notice from failing the build alone). Syllables come from a small
vowel-group counter of our own (no dictionary, no download); it is checked on
words with known counts below. The worst texts are printed on every run.
"""

from __future__ import annotations

import re
from pathlib import Path
from statistics import mean

import pytest
import yaml

from bot.settings import REPO_ROOT

MAX_AVERAGE_GRADE = 6.0
WORST_SHOWN = 8

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+")
NOT_PROSE = re.compile(r"https?://\S+|\b[\w.-]+\.(?:org\.uk|co\.uk|gov\.uk|com|org|uk)\b|\{[^}]*\}|\b[A-Z]{2,}-\w+")
CONTRACTION = re.compile(r"'(?:s|t|ll|re|ve|d|m)$")


def syllables(word: str) -> int:
    w = CONTRACTION.sub("", word.lower())
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", "", w)  # silent endings
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))


def fk_grade(text: str) -> float | None:
    prose = NOT_PROSE.sub(" ", text)
    words = WORD.findall(prose)
    if len(words) < 3:  # a button-like fragment says nothing about reading level
        return None
    sentences = max(1, len([s for s in SENTENCE_END.split(prose) if WORD.search(s)]))
    syll = sum(syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syll / len(words) - 15.59


def bot_texts(domain_dir: Path = REPO_ROOT / "domain") -> list[tuple[str, str]]:
    """(response name, text) for every text variation in domain/*.yml."""
    texts = []
    for path in sorted(domain_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        for name, variations in (data.get("responses") or {}).items():
            for variation in variations or []:
                if isinstance(variation, dict) and isinstance(variation.get("text"), str):
                    texts.append((f"{path.stem}:{name}", variation["text"]))
    return texts


@pytest.mark.parametrize(
    "word,count",
    [
        ("help", 1),
        ("support", 2),
        ("appointment", 3),
        ("referral", 3),
        ("people", 2),
        ("little", 2),
        ("police", 2),
        ("private", 2),
        ("safe", 1),
        ("housing", 2),
        ("don't", 1),
        ("you'll", 1),
        ("woman", 2),
        ("keyworker", 3),
        ("national", 3),
        ("emergency", 4),
        ("asked", 1),
    ],
)
def test_syllable_counter_on_known_words(word, count):
    assert syllables(word) == count


def test_grade_separates_plain_from_dense_text():
    plain = fk_grade("I can help you. Is that OK? You can stop at any time.")
    dense = fk_grade(
        "Notwithstanding organisational considerations, comprehensive multidisciplinary "
        "interventions necessitate individualised documentation."
    )
    assert plain is not None and dense is not None
    assert plain < 3 < 12 < dense


def test_bot_texts_read_at_age_9_to_11(capsys):
    scored = [(grade, name, text) for name, text in bot_texts() if (grade := fk_grade(text)) is not None]
    assert len(scored) >= 20, "expected the domain's responses"
    average = mean(grade for grade, _, _ in scored)
    worst = sorted(scored, reverse=True)[:WORST_SHOWN]
    report = [
        f"Flesch-Kincaid grade: average {average:.1f} over {len(scored)} bot texts "
        f"(limit {MAX_AVERAGE_GRADE}); hardest to read:"
    ]
    report += [f"  {grade:5.1f}  {name}: {' '.join(text.split())[:110]}" for grade, name, text in worst]
    with capsys.disabled():
        print("\n" + "\n".join(report))
    assert average <= MAX_AVERAGE_GRADE, "\n".join(report)
