"""Build the small rule-based spaCy pipeline that Rasa's SpacyNLP loads.

Why: Elpis only needs spaCy to spot London boroughs and postcodes (and later
centre names) as entities, so instead of downloading a statistical model
package we save a blank English pipeline with an ``entity_ruler`` to a folder.
The folder uses only spaCy's built-in components, so ``spacy.load(folder)``
works in any process with spaCy installed; nothing from this repository or
any model package needs to be importable. Rasa config::

    - name: SpacyNLP
      model: var/spacy/elpis_en
    - name: SpacyEntityExtractor
      dimensions: ["borough", "postcode"]

Build it with ``python -m bot.nlu.spacy_builder var/spacy/elpis_en``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler

from bot.geo.boroughs import borough_names_and_aliases
from bot.geo.postcodes import (
    A9A_LETTER,
    AA9A_LETTER,
    AREA_1,
    AREA_2,
    INWARD_LETTERS,
    INWARD_PATTERN,
    OUTWARD_PATTERN,
    london_postcode_areas,
)

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path("var/spacy/elpis_en")
BOROUGH_LABEL = "borough"
POSTCODE_LABEL = "postcode"
PIPELINE_NAME = "elpis_en"
PIPELINE_VERSION = "1.0.0"

Pattern = dict[str, Any]
TokenPattern = list[dict[str, Any]]

_DATA_ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2024. Contains Royal "
    "Mail data © Royal Mail copyright and database right 2024. Source: Office for "
    "National Statistics licensed under the Open Government Licence v.3.0. Local-"
    "authority mappings from the NHS COVID-19 app (UKHSA/DHSC), MIT licence, Crown "
    "Copyright (c) 2020."
)


def _token(regex: str, *, followed_by_space: bool | None = None, last: bool = False) -> dict[str, Any]:
    """Token pattern matching the whole token text against a regex, any case.

    ``last`` allows a trailing full stop, which the English tokenizer leaves
    attached after a capital letter ("EC1A.") or in "m."/"Pa." exceptions.
    """
    end = r"\.?$" if last else "$"
    pattern: dict[str, Any] = {"TEXT": {"REGEX": f"(?i)^(?:{regex}){end}"}}
    if followed_by_space is not None:
        pattern["SPACY"] = followed_by_space
    return pattern


def _outward_forms(area_guard: str = "", last: bool = False) -> list[TokenPattern]:
    """Token sequences an outward code can be split into by the English tokenizer.

    Why: spaCy's tokenizer cuts unit-like suffixes off a number, so "EC1M"
    becomes "EC1" + "M" and "W1G" becomes "W1" + "G"; both pieces are then
    written with no space between them (SPACY false).
    """
    return [
        [_token(area_guard + OUTWARD_PATTERN, last=last)],
        [
            _token(f"{area_guard}{AREA_1}[0-9]", followed_by_space=False),
            _token(A9A_LETTER, last=last),
        ],
        [
            _token(f"{area_guard}{AREA_1}{AREA_2}[0-9]", followed_by_space=False),
            _token(AA9A_LETTER, last=last),
        ],
    ]


def postcode_token_patterns() -> list[Pattern]:
    """Entity-ruler patterns for full postcodes and bare London districts.

    Full postcodes: "SE15 4QF" (two tokens), "SE154QF" (one token), plus the
    forms where the tokenizer split a unit-like ending ("0FT" -> "0" + "FT",
    "EC1M" -> "EC1" + "M"). Bare districts only for London postcode areas
    ("SE15", "e1", "W1A"), so "B12" or "M25" stay ordinary words. A full stop
    the tokenizer kept on the last token stays in the entity text ("EC1A."):
    read values through bot.geo.normalise_postcode / find_outcode.
    """
    inward_forms: list[TokenPattern] = [
        [_token(INWARD_PATTERN, last=True)],
        [
            _token("[0-9]", followed_by_space=False),
            _token(f"{INWARD_LETTERS}{{2}}", last=True),
        ],
    ]
    full: list[TokenPattern] = [outward + inward for outward in _outward_forms() for inward in inward_forms]
    full.append([_token(OUTWARD_PATTERN + INWARD_PATTERN, last=True)])
    full.append(
        [
            _token(OUTWARD_PATTERN + "[0-9]", followed_by_space=False),
            _token(f"{INWARD_LETTERS}{{2}}", last=True),
        ]
    )
    areas = "|".join(sorted(london_postcode_areas(), key=lambda a: (-len(a), a)))
    bare = _outward_forms(area_guard=f"(?=(?:{areas})[0-9])", last=True)
    return [
        *({"label": POSTCODE_LABEL, "pattern": tokens, "id": "postcode"} for tokens in full),
        *({"label": POSTCODE_LABEL, "pattern": tokens, "id": "outcode"} for tokens in bare),
    ]


def _cased_token_patterns(nlp: Language, phrase: str) -> list[TokenPattern]:
    """Case-sensitive patterns for an everyday-word alias ("Barking", "the City").

    Capitalised words must keep their capital (or be all capitals); lower-case
    words such as "the" match in any case.
    """
    words = [token.text for token in nlp.make_doc(phrase)]
    as_written = [{"TEXT": word} if word[:1].isupper() else {"LOWER": word.lower()} for word in words]
    shouted = [{"TEXT": word.upper()} if word[:1].isupper() else {"LOWER": word.lower()} for word in words]
    return [as_written, shouted]


def borough_patterns(nlp: Language) -> list[Pattern]:
    """Entity-ruler patterns for every borough name, alias and listed misspelling.

    The pattern ``id`` is the ONS name, so ``ent.ent_id_`` gives the canonical
    borough for "H&F" or "lambith".
    """
    patterns: list[Pattern] = []
    for alias in borough_names_and_aliases():
        if alias.cased:
            patterns.extend(
                {"label": BOROUGH_LABEL, "pattern": tokens, "id": alias.borough}
                for tokens in _cased_token_patterns(nlp, alias.phrase)
            )
        else:
            patterns.append({"label": BOROUGH_LABEL, "pattern": alias.phrase, "id": alias.borough})
    return patterns


def _extra_patterns(extra_phrases: Mapping[str, Iterable[str]]) -> list[Pattern]:
    """Phrase patterns for other labels (e.g. centre names from the database)."""
    patterns: list[Pattern] = []
    for label, phrases in extra_phrases.items():
        for phrase in phrases:
            cleaned = " ".join(phrase.split())
            if cleaned:
                patterns.append({"label": label, "pattern": cleaned, "id": cleaned})
    return patterns


def build_pipeline(extra_phrases: Mapping[str, Iterable[str]] | None = None) -> Language:
    """A blank English pipeline whose entity_ruler tags boroughs and postcodes.

    ``extra_phrases`` maps more labels to literal phrases, matched ignoring
    case (e.g. ``{"centre": ["Peckham Hub"]}``).
    """
    nlp = spacy.blank("en")
    nlp.meta.update(
        {
            "name": PIPELINE_NAME,
            "version": PIPELINE_VERSION,
            "description": "Elpis rule-based entities: London boroughs and UK postcodes.",
            "author": "Elpis",
            "license": "MIT (code); data see sources",
            "sources": [
                {
                    "name": "London borough and postcode-district tables",
                    "url": "bot/geo/data/SOURCES.md",
                    "license": "OGL v3.0 and MIT (Crown Copyright)",
                    "attribution": _DATA_ATTRIBUTION,
                }
            ],
        }
    )
    ruler = nlp.add_pipe(
        "entity_ruler",
        config={"phrase_matcher_attr": "LOWER", "validate": True, "overwrite_ents": True},
    )
    patterns = [*borough_patterns(nlp), *postcode_token_patterns()]
    if extra_phrases:
        patterns.extend(_extra_patterns(extra_phrases))
    cast(EntityRuler, ruler).add_patterns(patterns)
    return nlp


def save_pipeline(path: str | Path, extra_phrases: Mapping[str, Iterable[str]] | None = None) -> Path:
    """Build the pipeline and write it to ``path`` (parents created); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline(extra_phrases).to_disk(target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``python -m bot.nlu.spacy_builder [PATH]`` (default var/spacy/elpis_en)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="output folder")
    args = parser.parse_args(argv)
    target = save_pipeline(args.path)
    logger.info("Saved spaCy pipeline %s to %s", PIPELINE_NAME, target.resolve())
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(main())
