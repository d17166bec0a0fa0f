"""Listing names from the directory become entities, with boroughs and postcodes, and follow edits."""

from __future__ import annotations

from bot.directory.catalogue import Snapshot
from bot.directory.entities import DirectoryEntities
from tests.unit.test_directory_search import PECKHAM_CENTRE, listing


def snapshot(version, *items):
    snap = Snapshot(version=version)
    for item in items:
        snap.add(item)
        snap.names.setdefault(item.name.lower(), set()).add(item.service_id)
    return snap


def test_names_boroughs_and_postcodes_are_found():
    entities = DirectoryEntities()
    snap = snapshot((1, "a"), PECKHAM_CENTRE)
    text = "is peckham women's centre open, I'm in lambith, SE15 4QF"
    found = entities.find(snap, text)
    [(start, end, ids)] = found.services
    assert text[start:end] == "peckham women's centre" and ids == [PECKHAM_CENTRE.service_id]
    assert found.boroughs == ["Lambeth"] and found.postcodes == ["SE15 4QF"]


def test_pipeline_is_rebuilt_when_the_directory_changes():
    entities = DirectoryEntities()
    first = snapshot((1, "a"), PECKHAM_CENTRE)
    assert entities.find(first, "the Moonlight Project").services == []
    moonlight = listing("The Moonlight Project", ["groups_activities"], "E8")
    second = snapshot((2, "b"), PECKHAM_CENTRE, moonlight)
    [(_, _, ids)] = entities.find(second, "where is the moonlight project").services
    assert ids == [moonlight.service_id]
    nlp = entities.pipeline(second)
    assert entities.pipeline(second) is nlp  # same version: no rebuild
