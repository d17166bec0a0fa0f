"""One woman's conversation over the REST channel, as the web page's actions see it: each
reply's texts, buttons and pictures (shared by the conversation tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

import requests

from tests.conftest import new_sender


@dataclass
class Reply:
    texts: list[str] = field(default_factory=list)
    buttons: list[dict] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def titles(self) -> list[str]:
        return [b["title"] for b in self.buttons]

    def payloads(self) -> list[str]:
        return [b["payload"] for b in self.buttons]

    def slot_ids(self) -> list[int]:
        return [int(b["payload"].split()[1]) for b in self.buttons if b["payload"].startswith("slot ")]


class Talk:
    def __init__(self, stack, sender: str | None = None):
        self.url = f"{stack.rasa_url}/webhooks/rest/webhook"
        self.sender = sender or new_sender()

    def say(self, text: str) -> Reply:
        resp = requests.post(self.url, json={"sender": self.sender, "message": text}, timeout=90)
        assert resp.status_code == 200, resp.text
        reply = Reply()
        for message in resp.json():
            if message.get("text"):
                reply.texts.append(message["text"])
            reply.buttons.extend(message.get("buttons") or [])
            if message.get("image"):
                reply.images.append(message["image"])
        return reply
