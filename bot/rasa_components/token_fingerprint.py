"""A token's fingerprint worked out once, not every time its message is.

At `rasa train`, Rasa fingerprints the whole training data after every
component (rasa/engine/training/hooks.py, for its training cache), and each
message's fingerprint walks every token in Python again. With 17,000 examples
that was a fifth of a cold training's time (cProfile, docs/benchmarks.md),
though tokens never change once made: the tokenizer builds them from the text,
and no later component writes to them. So each token keeps the fingerprint it
had first; the message's fingerprint still covers its text, features and tokens.

Installed from bot/rasa_components/__init__.py.
"""

from __future__ import annotations

from rasa.nlu.tokenizers.tokenizer import Token

_original = Token.fingerprint


def fingerprint(self: Token) -> str:
    cached = self.__dict__.get("_elpis_fingerprint")
    if cached is None:
        cached = self.__dict__["_elpis_fingerprint"] = _original(self)
    return cached


def install() -> None:
    Token.fingerprint = fingerprint
