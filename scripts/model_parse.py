"""Parse many texts with a trained model, in-process, as the Rasa server would
(our components and patches loaded): for the offline reports."""
from __future__ import annotations

import asyncio
import logging


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
