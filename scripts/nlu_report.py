"""`make eval`: held-out NLU report and 5-fold cross-validation, into reports/.

Writes reports/nlu_summary.md: per-intent precision/recall/F1 on the held-out
sets (tests/nlu/holdout*.yml, never used for training), crisis recall, the
confusions, graded triage on the blind triage sets in use
(tests/triage/round*/, scripts/triage_report.py), questions to answers on the
blind question set in use (scripts/knowledge_report.py) and the
cross-validation accuracy.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path

from bot.settings import REPO_ROOT

RASA = str(Path(sys.executable).parent / "rasa")
REPORTS = REPO_ROOT / "reports"


def rasa_test(*args: str) -> None:
    subprocess.run(
        [RASA, "test", "nlu", *args], cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def summarise(report_dir: Path, title: str) -> list[str]:
    report = json.loads((report_dir / "intent_report.json").read_text())
    errors = (
        json.loads((report_dir / "intent_errors.json").read_text())
        if (report_dir / "intent_errors.json").exists()
        else []
    )
    lines = [
        f"## {title}",
        "",
        f"accuracy: **{report['accuracy']:.3f}**",
        "",
        "| intent | support | precision | recall | F1 |",
        "|---|---|---|---|---|",
    ]
    for intent, row in sorted(report.items()):
        if isinstance(row, dict) and "support" in row and not intent.endswith("avg"):
            lines.append(
                f"| {intent} | {row['support']} | {row['precision']:.2f} | {row['recall']:.2f} | {row['f1-score']:.2f} |"
            )
    pairs = collections.defaultdict(list)
    for err in errors:
        pairs[(err["intent"], err["intent_prediction"]["name"])].append(err["text"])
    lines += ["", "confusions (expected -> predicted, count, examples):"]
    for (expected, got), texts in sorted(pairs.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"- {expected} -> {got} ({len(texts)}): " + "; ".join(texts[:3]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.nlu_report")
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation (slow)")
    args = parser.parse_args()
    REPORTS.mkdir(exist_ok=True)
    model = str(REPO_ROOT / "models" / "elpis.tar.gz")
    lines = ["# NLU evaluation", ""]
    # The newest held-out set first, then any older one still kept beside it.
    for path in sorted((REPO_ROOT / "tests" / "nlu").glob("holdout*.yml")):
        out = REPORTS / path.stem
        rasa_test("--nlu", str(path.relative_to(REPO_ROOT)), "--model", model, "--out", str(out))
        lines += summarise(out, f"Held-out set (tests/nlu/{path.name})") + [""]
    from scripts import triage_report

    for folder in sorted((REPO_ROOT / "tests" / "triage").glob("round*")):
        lines += triage_report.evaluate(model, folder)[1] + [""]
    from scripts import knowledge_report

    lines += knowledge_report.evaluate(model, knowledge_report.DEFAULT_SET)[1] + [""]
    from scripts import language_report

    lines += language_report.evaluate(model, language_report.DEFAULT_SETS)[1] + [""]
    if not args.no_cv:
        rasa_test(
            "--nlu",
            "data/nlu",
            "--config",
            "config.yml",
            "--cross-validation",
            "--folds",
            "5",
            "--out",
            str(REPORTS / "cv"),
        )
        cv = json.loads((REPORTS / "cv" / "intent_report.json").read_text())
        lines += ["", "## 5-fold cross-validation on the training data", "", f"accuracy: **{cv['accuracy']:.3f}**"]
    (REPORTS / "nlu_summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:8]))
    print(f"\nfull report: {REPORTS / 'nlu_summary.md'}")


if __name__ == "__main__":
    main()
