"""Benchmark: the worst messages we can construct, and what they cost others.

1. NLU alone (the trained model loaded in this process, as Rasa runs it):
   for each hostile input, the time to bound it and understand it, best of
   three; and, for scale, what spaCy's tokenizer alone costs on the same
   input unbounded (capped at 1,600 characters, an SMS, where it was 0.3 s
   on this machine; 100,000 took over 20 minutes).
2. Another woman's reply time over REST: median of 20 messages on an idle
   stack, and again while hostile messages are sent back to back.

    python -m bench worst_case
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

HOSTILE = {
    "100k [": "[" * 100_000,
    "50k []": "[]" * 50_000,
    "mixed punctuation 98k": "([{<!?.,;:>}])" * 7_000,
    "emoji 10k": "🙏😢" * 5_000,
    "RTL overrides 10k": "\u202e" * 10_000 + "hello",
    "one 10k word": "a" * 10_000,
    "null bytes 9k": "hi\x00" * 3_000,
    "10k words": "money " * 2_000,
    "2k mixed punctuation + words": ("help!!?? [[ ]] " * 140)[:2_000],
}


def _nlu(model: str) -> dict:
    import asyncio

    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    import bot.rasa_components  # noqa: F401  our patches, as the Rasa server loads them

    processor = Agent.load(model).processor

    async def parse(text: str) -> float:
        started = time.perf_counter()
        await processor.parse_message(UserMessage(text))
        return time.perf_counter() - started

    async def all_inputs() -> dict:
        await parse("warm up")
        out = {}
        for name, text in HOSTILE.items():
            out[name] = min([await parse(text) for _ in range(3)]) * 1000
        return out

    return asyncio.run(all_inputs())


def _tokenizer_unbounded() -> dict:
    import spacy

    from bot.settings import REPO_ROOT

    nlp = spacy.load(REPO_ROOT / "var" / "spacy" / "elpis_en")
    out = {}
    for name, text in HOSTILE.items():
        started = time.perf_counter()
        nlp.make_doc(text[:1600])
        out[name] = (time.perf_counter() - started) * 1000
    return out


def _others_reply_time(model: str) -> dict:
    from bot.db import migrate
    from bot.ports import free_port
    from bot.seed import seed
    from bot.stack import Stack

    tmp = Path(tempfile.mkdtemp(prefix="elpis-worst-"))
    url = f"sqlite:///{tmp / 'elpis.db'}"
    migrate.upgrade(url)
    seed(url)
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        env={"DATABASE_URL": url, "ELPIS_DEV_INBOX": str(tmp / "inbox.jsonl")},
        model=Path(model),
        log_dir=tmp,
        roles=("actions", "rasa"),
    )
    stack.start()
    rest = f"{stack.rasa_url}/webhooks/rest/webhook"

    def timed(sender: str, n: int) -> list[float]:
        out = []
        for _ in range(n):
            started = time.perf_counter()
            requests.post(rest, json={"sender": sender, "message": "what times are you open"}, timeout=120)
            out.append((time.perf_counter() - started) * 1000)
        return out

    try:
        idle = timed("bench-idle", 20)
        stop = threading.Event()

        def attack() -> None:
            while not stop.is_set():
                for text in HOSTILE.values():
                    requests.post(rest, json={"sender": "bench-attacker", "message": text}, timeout=120)

        attacker = threading.Thread(target=attack, daemon=True)
        attacker.start()
        time.sleep(0.2)
        under_attack = timed("bench-other", 20)
        stop.set()
        attacker.join(timeout=120)
    finally:
        stack.stop()
    return {
        "idle_median_ms": statistics.median(idle),
        "idle_max_ms": max(idle),
        "under_attack_median_ms": statistics.median(under_attack),
        "under_attack_max_ms": max(under_attack),
    }


def run() -> dict:
    from bot.stack import MODEL

    model = os.environ.get("ELPIS_TEST_MODEL") or str(MODEL)
    nlu = _nlu(model)
    tokenizer = _tokenizer_unbounded()
    print(f"   {'input':32} {'bounded NLU ms':>15} {'tokenizer, unbounded 1,600 chars':>34}")
    for name in HOSTILE:
        print(f"   {name:32} {nlu[name]:15.1f} {tokenizer[name]:34.1f}")
    others = _others_reply_time(model)
    print(
        f"   another woman's reply: idle median {others['idle_median_ms']:.0f} ms (max {others['idle_max_ms']:.0f}); "
        f"under attack median {others['under_attack_median_ms']:.0f} ms (max {others['under_attack_max_ms']:.0f})"
    )
    return {
        "nlu_ms": nlu,
        "worst_nlu_ms": max(nlu.values()),
        "tokenizer_unbounded_1600_ms": tokenizer,
        "other_woman": others,
    }


if __name__ == "__main__":
    run()
