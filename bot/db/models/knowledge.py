"""The knowledge base: the answers the assistant gives to questions, kept by admins,
and every saved wording of each (who saved it, when).

Seeded once from bot/knowledge/answers.yml; after that the database is the
source (bot/db/crud/knowledge.py)."""
from __future__ import annotations

import enum

from sqlalchemy import JSON, Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false

from bot.db.base import Base
from bot.db.types import UTCDateTime, str_enum, utcnow


class KnowledgePolice(str, enum.Enum):
    """What an answer says the police are told (answers.yml `police`)."""

    NONE = "none"  # says nothing about the police
    CAUTION = "caution"  # a conditional caution: attendance only
    SELF = "self"  # came by herself: nothing
    BOTH = "both"


class KnowledgeAnswer(Base):
    __tablename__ = "knowledge_answers"
    __table_args__ = (
        # The staff app refuses more; this stops any other writer (two text messages at most).
        CheckConstraint("length(answer) BETWEEN 1 AND 320", name="answer_length"),
    )

    id = Column(Integer, primary_key=True)
    topic_id = Column(String(40), nullable=False, unique=True)  # the bot's name for it: `free`, `coverage`
    title = Column(String(80), nullable=False)
    answer = Column(Text, nullable=False)
    next = Column(JSON, nullable=False)  # buttons: [{"title": ..., "payload": "/self_refer"}]
    police = Column(str_enum(KnowledgePolice, "knowledge_police"), nullable=False)
    retired = Column(Boolean, nullable=False, default=False, server_default=sa_false())
    # The wording's version number, as in knowledge_answer_versions: an edit names the
    # version it started from, so two admins editing at once cannot overwrite each other.
    version = Column(Integer, nullable=False, default=1)
    last_checked_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    last_checked_at = Column(UTCDateTime)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class KnowledgeAnswerVersion(Base):
    """One saved wording of an answer (the seed's included), never changed afterwards."""

    __tablename__ = "knowledge_answer_versions"
    __table_args__ = (UniqueConstraint("answer_id", "version", name="one_row_per_version"),)

    id = Column(Integer, primary_key=True)
    answer_id = Column(Integer, ForeignKey("knowledge_answers.id", ondelete="CASCADE"), nullable=False)
    version = Column(Integer, nullable=False)
    title = Column(String(80), nullable=False)
    answer = Column(Text, nullable=False)
    next = Column(JSON, nullable=False)
    saved_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))  # none: the seed
    saved_at = Column(UTCDateTime, nullable=False, default=utcnow)


class KnowledgeTranslation(Base):
    """An answer in another language: seeded from bot/knowledge/answers.<code>.yml,
    then corrected by admins; without one, the English answer is given."""

    __tablename__ = "knowledge_translations"
    __table_args__ = (
        UniqueConstraint("answer_id", "language", name="one_translation_per_language"),
        CheckConstraint("length(answer) BETWEEN 1 AND 640", name="translation_length"),
    )

    id = Column(Integer, primary_key=True)
    answer_id = Column(Integer, ForeignKey("knowledge_answers.id", ondelete="CASCADE"), nullable=False)
    language = Column(String(8), nullable=False)
    title = Column(String(120), nullable=False)
    answer = Column(Text, nullable=False)
    next_titles = Column(JSON, nullable=False)  # the English buttons' titles in this language, same order
    written_by = Column(String(120))
    checked_by = Column(String(120))
    saved_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
