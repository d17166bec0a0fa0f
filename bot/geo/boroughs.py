"""London borough names, their everyday aliases, and forgiving matching of free text.

Why: people type "lambith", "H&F", "RBKC" or "I'm in Barking", while services,
referrals and police areas are keyed by the ONS borough name ("Lambeth",
"Hammersmith and Fulham", ...). Matching has to be forgiving about spelling and
case, yet must never turn everyday words ("banking", "button", "the city",
"london") into a borough, because a wrong borough sends someone to the wrong
service.

Data comes from ``data/london_boroughs.csv`` (see ``data/SOURCES.md`` for source
and licence) and is read once.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "BOROUGHS",
    "Alias",
    "Borough",
    "borough_names_and_aliases",
    "get_borough",
    "is_london_borough",
    "load_boroughs",
    "match_borough",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
BOROUGHS_CSV = DATA_DIR / "london_boroughs.csv"
OUTCODES_CSV = DATA_DIR / "london_outcodes.csv"

# difflib ratio a misspelling needs ("lambith" and "croyden" score 0.857). It
# is paired with a typo count (see _max_typos), which keeps "having" away from
# "havering" although both score the same ratio.
FUZZY_CUTOFF = 0.8


@dataclass(frozen=True)
class Borough:
    """One of the 32 London boroughs or the City of London."""

    name: str
    code: str
    bcu: str | None
    police_force: str


class Alias(NamedTuple):
    """A phrase that names a borough.

    ``cased`` marks phrases that are also everyday English ("Barking",
    "the City"): they only count when written with their capital letters (a
    single-word one also counts right after "in", "from", "near", "at" or
    "around").
    """

    phrase: str
    borough: str
    cased: bool = False


# Everyday names people use instead of the ONS name. Keep each alias specific
# to one borough; neighbourhood names (Brixton, Peckham...) are places, which
# bot.geo.postcodes resolves through the outcode table instead.
_ALIASES: dict[str, tuple[str, ...]] = {
    "City of London": ("City of London",),
    "Barking and Dagenham": ("Barking & Dagenham", "Dagenham", "LBBD"),
    "Hammersmith and Fulham": (
        "Hammersmith & Fulham",
        "H&F",
        "H & F",
        "LBHF",
        "Hammersmith",
        "Fulham",
    ),
    "Kensington and Chelsea": (
        "Kensington & Chelsea",
        "K&C",
        "K & C",
        "RBKC",
        "Kensington",
        "Chelsea",
    ),
    "Kingston upon Thames": ("Kingston", "Kingston-upon-Thames", "Kingston on Thames"),
    "Richmond upon Thames": ("Richmond", "Richmond-upon-Thames", "Richmond on Thames"),
    "Westminster": ("City of Westminster",),
}

# Aliases that are also ordinary words; see Alias.cased.
_CASED_ALIASES: dict[str, tuple[str, ...]] = {
    "City of London": ("the City", "the Square Mile"),
    "Barking and Dagenham": ("Barking",),
}

# Frequent misspellings, listed so that exact matchers (the spaCy entity ruler)
# catch them too; match_borough also finds others by fuzzy matching.
_MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "Lambeth": ("lambith",),
    "Southwark": ("southwork",),
    "Hackney": ("hackny",),
    "Croydon": ("croyden",),
    "Islington": ("islinton",),
    "Lewisham": ("lewisam",),
    "Greenwich": ("greenwhich",),
    "Wandsworth": ("wandsworht",),
}

# Real words one typo from a borough name. Found by running the matcher over
# some 80,000 English words (docstrings and word lists); fuzzy matching skips them.
_NOT_BOROUGHS: frozenset[str] = frozenset(
    {
        "southward",  # Southwark
        "hovering",  # Havering
    }
)

# Words after which a single everyday-word name is read as a place name.
_LOCATIVES: frozenset[str] = frozenset({"in", "from", "near", "at", "around"})

# Short function words never worth a fuzzy comparison.
_SKIP_FUZZY_TOKENS: frozenset[str] = frozenset({"and", "the", "of", "upon", "on", "in"})

_MIN_FUZZY_TARGET = 7  # shorter names (Brent, Sutton, Ealing...) only match exactly
_MIN_FUZZY_INPUT = 6
_MAX_LEN_DIFF = 2

_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|&")
_APOSTROPHES_RE = re.compile(r"['’]")
_PARENTHESIS_RE = re.compile(r"\s*\(.*?\)\s*")


# --- Phrase matching, shared with bot.geo.postcodes (not public API) -----------


class Token(NamedTuple):
    """A word as written (``text``) and in comparable form (``norm``)."""

    norm: str
    text: str


Key = tuple[str, ...]


def tokenise(text: str) -> list[Token]:
    """Split text into comparable words.

    Why: "H&F", "h & f", "Kingston-upon-Thames" and "Earl's Court" must
    compare equal to their written variants, so '&' reads as "and", hyphens
    separate words and apostrophes are dropped.
    """
    tokens: list[Token] = []
    for match in _TOKEN_RE.finditer(text):
        raw = match.group()
        norm = "and" if raw == "&" else _APOSTROPHES_RE.sub("", raw.lower())
        tokens.append(Token(norm, raw))
    return tokens


def phrase_key(phrase: str) -> Key:
    """Normalised token tuple used as a dictionary key for a phrase."""
    return tuple(token.norm for token in tokenise(phrase))


def clean_place_name(place: str) -> str | None:
    """Place name from the outcodes CSV without qualifiers like "(north west)".

    Returns None for "Non-geographic", which is a marker, not a place.
    """
    cleaned = _PARENTHESIS_RE.sub(" ", place).strip()
    if not cleaned or cleaned.lower() == "non-geographic":
        return None
    return cleaned


def is_trusted(tokens: list[Token], start: int, end: int, cased_phrase: str | None) -> bool:
    """Whether a match of an everyday-word phrase really names a place.

    Why: "the dog is barking" and "I work in the city" must not become
    boroughs; "I live in Barking" and "the City" must.
    """
    if cased_phrase is None:
        return True
    phrase_tokens = tokenise(cased_phrase)
    capitalised = all(
        not expected.text[0].isupper() or actual.text[0].isupper()
        for expected, actual in zip(phrase_tokens, tokens[start:end])
    )
    if capitalised:
        return True
    return end - start == 1 and start > 0 and tokens[start - 1].norm in _LOCATIVES


def exact_spans(
    tokens: list[Token],
    keys: Collection[Key],
    cased: Mapping[Key, str],
    max_len: int,
) -> list[tuple[int, int, Key]]:
    """All (start, end, key) token spans whose words equal a known key."""
    spans: list[tuple[int, int, Key]] = []
    for start in range(len(tokens)):
        for length in range(min(max_len, len(tokens) - start), 0, -1):
            key = tuple(token.norm for token in tokens[start : start + length])
            if key in keys and is_trusted(tokens, start, start + length, cased.get(key)):
                spans.append((start, start + length, key))
    return spans


def longest_first(spans: Iterable[tuple[int, int, Key]]) -> list[tuple[int, int, Key]]:
    """Drop overlapping spans, keeping longer ones (as spacy.util.filter_spans does).

    Why: "the City of Westminster" is Westminster, not the City of London.
    """
    kept: list[tuple[int, int, Key]] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if taken.isdisjoint(range(span[0], span[1])):
            kept.append(span)
            taken.update(range(span[0], span[1]))
    return sorted(kept)


# --- Boroughs -------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_boroughs() -> tuple[Borough, ...]:
    """The 33 rows of london_boroughs.csv, in ONS code order."""
    with BOROUGHS_CSV.open(newline="", encoding="utf-8") as handle:
        return tuple(
            Borough(
                name=row["borough"],
                code=row["borough_code"],
                bcu=row["bcu"] or None,
                police_force=row["police_force"],
            )
            for row in csv.DictReader(handle)
        )


BOROUGHS: tuple[Borough, ...] = load_boroughs()


@lru_cache(maxsize=1)
def _boroughs_by_lower_name() -> dict[str, Borough]:
    return {borough.name.lower(): borough for borough in BOROUGHS}


def get_borough(name: str | None) -> Borough | None:
    """The borough record for an ONS name (any case), e.g. to find its BCU."""
    return _boroughs_by_lower_name().get(" ".join((name or "").split()).lower())


def is_london_borough(name: str | None) -> bool:
    """True for the ONS name (any case) of a London borough or the City.

    Why: the outcode table also names authorities outside London (Hertsmere,
    Epping Forest...) for districts that straddle the boundary.
    """
    return get_borough(name) is not None


def borough_names_and_aliases(include_misspellings: bool = True) -> tuple[Alias, ...]:
    """Every phrase that names a borough: ONS names, aliases, common misspellings.

    Why: the spaCy entity ruler needs literal phrases; ``cased`` ones must be
    matched case-sensitively there.
    """
    aliases: list[Alias] = []
    for borough in BOROUGHS:
        phrases = (borough.name, *_ALIASES.get(borough.name, ()))
        if include_misspellings:
            phrases += _MISSPELLINGS.get(borough.name, ())
        seen: set[str] = set()
        for phrase in phrases:
            if phrase.lower() not in seen:
                seen.add(phrase.lower())
                aliases.append(Alias(phrase, borough.name))
        aliases.extend(Alias(phrase, borough.name, cased=True) for phrase in _CASED_ALIASES.get(borough.name, ()))
    return tuple(aliases)


@lru_cache(maxsize=1)
def _alias_index() -> tuple[dict[Key, str], dict[Key, str], int]:
    """(key -> borough, key -> cased phrase, longest key length)."""
    index: dict[Key, str] = {}
    cased: dict[Key, str] = {}
    for alias in borough_names_and_aliases():
        key = phrase_key(alias.phrase)
        index[key] = alias.borough
        if alias.cased:
            cased[key] = alias.phrase
    return index, cased, max(len(key) for key in index)


@lru_cache(maxsize=1)
def _fuzzy_targets() -> dict[int, tuple[tuple[str, str], ...]]:
    """Token count -> (joined lower-case phrase, borough) worth fuzzy matching.

    Only names and aliases of at least _MIN_FUZZY_TARGET letters: shorter ones
    sit too close to everyday words ("sutton"/"button", "ealing"/"healing").
    """
    targets: dict[int, list[tuple[str, str]]] = {}
    for alias in borough_names_and_aliases(include_misspellings=False):
        key = phrase_key(alias.phrase)
        joined = " ".join(key)
        if alias.cased or len(joined) < _MIN_FUZZY_TARGET or joined in _NOT_BOROUGHS:
            continue
        if not all(word.isalpha() for word in key):
            continue
        targets.setdefault(len(key), []).append((joined, alias.borough))
    return {length: tuple(dict.fromkeys(items)) for length, items in targets.items()}


@lru_cache(maxsize=1)
def _place_boroughs() -> tuple[dict[Key, frozenset[str]], int]:
    """Neighbourhood name key -> main boroughs of the districts it lies in.

    Why: "Bromley-by-Bow" (Tower Hamlets) and "West Kensington" (Hammersmith
    and Fulham) contain a borough name but are not in that borough, and
    "Barnes" (Richmond) must not be read as a misspelt "Barnet".
    """
    places: dict[Key, set[str]] = {}
    with OUTCODES_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for raw in row["places"].split(","):
                name = clean_place_name(raw)
                if name:
                    places.setdefault(phrase_key(name), set()).add(row["borough"])
    frozen = {key: frozenset(boroughs) for key, boroughs in places.items()}
    return frozen, max(len(key) for key in frozen)


def exact_borough_spans(tokens: list[Token]) -> list[tuple[int, int, str]]:
    """Exact borough mentions, minus those inside a longer place name elsewhere."""
    index, cased, max_len = _alias_index()
    places, max_place_len = _place_boroughs()
    spans = exact_spans(tokens, index, cased, max_len)
    place_spans = exact_spans(tokens, places, {}, max_place_len)
    result: list[tuple[int, int, str]] = []
    for start, end, key in longest_first(spans):
        borough = index[key]
        inside_other_place = any(
            p_start <= start and end <= p_end and (p_end - p_start) > (end - start) and borough not in places[p_key]
            for p_start, p_end, p_key in place_spans
        )
        if not inside_other_place:
            result.append((start, end, borough))
    return result


def _max_typos(target: str) -> int:
    """Typos tolerated in a name: one, or two in names of ten letters or more.

    Why: a ratio alone lets "having" (two letters short) pass for "havering".
    """
    return 2 if len(target) >= 10 else 1


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions
    and swaps of neighbouring letters ("wandsworht") each count as one typo."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def fuzzy_borough(tokens: list[Token]) -> str | None:
    """Best misspelt borough name in the text, or None.

    Compares word n-grams with names of the same word count and the same
    first letter. A candidate needs a difflib ratio of at least FUZZY_CUTOFF
    and at most _max_typos() edits; exact place names and known real words
    are skipped.
    """
    places, _ = _place_boroughs()
    targets = _fuzzy_targets()
    for start in range(len(tokens)):
        best: tuple[float, str] | None = None
        for length, candidates in targets.items():
            words = tuple(token.norm for token in tokens[start : start + length])
            if len(words) < length or not all(word.isalpha() for word in words):
                continue
            if words[0] in _SKIP_FUZZY_TOKENS or words in places:
                continue
            joined = " ".join(words)
            if len(joined) < _MIN_FUZZY_INPUT or joined in _NOT_BOROUGHS:
                continue
            for target, borough in candidates:
                if target[0] != joined[0] or abs(len(target) - len(joined)) > _MAX_LEN_DIFF:
                    continue
                ratio = difflib.SequenceMatcher(None, joined, target).ratio()
                if ratio < FUZZY_CUTOFF or (best is not None and ratio <= best[0]):
                    continue
                if _edit_distance(joined, target) <= _max_typos(target):
                    best = (ratio, borough)
        if best is not None:
            return best[1]
    return None


def match_borough(text: str, fuzzy: bool = True) -> str | None:
    """The ONS name of the first borough named in free text, or None.

    Exact names and aliases win over misspellings; with ``fuzzy=False`` only
    exact names and aliases count. "London" alone is not a borough.
    """
    tokens = tokenise(text or "")
    if not tokens:
        return None
    exact = exact_borough_spans(tokens)
    if exact:
        return exact[0][2]
    return fuzzy_borough(tokens) if fuzzy else None
