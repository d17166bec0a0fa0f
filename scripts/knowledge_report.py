"""How well questions find their answers: a blind question set against the model.

`python -m scripts.knowledge_report [--sets tests/knowledge/blind_round2.yml]`
(and `make eval`). Each question is parsed by the trained model, in-process;
what she would get is worked out as action_answer_question and the
not-understood net do it (actions/knowledge.py):
- first: the right answer is the reply (a question, sure of the topic), or
  the flow that answers it (TOPIC_FLOWS: "how do I move my appointment"
  starts the move);
- top two: the right answer is the reply or one of the two topics offered.
Scored per topic, and English against other languages.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from actions.knowledge import best_guess, decide, topic_ranking
from bot.knowledge import RETRIEVAL_INTENT
from bot.settings import REPO_ROOT

TARGETS = {"first": 0.90, "top_two": 0.97}
# Topics whose question is also a request a flow carries out: starting that flow answers her.
TOPIC_FLOWS = {
    "rearrange_appointment": {"reschedule_appointment"},
    "talk_to_person": {"human_handoff"},
    "your_data": {"my_data_summary", "delete_my_data"},
    "stop_texts_info": {"stop_texts"},
}
DEFAULT_SET = REPO_ROOT / "tests" / "knowledge" / "blind_round8.yml"


def load_set(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def best_intent(parsed: dict) -> str | None:
    """The intent acted on; under the not-understood net, its best guess (which the net reads)."""
    acted = (parsed.get("intent") or {}).get("name")
    return acted if acted != "nlu_fallback" else best_guess(parsed)


def outcome(topic: str, parsed: dict) -> str:
    """'first', 'top_two' (offered among two) or 'wrong'."""
    intent = (parsed.get("intent") or {}).get("name")
    guess = best_intent(parsed)
    if intent in TOPIC_FLOWS.get(topic, ()):
        return "first"
    if guess != RETRIEVAL_INTENT:
        return "wrong"
    # As action_answer_question decides: under the not-understood net, topics are only offered.
    sure, topics = decide(parsed, offer_only=intent != RETRIEVAL_INTENT)
    if sure:
        return "first" if topics[0] == topic else "wrong"
    return "top_two" if topic in topics else "wrong"


def score(items: list[dict], parses: list[dict]) -> dict:
    got = [outcome(q["topic"], p) for q, p in zip(items, parses)]
    n = len(items)
    per_topic: dict[str, Counter] = {}
    by_lang: dict[str, Counter] = {}
    wrong = []
    for q, p, g in zip(items, parses, got):
        per_topic.setdefault(q["topic"], Counter())[g] += 1
        by_lang.setdefault("en" if q.get("lang", "en") == "en" else "other", Counter())[g] += 1
        if g == "wrong":
            ranking = topic_ranking(p)
            wrong.append(
                {
                    "text": q["text"],
                    "topic": q["topic"],
                    "intent": (p.get("intent") or {}).get("name"),
                    "ranking": [f"{t} {c:.2f}" for t, c in ranking[:2]],
                }
            )
    # The model's own ranking, whatever the reply: how often the right topic is first / in the top two.
    ranked = [[t for t, _ in topic_ranking(p)] for p in parses]
    return {
        "n": n,
        "first": sum(g == "first" for g in got) / n,
        "top_two": sum(g in ("first", "top_two") for g in got) / n,
        "routed_as_question": sum(best_intent(p) == RETRIEVAL_INTENT for p in parses) / n,
        "selector_top1": sum(bool(r) and r[0] == q["topic"] for q, r in zip(items, ranked)) / n,
        "selector_top2": sum(q["topic"] in r[:2] for q, r in zip(items, ranked)) / n,
        "per_topic": {t: dict(c) for t, c in sorted(per_topic.items())},
        "by_language": {
            k: f"{c['first']}/{sum(c.values())} first, {c['first'] + c['top_two']}/{sum(c.values())} top two"
            for k, c in by_lang.items()
        },
        "wrong": wrong,
    }


def report_lines(result: dict, where: str) -> list[str]:
    lines = [
        f"## Questions to answers ({where}, {result['n']} blind questions)",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| right answer first | {result['first']:.3f} | >= {TARGETS['first']} |",
        f"| right answer first or offered in the top two | {result['top_two']:.3f} | >= {TARGETS['top_two']} |",
        f"| taken as a question (intent faq, or its flow) | {result['routed_as_question']:.3f} | |",
        f"| topic model alone: right topic first / in top two | {result['selector_top1']:.3f} / "
        f"{result['selector_top2']:.3f} | |",
        "",
        "By language: " + "; ".join(f"{k}: {v}" for k, v in result["by_language"].items()),
        "",
        "| topic | first | top two only | wrong |",
        "|---|---|---|---|",
    ]
    for topic, c in result["per_topic"].items():
        lines.append(f"| {topic} | {c.get('first', 0)} | {c.get('top_two', 0)} | {c.get('wrong', 0)} |")
    lines += ["", "Wrong (text -> intent, closest topics):"]
    lines += [f"- [{w['topic']}] {w['text']} -> {w['intent']}, {', '.join(w['ranking'])}" for w in result["wrong"]]
    return lines


def evaluate(model: str, path: Path) -> tuple[dict, list[str]]:
    from scripts.model_parse import parse_all

    items = load_set(path)
    result = score(items, parse_all(model, [q["text"] for q in items]))
    return result, report_lines(result, str(path))


if __name__ == "__main__":
    from scripts.model_parse import report_main

    report_main(
        "python -m scripts.knowledge_report", DEFAULT_SET, "a blind question file (default: the set in use)", evaluate
    )
