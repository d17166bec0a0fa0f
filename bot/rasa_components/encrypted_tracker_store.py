"""Rasa's SQL tracker store, with her words and her number unreadable at rest.

Production's Rasa processes share this store (endpoints.production.yml). It is
Rasa 3.6's SQLTrackerStore, same table and same queries, except what a row
holds (bot/privacy/tracker_crypto.py):

- `data` (the event: her text, the parse, slot values, our replies) is a
  Fernet token under ELPIS_DATA_KEYS, rotated with the case database
  (`python -m bot.db rotate-keys`);
- `sender_id` is a keyed HMAC of the conversation id (an SMS conversation's
  id is her phone number); lookups hash the id they are given, so Rasa's API
  and the worker's erasure use the real id as before;
- `type_name` and `timestamp` stay in clear: Rasa finds a conversation's
  latest session with them, and retention deletes by age;
- `intent_name` and `action_name` stay in clear only when the name is one of
  the model's (intents, actions, slots, forms): public names, never her words.

Rows written in clear by Rasa's own SQL store are sealed by
`python -m bot.db rotate-keys` (run with Rasa stopped); this store never reads
them as text.
"""

from __future__ import annotations

from typing import Any, FrozenSet, Iterable, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.tracker_crypto import is_plain, seal, sender_key, unseal
from bot.settings import get_settings


class EncryptedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        get_settings()  # fail at start, not at her first message, if the keys are wrong
        super().__init__(*args, **kwargs)
        self._known: tuple[Any, FrozenSet[str]] = (None, frozenset())

    def _event_query(self, session: Any, sender_id: Text, fetch_events_from_all_sessions: bool) -> Any:
        # Every Rasa lookup (retrieve, save's count of stored events) goes through here.
        return super()._event_query(session, sender_key(sender_id), fetch_events_from_all_sessions)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
            events = [unseal(row.data)[1] for row in rows]
        if not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        key = sender_key(tracker.sender_id)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name")
                session.add(
                    self.SQLEvent(
                        sender_id=key,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=self._public(intent),
                        action_name=self._public(data.get("name")),
                        data=seal(tracker.sender_id, data),
                    )
                )
            session.commit()

    async def keys(self) -> Iterable[Text]:
        """The conversation ids, read from each conversation's first (sealed) event."""
        with self.session_scope() as session:
            first = sa.select(sa.func.min(self.SQLEvent.id)).group_by(self.SQLEvent.sender_id)
            rows = session.query(self.SQLEvent.sender_id, self.SQLEvent.data).filter(self.SQLEvent.id.in_(first)).all()
        # A row still in Rasa's plain format names its sender in clear.
        return [stored if is_plain(data) else unseal(data)[0] for stored, data in rows]

    def _public(self, name: Optional[Text]) -> Optional[Text]:
        """The name if the model defines it, else None: a name from elsewhere could be her words."""
        return name if name in self._known_names() else None

    def _known_names(self) -> FrozenSet[str]:
        domain = self.domain
        if self._known[0] is not domain:  # the domain changes when a model is loaded
            names = {
                *domain.intents,
                *domain.action_names_or_texts,
                *domain.form_names,
                *(slot.name for slot in domain.slots),
            }
            self._known = (domain, frozenset(names))
        return self._known[1]
