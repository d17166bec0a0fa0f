"""Understand messages on a thread of their own, several at a time.

Rasa 3.6 runs the NLU pipeline inside its one event loop, one message at a
time, so while one message is parsed no other conversation moves. Here the
pipeline runs on one thread of its own, and messages from different
conversations that arrive while it is busy are understood together, in one
run of the pipeline (every component takes a list of messages):
- on the thread, the sentence encoder's matrix products, most of the parse,
  run without holding Python's lock, so they overlap with the loop's own
  work for other conversations (trackers, rules, action calls);
- together, the encoder reads its 40 MB of layer weights once for the whole
  batch instead of once per message: 7 ms a message alone, 3.2 ms each in a
  batch of 8 (measured on this machine's bench messages).
A message waits for no one: the thread takes whatever is queued when it is
free, so a lone message is parsed at once.

One thread, so the pipeline's components never run two batches at once
(they were written for Rasa's one-at-a-time use). The conversation's lock is
held meanwhile, as before, so her messages are still understood in order.
If a batch fails, its messages are parsed one by one, so one message's error
is its own.

Bounded in time as well as in input (bot/channels/input_bounds.py): a message
not understood within ELPIS_PARSE_TIMEOUT_S is answered as "not understood"
(or as a crisis, if the crisis net matches its words) instead of waiting. If
the thread itself is stuck, later messages go to a fresh thread and the stuck
one is left to finish alone (at most MAX_ABANDONED at a time).

Installed from bot/rasa_components/__init__.py.
"""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Deque, Dict, List, Optional, Text, Tuple

import structlog
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)

from bot.channels.input_bounds import bound, for_nlu
from bot.rasa_components.crisis_net import NET_FLAG
from bot.safety.crisis import CRISIS_INTENT
from bot.safety.triage import DISTRESS_INTENT, TRIAGE_KEY, Grade, grade
from bot.settings import get_settings

structlogger = structlog.get_logger()

MAX_BATCH = 16  # beyond this the weights are long amortised and padding grows
MAX_ABANDONED = 2  # stuck threads left to finish on their own before new messages just wait

_Request = Tuple[MessageProcessor, UserMessage, DialogueStateTracker, bool, asyncio.Future]


class ParseBatcher:
    """Queues parse requests; one thread drains the queue a batch at a time."""

    def __init__(
        self, max_batch: int = MAX_BATCH, timeout_s: float | None = None, fault_delay_s: float | None = None
    ) -> None:
        settings = get_settings()
        self.max_batch = max_batch
        self.timeout_s = settings.parse_timeout_s if timeout_s is None else timeout_s
        self.fault_delay_s = settings.fault_parse_delay_s if fault_delay_s is None else fault_delay_s
        self._queue: Deque[_Request] = deque()
        self._lock = threading.Lock()
        self._executor = self._new_executor()
        # When each executor's one thread started its current batch: only the
        # current executor's counts as stuck (an abandoned one is already replaced).
        self._busy_since: Dict[ThreadPoolExecutor, float] = {}
        self._abandoned = 0
        self.batch_sizes: Deque[int] = deque(maxlen=1000)  # the latest, for tests and benchmarks

    @staticmethod
    def _new_executor() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="elpis-parse")

    async def parse(
        self,
        processor: MessageProcessor,
        message: UserMessage,
        tracker: DialogueStateTracker,
        only_output_properties: bool,
    ) -> Dict[Text, Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        with self._lock:
            self._queue.append((processor, message, tracker, only_output_properties, future))
            executor = self._executor
        executor.submit(self._drain, executor)
        try:
            return await asyncio.wait_for(future, self.timeout_s)
        except asyncio.TimeoutError:
            structlogger.warning("elpis.parse.timeout", timeout_s=self.timeout_s)
            self._unstick()
            return not_understood(message.text)

    def _unstick(self) -> None:
        """Give later messages a fresh thread if the current one is stuck on a batch."""
        now = time.monotonic()
        with self._lock:
            stuck = now - self._busy_since.get(self._executor, now) >= self.timeout_s
            if not stuck or self._abandoned >= MAX_ABANDONED:
                return
            old, self._executor = self._executor, self._new_executor()
            self._abandoned += 1
            executor = self._executor
        old.shutdown(wait=False, cancel_futures=True)
        executor.submit(self._drain, executor)

    def _take(self) -> List[_Request]:
        with self._lock:
            n = min(len(self._queue), self.max_batch)
            return [self._queue.popleft() for _ in range(n)]

    def _drain(self, executor: ThreadPoolExecutor) -> None:
        # One job per request was submitted, so each queued request is taken by
        # this job or an earlier one; a job that finds the queue empty just ends.
        batch = self._take()
        if not batch:
            return
        with self._lock:
            self._busy_since[executor] = time.monotonic()
        try:
            self._parse_batch(batch)
        finally:
            with self._lock:
                self._busy_since.pop(executor, None)
                if executor is not self._executor:
                    self._abandoned -= 1  # a stuck thread came back; its executor takes no more work

    def _parse_batch(self, batch: List[_Request]) -> None:
        self.batch_sizes.append(len(batch))
        if self.fault_delay_s:
            time.sleep(self.fault_delay_s)  # fault injection for tests: a stuck model
        groups: Dict[Tuple[int, bool], List[_Request]] = {}
        for request in batch:
            groups.setdefault((id(request[0]), request[3]), []).append(request)
        for requests in groups.values():
            try:
                parsed = parse_together(requests[0][0], [r[1] for r in requests], requests[0][3])
                outcomes: List[Tuple[Any, Optional[BaseException]]] = [(p, None) for p in parsed]
            except Exception as e:
                outcomes = [(None, e)] if len(requests) == 1 else [_parse_alone(r) for r in requests]
            for request, (result, error) in zip(requests, outcomes):
                _settle(request[4], result, error)


def not_understood(text: Text) -> Dict[Text, Any]:
    """What a message not understood in time is taken to mean: graded by the
    net and the words alone (danger, "are you safe?", distress), else not understood."""
    verdict_grade, by = grade(text)
    name = {Grade.DANGER: CRISIS_INTENT, Grade.DISTRESS: DISTRESS_INTENT}.get(
        verdict_grade, DEFAULT_NLU_FALLBACK_INTENT_NAME
    )
    verdict = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    parsed: Dict[Text, Any] = {
        TEXT: text,
        INTENT: verdict,
        INTENT_RANKING_KEY: [verdict],
        ENTITIES: [],
        TRIAGE_KEY: {"grade": verdict_grade.value, "by": by},
    }
    if verdict_grade is Grade.DANGER:
        parsed[NET_FLAG] = True
    return parsed


def for_the_model(message: UserMessage) -> UserMessage:
    """A copy of her message with the text the model may read (bounded, no long runs)."""
    nlu_text = for_nlu(bound(message.text).text)
    if nlu_text == message.text:
        return message
    copied = copy.copy(message)
    copied.text = nlu_text
    return copied


def _parse_alone(request: _Request) -> Tuple[Any, Optional[BaseException]]:
    processor, message, tracker, only_output_properties, _ = request
    try:
        return processor._parse_message_with_graph(message, tracker, only_output_properties), None
    except Exception as e:
        return None, e


def _settle(future: asyncio.Future, result: Any, error: Optional[BaseException]) -> None:
    def apply() -> None:
        if future.done():
            return  # she went away (request cancelled)
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    future.get_loop().call_soon_threadsafe(apply)


def parse_together(
    processor: MessageProcessor, messages: List[UserMessage], only_output_properties: bool
) -> List[Dict[Text, Any]]:
    """As MessageProcessor._parse_message_with_graph in Rasa 3.6.21, for several
    messages in one run. The NLU part of the graph never reads the tracker."""
    results = processor.graph_runner.run(
        inputs={
            PLACEHOLDER_MESSAGE: messages,
            PLACEHOLDER_TRACKER: DialogueStateTracker.from_events(messages[0].sender_id, []),
        },
        targets=[processor.model_metadata.nlu_target],
    )
    parsed_messages = results[processor.model_metadata.nlu_target]
    if len(parsed_messages) != len(messages):
        raise RuntimeError("the NLU graph returned a different number of messages")
    out = []
    for parsed in parsed_messages:
        parse_data = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, ENTITIES: []}
        parse_data.update(parsed.as_dict(only_output_properties=only_output_properties))
        out.append(parse_data)
    return out


_batcher: Optional[ParseBatcher] = None


def batcher() -> ParseBatcher:
    global _batcher
    if _batcher is None:
        _batcher = ParseBatcher()
    return _batcher


async def parse_message(
    self: MessageProcessor,
    message: UserMessage,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> Dict[Text, Any]:
    # As MessageProcessor.parse_message in Rasa 3.6.21, but for where the graph runs.
    if self.http_interpreter:
        parse_data = await self.http_interpreter.parse(message)
    else:
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await batcher().parse(self, for_the_model(message), tracker, only_output_properties)
    self._update_full_retrieval_intent(parse_data)
    structlogger.debug(
        "processor.message.parse",
        parse_data_text=copy.deepcopy(parse_data["text"]),
        parse_data_intent=parse_data["intent"],
        parse_data_entities=copy.deepcopy(parse_data["entities"]),
    )
    self._check_for_unseen_features(parse_data)
    return parse_data


def install() -> None:
    MessageProcessor.parse_message = parse_message
