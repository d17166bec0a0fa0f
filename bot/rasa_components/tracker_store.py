"""The embedded default tracker store: in memory, handing back the live tracker.

Rasa's InMemoryTrackerStore keeps each conversation as JSON and rebuilds the
tracker from it for every message: every event decoded and replayed, which
grows with the conversation (py-spy under `make bench`: about 8% of the Rasa
process's CPU). This store still keeps the JSON, exactly as Rasa's does, but
also the tracker object it was made from, and hands that object back while
it is certainly the same as the saved JSON:

- its number of events is what it was when saved (Rasa only changes a
  tracker by adding events, so a turn that failed before saving shows up
  here and the JSON is used instead);
- it holds one conversation session (with several, Rasa returns only the
  last, which the JSON path still does);
- no event broker is set (streaming events works by comparing the saved
  tracker with the new one, so it needs the JSON copy).

Only one turn of a conversation runs at a time (the lock store), so the
object is never changed by two turns at once. Several Rasa processes share
a PostgreSQL tracker store instead (endpoints.production.yml).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text, Tuple

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, split_events
from rasa.shared.core.trackers import DialogueStateTracker


class LiveInMemoryTrackerStore(InMemoryTrackerStore):
    def __init__(self, domain: Any, event_broker: Any = None, **kwargs: Any) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self._live: Dict[Text, Tuple[DialogueStateTracker, int]] = {}

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._live.pop(tracker.sender_id, None)  # the broker's comparison must read the JSON
        await super().save(tracker)
        if self.event_broker is None:
            # Split as Rasa splits sessions when it retrieves a tracker.
            sessions = split_events(
                tracker.events, ActionExecuted, {"action_name": ACTION_SESSION_START_NAME}, include_splitting_event=True
            )
            if len(sessions) <= 1:
                self._live[tracker.sender_id] = (tracker, len(tracker.events))

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        live = self._live.get(sender_id)
        if live is not None:
            tracker, saved_events = live
            if len(tracker.events) == saved_events:
                return tracker
            del self._live[sender_id]  # changed but never saved: rebuild from the JSON
        return await super().retrieve(sender_id)
