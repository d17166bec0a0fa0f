"""Listing names, boroughs and postcodes in her message, from the directory itself.

The action server builds the Elpis spaCy pipeline (bot.nlu.spacy_builder)
with the directory's listing and place names as extra phrases, and rebuilds it
when the directory version changes: a renamed or new centre is recognised in
the next message, with no retraining. Boroughs and postcodes come from
bot/geo through the same pipeline.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from spacy.language import Language

from bot.directory.catalogue import Snapshot
from bot.nlu.spacy_builder import BOROUGH_LABEL, POSTCODE_LABEL, build_pipeline

SERVICE_LABEL = "service"
BACKGROUND_ABOVE = 2000  # names
logger = logging.getLogger(__name__)


@dataclass
class Found:
    # (start char, end char, service ids)
    services: list[tuple[int, int, list[int]]] = field(default_factory=list)
    boroughs: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)


class DirectoryEntities:
    """The pipeline for the current directory version; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._nlp: Language | None = None
        self._version: tuple | None = None
        self._building: tuple | None = None
        self.last_build_seconds: float = 0.0

    def pipeline(self, snap: Snapshot) -> Language:
        """The pipeline for this snapshot's names.

        Small directories rebuild at once (under a second). A big one (thousands of
        names take several seconds) rebuilds in the background while the previous
        pipeline keeps answering, so no woman waits for an admin's edit; searches
        use the fresh listings either way, only a just-renamed name lags.
        """
        if self._nlp is not None and self._version == snap.version:
            return self._nlp
        if self._nlp is not None and len(snap.names) > BACKGROUND_ABOVE:
            with self._lock:
                if self._building != snap.version:
                    self._building = snap.version
                    threading.Thread(target=self._build, args=(snap,), daemon=True).start()
            return self._nlp
        with self._lock:
            if self._nlp is None or self._version != snap.version:
                self._build(snap)
            assert self._nlp is not None  # just built, or built before
            return self._nlp

    def _build(self, snap: Snapshot) -> None:
        started = time.perf_counter()
        nlp = build_pipeline({SERVICE_LABEL: sorted(snap.names)})
        self._nlp, self._version = nlp, snap.version
        self.last_build_seconds = time.perf_counter() - started
        logger.info("directory entities rebuilt: %d names in %.2fs", len(snap.names), self.last_build_seconds)

    def find(self, snap: Snapshot, text: str) -> Found:
        doc = self.pipeline(snap)((text or "")[:500])
        found = Found()
        for ent in doc.ents:
            if ent.label_ == SERVICE_LABEL:
                ids = sorted(snap.names.get(ent.ent_id_.lower(), ()))
                if ids:
                    found.services.append((ent.start_char, ent.end_char, ids))
            elif ent.label_ == BOROUGH_LABEL:
                found.boroughs.append(ent.ent_id_)
            elif ent.label_ == POSTCODE_LABEL:
                found.postcodes.append(ent.text)
        return found


ENTITIES = DirectoryEntities()
