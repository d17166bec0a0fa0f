"""Every table holding her data is answered for by one feature's hooks (bot/privacy/registry.py).

A table holds her data when it has a key to her record or her case (women,
referrals), or a column for her number, email or conversation id. A new such
table fails here until its feature declares what erasure, the summary and
retention do with it (or keeps it, saying why).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

import bot.db.models  # noqa: F401  (every table in Base.metadata)
from bot.db.base import Base
from bot.privacy.registry import HOOKS, READING

# Column names that hold her number, email or conversation id (a conversation id may be her number).
PERSONAL_COLUMNS = {
    "phone_e164",
    "phone_lookup",
    "email",
    "from_number",
    "to_address",
    "contact",
    "sender_id",
    "conversation_id",
}
# Tables with such columns that are not hers, and why.
NOT_HERS = {
    "staff": "a keyworker's own work number and email",
    "dir_organisations": "a listed service's public email",
    "dir_services": "a listed service's public email",
}


def holds_her_data(table: Table) -> bool:
    if table.name in ("women",):
        return True
    if any(fk.column.table.name in ("women", "referrals") for fk in table.foreign_keys):
        return True
    return bool(PERSONAL_COLUMNS & {c.name for c in table.columns})


def unanswered(metadata: MetaData) -> list[str]:
    claimed = {t for h in HOOKS for t in (*h.tables, *h.kept)}
    return sorted(
        t.name for t in metadata.sorted_tables if holds_her_data(t) and t.name not in claimed and t.name not in NOT_HERS
    )


def test_every_table_holding_her_data_has_a_hook():
    assert unanswered(Base.metadata) == []


def test_each_table_is_answered_for_once_and_exists():
    claimed = [t for h in HOOKS for t in (*h.tables, *h.kept)]
    assert len(claimed) == len(set(claimed)), "a table is claimed by two features"
    assert set(claimed) <= set(Base.metadata.tables), sorted(set(claimed) - set(Base.metadata.tables))
    assert {h.feature for h in READING} == {h.feature for h in HOOKS} and len(READING) == len(HOOKS)
    for hooks in HOOKS:
        assert all(why.strip() for why in hooks.kept.values()), f"{hooks.feature}: say why each table is kept"


def test_a_new_table_with_her_key_or_number_and_no_hook_fails():
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    Table(
        "counselling_notes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("woman_id", Integer, ForeignKey("women.id")),
    )
    Table("callbacks", metadata, Column("id", Integer, primary_key=True), Column("phone_e164", String(16)))
    Table(
        "case_tags",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("referral_id", Integer, ForeignKey("referrals.id")),
    )
    assert unanswered(metadata) == ["callbacks", "case_tags", "counselling_notes"]
