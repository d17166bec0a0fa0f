"""Her request for help as the finder keeps it: read from the message against the
directory's names, merged with what she asked before, stored in `service_request`."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from bot.db.session import run_db, session_scope
from bot.directory.catalogue import Snapshot, current_snapshot
from bot.directory.entities import ENTITIES
from bot.directory.request import ServiceRequest, read_request

logger = logging.getLogger(__name__)


def current_directory() -> Snapshot:
    """The directory as it is now (run in run_db)."""
    with session_scope() as session:
        return current_snapshot(session)


async def directory_or_national_lines(dispatcher: CollectingDispatcher) -> Snapshot | None:
    """The directory; or, when it can't be read, the national lines said instead and None."""
    try:
        return await run_db(current_directory)
    except Exception:
        logger.exception("directory could not be read")
        dispatcher.utter_message(response="utter_services_national")
        return None


def read_message(text: str) -> tuple[Snapshot, ServiceRequest]:
    """The directory, and her message read against its listing names (run in run_db)."""
    snap = current_directory()
    found = ENTITIES.find(snap, text)
    return snap, read_request(text, found.services)


def request_from_slot(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def merge_request(previous: dict[str, Any], new: ServiceRequest) -> dict[str, Any]:
    categories = new.categories
    just_a_place = (
        new.location is not None and not new.categories and not new.service_ids and len(new.text.split()) <= 3
    )
    if (new.only_a_filter or just_a_place) and previous.get("categories"):
        categories = list(previous["categories"])  # "what's open now?" / "what about SE5?": the same need
    return {"categories": categories, "when": new.when, "service_ids": new.service_ids, "text": new.text[:200]}
