#!/usr/bin/env python
"""Per-intent example counts for the Elpis NLU training data.

Reads only data/nlu/*.yml (never the held-out test set), prints a table of
examples per intent (total, and how many come from the more_*.yml files),
and exits 1 if

* the same example (case- and whitespace-insensitive) is labelled with more
  than one intent, or
* a file is not the expected Rasa 3.1 layout (version "3.1", `nlu:` list of
  `- intent:` items with an `examples: |` block of `- text` lines).

Repeats of an example within one intent are reported as warnings.

Usage:  .venv/bin/python scripts/nlu_counts.py
"""
from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRAIN_DIR = ROOT / "data" / "nlu"


def key(text: str) -> str:
    """Case- and whitespace-insensitive key."""
    return re.sub(r"\s+", "", text.casefold())


def load(path: Path, errors: list[str]) -> list[tuple[str, str]]:
    rel = path.relative_to(ROOT)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        errors.append(f"{rel}: YAML error: {exc}")
        return []
    if not isinstance(doc, dict) or str(doc.get("version")) != "3.1":
        errors.append(f"{rel}: expected a mapping with version \"3.1\"")
        return []
    items = doc.get("nlu")
    if not isinstance(items, list):
        errors.append(f"{rel}: missing `nlu:` list")
        return []
    rows: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "intent" not in item or not isinstance(item.get("examples"), str):
            errors.append(f"{rel}: nlu item {i} needs `intent` and an `examples: |` block")
            continue
        for n, line in enumerate(item["examples"].splitlines(), 1):
            if not line.strip():
                continue
            if not line.startswith("- ") or not line[2:].strip():
                errors.append(f"{rel}: {item['intent']}: bad example line {n}: {line!r}")
                continue
            rows.append((item["intent"], line[2:].strip()))
    return rows


def main() -> int:
    errors: list[str] = []
    warnings: list[str] = []
    files = sorted(TRAIN_DIR.glob("*.yml"))
    total: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    labels: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], list[str]] = defaultdict(list)

    for path in files:
        for intent, text in load(path, errors):
            total[intent] += 1
            if path.name.startswith("more_"):
                extra[intent] += 1
            k = key(text)
            labels[k].add(intent)
            where[(k, intent)].append(f"{path.name}: {text!r}")

    print(f"{'intent':<24}{'total':>7}{'original':>10}{'new':>6}")
    print("-" * 47)
    for intent in sorted(total):
        print(f"{intent:<24}{total[intent]:>7}{total[intent] - extra[intent]:>10}{extra[intent]:>6}")
    print("-" * 47)
    n_total, n_extra = sum(total.values()), sum(extra.values())
    print(f"{'TOTAL':<24}{n_total:>7}{n_total - n_extra:>10}{n_extra:>6}")
    print(f"{len(total)} intents in {len(files)} files: {', '.join(p.name for p in files)}")

    for k, intents in sorted(labels.items()):
        if len(intents) > 1:
            places = "; ".join(w for i in sorted(intents) for w in where[(k, i)])
            errors.append(f"example under several intents {sorted(intents)}: {places}")
    for (k, intent), places in sorted(where.items()):
        if len(places) > 1:
            warnings.append(f"{intent}: repeated {len(places)}x: {'; '.join(places)}")

    for w in warnings:
        print(f"WARNING: {w}")
    for e in errors:
        print(f"ERROR: {e}", file=sys.stderr)
    if errors:
        print(f"\nFAILED with {len(errors)} error(s)", file=sys.stderr)
        return 1
    print(f"\nOK: no cross-intent duplicates ({len(warnings)} warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
