"""Messages understood together (bot/rasa_components/parse_thread.py) are
understood exactly as one at a time, and one message's error stays its own."""

from __future__ import annotations

import asyncio
import threading

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_components import parse_thread

TEXTS = [
    "hi",
    "i want to refer myself",
    "yes",
    "Jo",
    "SE15 4QF",
    "07700 900123",
    "texts only",
    "is there a womens centre near SE15",
    "when is my appointment",
    "he hit me last night",
    "",
    "   ",
    "😀😀",
    "x" * 5000,
    "<script>alert(1)</script>",
    "'; DROP TABLE referral;--",
    "chcę się zapisać",
    "1 2",
    "skip",
    "go back",
]


@pytest.fixture(scope="module")
def processor(model_path):
    return Agent.load(str(model_path)).processor


def _while_busy(processor, messages: list[UserMessage], unbounded: bool = False) -> list:
    """Parse `messages` concurrently while the parse thread is busy, so they
    queue up as they would under load; then let it go. `unbounded`: straight
    to the batcher, as they are (bounding would turn a broken one into text)."""
    gate = threading.Event()
    parse_thread.batcher()._executor.submit(gate.wait)

    def parse(m: UserMessage):
        if unbounded:
            return parse_thread.batcher().parse(processor, m, DialogueStateTracker.from_events(m.sender_id, []), True)
        return processor.parse_message(m)

    async def run():
        tasks = [asyncio.ensure_future(parse(m)) for m in messages]
        await asyncio.sleep(0.05)  # every task has queued its message
        gate.set()
        return await asyncio.gather(*tasks, return_exceptions=True)

    return asyncio.run(run())


def _alone(processor, text: str) -> dict:
    # What the model reads of her message (bounded: bot/channels/input_bounds.py).
    message = parse_thread.for_the_model(UserMessage(text, sender_id="alone"))
    return processor._parse_message_with_graph(message, DialogueStateTracker.from_events("alone", []), True)


def _same(a: dict, b: dict) -> None:
    assert a["text"] == b["text"]
    assert a["intent"]["name"] == b["intent"]["name"], (a["text"][:40], a["intent"], b["intent"])
    assert a["intent"]["confidence"] == pytest.approx(b["intent"]["confidence"], abs=1e-3)
    assert [(e["entity"], e["value"]) for e in a["entities"]] == [(e["entity"], e["value"]) for e in b["entities"]]


def test_a_batch_is_understood_as_each_message_alone(processor):
    messages = [parse_thread.for_the_model(UserMessage(t, sender_id=f"s{i}")) for i, t in enumerate(TEXTS)]
    together = parse_thread.parse_together(processor, messages, True)
    assert len(together) == len(TEXTS)
    for text, parsed in zip(TEXTS, together):
        _same(parsed, _alone(processor, text))
    assert together[9]["intent"]["name"] == "crisis"  # the net runs in a batch too


def test_concurrent_messages_are_batched_and_each_gets_its_own_answer(processor):
    batcher = parse_thread.batcher()
    before = len(batcher.batch_sizes)
    results = _while_busy(processor, [UserMessage(t, sender_id=f"c{i}") for i, t in enumerate(TEXTS)])
    assert list(batcher.batch_sizes)[before:] == [parse_thread.MAX_BATCH, len(TEXTS) - parse_thread.MAX_BATCH]
    for text, parsed in zip(TEXTS, results):
        _same(parsed, _alone(processor, text))


def test_a_lone_message_does_not_wait(processor):
    batcher = parse_thread.batcher()
    before = len(batcher.batch_sizes)
    parsed = asyncio.run(processor.parse_message(UserMessage("hi", sender_id="lone")))
    assert parsed["intent"]["name"] == "greet" and list(batcher.batch_sizes)[before:] == [1]


def _broken() -> UserMessage:
    message = UserMessage("placeholder", sender_id="broken")
    message.text = 12345  # not text: spaCy refuses it, as Rasa's own parse does
    return message


def test_a_message_that_fails_fails_alone(processor):
    with pytest.raises(Exception):  # noqa: B017 - whatever the broken message raises, it stays its own
        processor._parse_message_with_graph(_broken(), DialogueStateTracker.from_events("broken", []), True)

    batcher = parse_thread.batcher()
    before = len(batcher.batch_sizes)
    hi, broken, refer = _while_busy(
        processor,
        [UserMessage("hi", sender_id="f1"), _broken(), UserMessage("i want to refer myself", sender_id="f2")],
        unbounded=True,
    )
    assert list(batcher.batch_sizes)[before:] == [3]  # they were in one batch
    assert isinstance(broken, Exception)
    assert hi["intent"]["name"] == "greet" and refer["intent"]["name"] == "self_refer"
