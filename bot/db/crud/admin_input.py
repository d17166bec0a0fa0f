"""What staff type into the staff app, cleaned and refused alike wherever it is saved
(knowledge answers, the outcome instrument)."""

from __future__ import annotations

import re

# A key that never changes once saved: a knowledge topic id, an outcome area.
KEY_RE = re.compile(r"[a-z][a-z0-9_]{1,39}")
# Controls other than a line break would reach her phone as junk (and NUL breaks PostgreSQL).
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def one_line(value: object) -> str:
    """A title or label as saved: controls gone, white space folded to single spaces."""
    return " ".join(CONTROLS.sub(" ", str(value or "")).split())


class InputErrors(ValueError):
    """The input can't be saved; `errors` says why, one message each (nothing saved)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors
