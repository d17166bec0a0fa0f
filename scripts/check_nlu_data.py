#!/usr/bin/env python
"""Sanity checks for Elpis NLU training data and the held-out test set.

Loads data/nlu/*.yml (training) and tests/nlu/holdout.yml (held-out), prints
example counts per intent, and exits non-zero if:

* a file is not Rasa 3.1 NLU YAML (version "3.1", `nlu:` list of
  `- intent:` items with an `examples: |` block of `- text` lines);
* an example carries an entity annotation ([text](entity) / [text]{...});
* an expected intent is missing, or an unknown intent appears;
* a training intent has fewer examples than its minimum (MIN_TRAIN);
* a holdout intent has fewer than MIN_HOLDOUT examples;
* a holdout example also appears in training (case- and whitespace-insensitive);
* the same example is labelled with two different intents (within training,
  or within holdout);
* a UK mobile number outside the Ofcom drama range 07700 900000-900999 appears.

Near-duplicates between holdout and training (similar after stripping
punctuation) are reported as warnings; pass --strict to make them fatal.
Pass --rasa to also parse every file with Rasa's own YAML reader.

Usage:  .venv/bin/python scripts/check_nlu_data.py [--strict] [--rasa]
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRAIN_DIR = ROOT / "data" / "nlu"
HOLDOUT_FILE = ROOT / "tests" / "nlu" / "holdout.yml"
# Every held-out set in use: holdout.yml (the newest) and any older one still
# scored beside it (holdout_4.yml); none may leak into training.
HOLDOUT_FILES = sorted((ROOT / "tests" / "nlu").glob("holdout*.yml"))

DEFAULT_MIN_TRAIN = 25
MIN_TRAIN = {
    "affirm": 50,
    "deny": 50,
    "find_service": 50,
    "crisis": 60,
    "inform": 80,
}
MIN_HOLDOUT = 15  # the design's minimum per intent

EXPECTED_INTENTS = [
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "faq",
    "out_of_scope",
    "inform",
    "self_refer",
    "police_referral",
    "crisis",
    "human_handoff",
    "skip",
    "go_back",
    "stop_form",
    "change_field",
    "find_service",
    "more_options",
    "choose_option",
    "book_appointment",
    "check_appointment",
    "reschedule_appointment",
    "cancel_appointment",
    "stop_texts",
    "delete_my_data",
    "my_data_summary",
    "distress",
]
# Measured by the triage sets (tests/triage), not the intent held-out sets.
NO_HOLDOUT_INTENTS = {"distress"}
# The triage sets in use: none of their messages may be trained on (those
# retired into tests/triage/retired were tuned on, and may be).
TRIAGE_FILES = sorted((ROOT / "tests" / "triage").glob("round*/*.yml"))

NEAR_DUP_RATIO = 0.9
ENTITY_RE = re.compile(r"\[[^\]]+\]\s*[({]")
UK_MOBILE_RE = re.compile(r"(?:\+44|0044|0)7\d{9}")


def key(text: str) -> str:
    """Case- and whitespace-insensitive key (used for exact overlap)."""
    return re.sub(r"\s+", "", text.casefold())


def loose(text: str) -> str:
    """Lower-case, punctuation stripped, whitespace collapsed (near-dups)."""
    t = re.sub(r"[^\w\s]", "", text.casefold())
    return re.sub(r"\s+", " ", t).strip()


def load(path: Path, errors: list[str]) -> list[tuple[str, str]]:
    """Return [(intent, example)] from one Rasa 3.1 NLU YAML file."""
    rel = path.relative_to(ROOT)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        errors.append(f"{rel}: YAML error: {exc}")
        return []
    if not isinstance(doc, dict):
        errors.append(f"{rel}: top level is not a mapping")
        return []
    if str(doc.get("version")) != "3.1":
        errors.append(f'{rel}: version must be "3.1", got {doc.get("version")!r}')
    items = doc.get("nlu")
    if not isinstance(items, list):
        errors.append(f"{rel}: missing `nlu:` list")
        return []
    out: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        if isinstance(item, dict) and "lookup" in item:
            continue  # word classes (data/nlu/lexicon.yml), not intent examples
        if not isinstance(item, dict) or "intent" not in item or "examples" not in item:
            errors.append(f"{rel}: nlu item {i} needs `intent` and `examples`")
            continue
        intent, block = item["intent"], item["examples"]
        if not isinstance(block, str):
            errors.append(f"{rel}: {intent}: `examples` must be a `|` block")
            continue
        for n, line in enumerate(block.splitlines(), 1):
            if not line.strip():
                continue
            if not line.startswith("- "):
                errors.append(f"{rel}: {intent}: line {n} does not start with '- ': {line!r}")
                continue
            text = line[2:].strip()
            if not text:
                errors.append(f"{rel}: {intent}: empty example on line {n}")
                continue
            if ENTITY_RE.search(text):
                errors.append(f"{rel}: {intent}: entity annotation not allowed: {text!r}")
            out.append((intent, text))
    return out


def check_phone_numbers(label: str, rows, errors: list[str]) -> None:
    for intent, text in rows:
        digits = re.sub(r"[\s\-()]", "", text)
        for m in UK_MOBILE_RE.finditer(digits):
            national = "0" + m.group(0)[-10:]
            if not national.startswith("07700900"):
                errors.append(f"{label}: {intent}: {text!r} is not an Ofcom drama number (use 07700 900000-900999)")


def check_label_conflicts(label: str, rows, errors: list[str], warnings: list[str]) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    dup_within = Counter()
    for intent, text in rows:
        k = key(text)
        if intent in seen[k]:
            dup_within[(intent, text)] += 1
        seen[k].add(intent)
    for k, intents in seen.items():
        if len(intents) > 1:
            errors.append(f"{label}: {k!r} labelled with several intents: {sorted(intents)}")
    for (intent, text), n in dup_within.items():
        warnings.append(f"{label}: {intent}: duplicate example {text!r} (x{n + 1})")


def rasa_parse(paths: list[Path], errors: list[str]) -> None:
    try:
        from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
    except Exception as exc:  # pragma: no cover - optional dependency
        errors.append(f"--rasa: cannot import Rasa ({exc})")
        return
    for p in paths:
        try:
            td = RasaYAMLReader().read(str(p))
            if td.entity_examples:
                errors.append(f"{p.relative_to(ROOT)}: Rasa found entity annotations")
        except Exception as exc:
            errors.append(f"{p.relative_to(ROOT)}: Rasa reader failed: {exc}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--strict", action="store_true", help="fail on near-duplicates too")
    ap.add_argument("--rasa", action="store_true", help="also parse files with Rasa's reader")
    args = ap.parse_args()

    errors: list[str] = []
    warnings: list[str] = []

    train_files = sorted(TRAIN_DIR.rglob("*.yml"))  # retired sets live in data/nlu/retired/
    if not train_files:
        errors.append(f"no training files in {TRAIN_DIR.relative_to(ROOT)}")
    if not HOLDOUT_FILE.exists():
        errors.append(f"missing {HOLDOUT_FILE.relative_to(ROOT)}")

    train = [row for p in train_files for row in load(p, errors)]
    holdout_sets = {p: load(p, errors) for p in HOLDOUT_FILES}
    holdout = [row for rows in holdout_sets.values() for row in rows]
    for path, rows in holdout_sets.items():
        counts = Counter(i for i, _ in rows)
        for intent in EXPECTED_INTENTS:
            if intent not in NO_HOLDOUT_INTENTS and counts.get(intent, 0) < MIN_HOLDOUT:
                errors.append(
                    f"{path.relative_to(ROOT)}: {intent} has {counts.get(intent, 0)} examples, needs >= {MIN_HOLDOUT}"
                )

    if args.rasa:
        rasa_parse(train_files + HOLDOUT_FILES, errors)

    train_counts = Counter(i for i, _ in train)
    hold_counts = Counter(i for i, _ in holdout)

    # intent inventory
    expected = set(EXPECTED_INTENTS)
    for label, counts in (("training", train_counts), ("holdout", hold_counts)):
        for unknown in sorted(set(counts) - expected):
            errors.append(f"{label}: unknown intent {unknown!r}")

    # counts table + minimums
    print(f"{'intent':<24}{'train':>7}{'min':>6}{'holdout':>9}")
    print("-" * 46)
    for intent in EXPECTED_INTENTS:
        t, h = train_counts.get(intent, 0), hold_counts.get(intent, 0)
        need = MIN_TRAIN.get(intent, DEFAULT_MIN_TRAIN)
        flag = ""
        if t < need:
            errors.append(f"training: {intent} has {t} examples, needs >= {need}")
            flag += " <train"
        print(f"{intent:<24}{t:>7}{need:>6}{h:>9}{flag}")
    print("-" * 46)
    print(f"{'TOTAL':<24}{len(train):>7}{'':>6}{len(holdout):>9}")
    print(f"training files: {', '.join(p.name for p in train_files)}")

    # label conflicts / duplicates
    check_label_conflicts("training", train, errors, warnings)
    check_label_conflicts("holdout", holdout, errors, warnings)

    # holdout leakage: exact (case/space-insensitive)
    train_keys = {key(t): i for i, t in train}
    for intent, text in holdout:
        if key(text) in train_keys:
            errors.append(f"holdout leak: {text!r} ({intent}) also in training ({train_keys[key(text)]})")

    for path in TRIAGE_FILES:
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
            if key(item["text"]) in train_keys:
                errors.append(f"triage leak: {item['text']!r} ({path.relative_to(ROOT)}) also in training")

    # holdout leakage: near-duplicates (warning unless --strict)
    train_loose = [(loose(t), i, t) for i, t in train]
    for intent, text in holdout:
        lt = loose(text)
        for ltr, tint, ttext in train_loose:
            if key(text) == key(ttext):
                continue  # already reported as exact leak
            if lt == ltr or (
                min(len(lt), len(ltr)) >= 4 and difflib.SequenceMatcher(None, lt, ltr).ratio() >= NEAR_DUP_RATIO
            ):
                msg = f"near-duplicate: holdout {text!r} ({intent}) ~ training {ttext!r} ({tint})"
                (errors if args.strict else warnings).append(msg)

    check_phone_numbers("training", train, errors)
    check_phone_numbers("holdout", holdout, errors)

    for w in warnings:
        print(f"WARNING: {w}")
    for e in errors:
        print(f"ERROR: {e}", file=sys.stderr)
    if errors:
        print(f"\nFAILED with {len(errors)} error(s)", file=sys.stderr)
        return 1
    print(f"\nOK ({len(warnings)} warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
