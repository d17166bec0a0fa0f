"""Tests for bot.nlu.spacy_builder: the saved pipeline must work where Rasa loads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
import spacy
from spacy.language import Language

from bot.nlu.spacy_builder import build_pipeline, main, save_pipeline

REPO_ROOT = Path(__file__).resolve().parent.parent.parent

# Runs in a fresh interpreter, outside the repository, so neither `bot` nor any
# model package can help loading. TensorFlow is hidden only to make the check
# fast: thinc imports it if present, and spaCy does not need it.
_FRESH_LOAD = """
import importlib.util, json, sys
sys.modules["tensorflow"] = None
import spacy
assert importlib.util.find_spec("bot") is None, "repository code is importable"
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps({"pipe_names": nlp.pipe_names,
                  "ents": [[e.text, e.label_, e.ent_id_] for e in doc.ents]}))
"""


def ents(nlp: Language, text: str) -> list[tuple[str, str, str]]:
    return [(ent.text, ent.label_, ent.ent_id_) for ent in nlp(text).ents]


class Saved(NamedTuple):
    path: Path
    fresh_load: subprocess.Popen[str]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Saved]:
    """The saved pipeline, plus a fresh process already loading it.

    The process starts here so that it runs while the in-process tests do.
    """
    base = tmp_path_factory.mktemp("spacy")
    path = save_pipeline(base / "nested" / "elpis_en")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    process = subprocess.Popen(
        [sys.executable, "-c", _FRESH_LOAD, str(path), "i live in lambeth SE11 5QY"],
        cwd=base,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield Saved(path, process)
    if process.poll() is None:
        process.kill()
        process.communicate()


@pytest.fixture(scope="module")
def saved_path(saved: Saved) -> Path:
    return saved.path


@pytest.fixture(scope="module")
def loaded(saved_path: Path) -> Language:
    """The saved folder loaded back, as Rasa would (but in this process)."""
    return spacy.load(saved_path)


def test_build_pipeline_is_blank_english_with_entity_ruler() -> None:
    nlp = build_pipeline()
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["entity_ruler"]
    assert nlp.get_pipe("entity_ruler").phrase_matcher_attr == "LOWER"
    assert set(nlp.get_pipe("entity_ruler").labels) == {"borough", "postcode"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "i live in lambeth SE11 5QY",
            [("lambeth", "borough", "Lambeth"), ("SE11 5QY", "postcode", "postcode")],
        ),
        ("SE154QF", [("SE154QF", "postcode", "postcode")]),
        ("my postcode is se15 4qf.", [("se15 4qf", "postcode", "postcode")]),
        ("I'm in SE15", [("SE15", "postcode", "outcode")]),
        ("e1 please", [("e1", "postcode", "outcode")]),
        ("EC1M 1AA", [("EC1M 1AA", "postcode", "postcode")]),  # tokenised EC1 + M + 1AA
        ("ec1m", [("ec1m", "postcode", "outcode")]),
        ("I'm in EC1A.", [("EC1A.", "postcode", "outcode")]),  # tokenizer keeps the "."
        ("W1G 0FT.", [("W1G 0FT", "postcode", "postcode")]),  # 0FT -> 0 + FT
        ("se150lb", [("se150lb", "postcode", "postcode")]),  # se150 + lb
        ("M1 1AE", [("M1 1AE", "postcode", "postcode")]),
        ("H&F", [("H&F", "borough", "Hammersmith and Fulham")]),
        (
            "rbkc or k & c",
            [("rbkc", "borough", "Kensington and Chelsea"), ("k & c", "borough", "Kensington and Chelsea")],
        ),
        ("Tower hamlets", [("Tower hamlets", "borough", "Tower Hamlets")]),
        ("KINGSTON-upon-thames", [("KINGSTON-upon-thames", "borough", "Kingston upon Thames")]),
        ("lambith", [("lambith", "borough", "Lambeth")]),
        ("I live in Barking", [("Barking", "borough", "Barking and Dagenham")]),
        ("I work in the City", [("the City", "borough", "City of London")]),
        ("the City of Westminster", [("City of Westminster", "borough", "Westminster")]),
        ("the dog is barking", []),
        ("I work in the city", []),
        ("I need help with money", []),
        ("07700 900123", []),
        ("hello", []),
        ("I live in London", []),
        ("vitamin B12 and the M25", []),
    ],
)
def test_saved_pipeline_entities(loaded: Language, text: str, expected: list) -> None:
    assert ents(loaded, text) == expected


def test_every_london_district_is_tagged(loaded: Language) -> None:
    from bot.geo.postcodes import all_outcodes, find_outcode, normalise_postcode

    texts, expected = [], []
    for outcode in (info.outcode for info in all_outcodes()):
        for text, kind in (
            (f"i'm in {outcode.lower()}, ok", "outcode"),
            (f"it's {outcode} 9AA.", "postcode"),
            (f"{outcode.lower()}0ft", "postcode"),
        ):
            texts.append(text)
            expected.append((outcode, kind))
    for text, (outcode, kind), doc in zip(texts, expected, loaded.pipe(texts)):
        assert [ent.ent_id_ for ent in doc.ents] == [kind], text
        value = doc.ents[0].text
        assert find_outcode(value) == outcode, text
        if kind == "postcode":
            assert normalise_postcode(value) is not None, text


def test_extra_phrases_add_labels() -> None:
    nlp = build_pipeline({"centre": ["Peckham Hub", "  "], "borough": ["Lambeth Council"]})
    assert ents(nlp, "is peckham hub open?") == [("peckham hub", "centre", "Peckham Hub")]
    assert ents(nlp, "Lambeth council") == [("Lambeth council", "borough", "Lambeth Council")]


def test_saved_folder_needs_no_model_package(saved_path: Path) -> None:
    config = (saved_path / "config.cfg").read_text(encoding="utf-8")
    meta = json.loads((saved_path / "meta.json").read_text(encoding="utf-8"))
    assert 'pipeline = ["entity_ruler"]' in config
    assert "vectors = null" in config
    assert "en_core" not in config
    assert not meta.get("requirements")
    assert meta["name"] == "elpis_en"
    assert spacy.util.is_compatible_version(spacy.about.__version__, meta["spacy_version"])


def test_rasa_spacy_nlp_and_entity_extractor(saved_path: Path, tmp_path: Path) -> None:
    pytest.importorskip("rasa")
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.shared.nlu.training_data.message import Message

    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), model_id="test")
    spacy_nlp = SpacyNLP.create(
        {**SpacyNLP.get_default_config(), "model": str(saved_path)},
        storage,
        Resource("spacy_nlp"),
        context,
    )
    extractor = SpacyEntityExtractor.create(
        {**SpacyEntityExtractor.get_default_config(), "dimensions": ["borough", "postcode"]},
        storage,
        Resource("spacy_entity_extractor"),
        context,
    )
    model = spacy_nlp.provide()
    messages = spacy_nlp.process([Message.build(text="i live in lambeth SE11 5QY")], model)
    messages = extractor.process(messages, model)
    found = [(e["entity"], e["value"], e["start"], e["end"]) for e in messages[0].get("entities")]
    assert found == [("borough", "lambeth", 10, 17), ("postcode", "SE11 5QY", 18, 26)]


def test_cli_writes_folder_and_creates_parents(tmp_path: Path) -> None:
    target = tmp_path / "var" / "spacy" / "elpis_en"
    assert main([str(target)]) == 0
    assert (target / "config.cfg").is_file()
    assert (target / "entity_ruler" / "patterns.jsonl").is_file()


def test_saved_folder_loads_in_a_fresh_process(saved: Saved) -> None:
    stdout, stderr = saved.fresh_load.communicate(timeout=120)
    assert saved.fresh_load.returncode == 0, stderr
    output = json.loads(stdout.strip().splitlines()[-1])
    assert output["pipe_names"] == ["entity_ruler"]
    assert output["ents"] == [
        ["lambeth", "borough", "Lambeth"],
        ["SE11 5QY", "postcode", "postcode"],
    ]
