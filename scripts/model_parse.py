"""Parse many texts with a trained model, in-process, as the Rasa server would
(our components and patches loaded), and the offline reports' shared command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path

from bot.settings import REPO_ROOT


def parse_all(model: str, texts: list[str]) -> list[dict]:
    import structlog
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    import bot.rasa_components  # noqa: F401  our patches, as the Rasa server loads them

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    processor = Agent.load(model).processor

    async def run() -> list[dict]:
        return [await processor.parse_message(UserMessage(text)) for text in texts]

    return asyncio.run(run())


def report_main(
    prog: str, default_sets: Path, sets_help: str, evaluate: Callable[[str, Path], tuple[dict, list[str]]]
) -> None:
    """--model, --sets and --json for a report: `evaluate` scores a set with a model."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--model", default=str(REPO_ROOT / "models" / "elpis.tar.gz"))
    parser.add_argument("--sets", default=str(default_sets), help=sets_help)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    result, lines = evaluate(args.model, Path(args.sets))
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))
