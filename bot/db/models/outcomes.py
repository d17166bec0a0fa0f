"""Outcome measurement: the instrument (areas, each question, the 1-10 scale text) and
her readings against it.

The instrument is data, not code: licensed tools (the Outcomes Star family) may not be
shipped, so the repository seeds a SAMPLE instrument of its own (bot/staff/outcomes_sample.yml)
and a service that holds a licence loads its own wording over it (bot/staff/outcomes.py).
An area is retired rather than deleted once it has been used, so old readings still read.

A reading's scores say how she is doing in each area of her life: health, abuse, drugs.
They are encrypted at rest like her notes and postcode; the date and stage stay in clear
(the case page and reports order by them).
"""

from __future__ import annotations

import enum
import json

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import relationship

from bot.db.base import Base
from bot.db.crypto import EncryptedText
from bot.db.models.enums import Need
from bot.db.types import UTCDateTime, str_enum, utcnow


class ReadingStage(str, enum.Enum):
    START = "start"
    REVIEW = "review"
    END = "end"


class ReadingSource(str, enum.Enum):
    """Who gave the scores: a keyworker from a meeting, or she herself by chat."""

    KEYWORKER = "keyworker"
    HER = "her"


class EncryptedJSON(EncryptedText):
    """A JSON value stored as one Fernet token (an EncryptedText: key rotation finds it)."""

    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else super().process_bind_param(json.dumps(value, sort_keys=True), dialect)

    def process_result_value(self, value, dialect):
        text = super().process_result_value(value, dialect)
        return None if text is None else json.loads(text)


class OutcomeInstrument(Base):
    """The one instrument in use: its name, the scale text shown with every question."""

    __tablename__ = "outcome_instruments"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    scale_text = Column(Text, nullable=False)
    sample = Column(Boolean, nullable=False, default=True, server_default=false())  # our own SAMPLE wording
    updated_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    areas = relationship("OutcomeArea", order_by="OutcomeArea.position", cascade="all, delete-orphan")


class OutcomeArea(Base):
    __tablename__ = "outcome_areas"

    id = Column(Integer, primary_key=True)
    instrument_id = Column(
        Integer, ForeignKey("outcome_instruments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    key = Column(String(40), nullable=False, unique=True)  # stable: a loaded file matches areas by it
    position = Column(Integer, nullable=False)
    name = Column(String(60), nullable=False)
    question = Column(Text, nullable=False)
    need = Column(str_enum(Need, "outcome_need"))  # the needs pathway it is built on, if one
    retired = Column(Boolean, nullable=False, default=False, server_default=false())


class OutcomeReading(Base):
    """One reading: her scores on one day, at a stage of her support, by whom."""

    __tablename__ = "outcome_readings"

    id = Column(Integer, primary_key=True)
    woman_id = Column(Integer, ForeignKey("women.id", ondelete="CASCADE"), nullable=False, index=True)
    referral_id = Column(Integer, ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False, index=True)
    taken_on = Column(Date, nullable=False)
    stage = Column(str_enum(ReadingStage, "reading_stage"), nullable=False)
    source = Column(str_enum(ReadingSource, "reading_source"), nullable=False)
    entered_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    # {"<area id>": 1..10}; a skipped area is absent.
    scores = Column(EncryptedJSON, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # A keyworker's correction of a reading (the audit log keeps what it was).
    corrected_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    corrected_at = Column(UTCDateTime)
