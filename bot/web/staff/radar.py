"""A radar plot of outcome readings, as SVG geometry (no chart library, nothing for the
CSP to allow): one spoke per area clockwise from the top, 1 at the centre and 10 at the
edge, each reading a shape drawn over the earlier ones, the latest strongest.

A skipped area breaks the reading's outline there (a line across the gap would show a
score nobody gave); every score given is also a dot. Templates draw the shapes; the
table beside the plot carries the same numbers for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SIZE = 320  # the viewBox; the figure scales down on a narrow screen
CENTRE = SIZE / 2
RADIUS = 120  # score 10; labels sit outside it
LABEL_GAP = 16
LOW, HIGH = 1, 10
MAX_DRAWN = 4  # start, two reviews, end: more would hide each other (the table has every one)
LATEST = {"stroke": "#0b4f8a", "width": 3.0, "dash": "", "fill": "#0b4f8a", "fill_opacity": 0.18, "opacity": 1.0}
EARLIER = {"stroke": "#555555", "width": 1.5, "dash": "5 3", "fill": "none", "fill_opacity": 0.0}


@dataclass(frozen=True)
class Spoke:
    number: int  # 1-based, as in the table
    name: str
    x: float  # the spoke's end (score 10)
    y: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor for the number


@dataclass(frozen=True)
class Shape:
    label: str  # "12 Mar 2026, review"
    d: str  # the SVG path; empty when only dots
    dots: tuple[tuple[str, str], ...]
    stroke: str
    width: float
    dash: str
    fill: str
    fill_opacity: float
    opacity: float
    latest: bool


@dataclass(frozen=True)
class Radar:
    size: int
    spokes: tuple[Spoke, ...]
    rings: tuple[str, ...]  # polygon points at scores 4, 7 and 10
    shapes: tuple[Shape, ...]  # oldest first: later ones are drawn over them
    centre: str
    hidden: int  # earlier readings not drawn (in the table only)


def fmt(value: float) -> str:
    """One decimal place, never "-0.0"."""
    text = f"{round(value, 1) + 0.0:.1f}"
    return "0.0" if text == "-0.0" else text


def angle(index: int, count: int) -> float:
    """Spoke `index` of `count`, in radians: the first straight up, then clockwise."""
    return -math.pi / 2 + 2 * math.pi * index / count


def point(index: int, count: int, score: float, radius: float = RADIUS) -> tuple[float, float]:
    """Where `score` (1-10) lies on spoke `index`: 1 at the centre, 10 at `radius`."""
    r = radius * (score - LOW) / (HIGH - LOW)
    a = angle(index, count)
    return CENTRE + r * math.cos(a), CENTRE + r * math.sin(a)


def xy(index: int, count: int, score: float) -> tuple[str, str]:
    x, y = point(index, count, score)
    return fmt(x), fmt(y)


def outline(scores: Sequence[int | None]) -> str:
    """The path through the scores given: closed when every area is scored, else broken at
    each skipped area (runs of neighbouring scores, wrapping past the top)."""
    n = len(scores)
    if n and all(s is not None for s in scores):
        pts = [xy(i, n, s) for i, s in enumerate(scores) if s is not None]
        return "M " + " L ".join(f"{x} {y}" for x, y in pts) + " Z"
    if not any(s is not None for s in scores):
        return ""
    # Start just after a skipped spoke so no run is cut in two by the wrap.
    first = next(i for i in range(n) if scores[i - 1] is None and scores[i] is not None)
    runs: list[list[tuple[str, str]]] = []
    run: list[tuple[str, str]] = []
    for step in range(n):
        i = (first + step) % n
        s = scores[i]
        if s is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(xy(i, n, s))
    if run:
        runs.append(run)
    return " ".join("M " + " L ".join(f"{x} {y}" for x, y in r) for r in runs if len(r) > 1)


def _anchor(x: float) -> str:
    if abs(x - CENTRE) < 1:
        return "middle"
    return "start" if x > CENTRE else "end"


def build(names: Sequence[str], readings: Sequence[tuple[str, Sequence[int | None]]]) -> Radar:
    """names: the areas, in spoke order; readings: (label, a score or None per area), oldest first."""
    n = len(names)
    spokes = []
    for i, name in enumerate(names):
        x, y = point(i, n, HIGH)
        lx, ly = point(i, n, HIGH, RADIUS + LABEL_GAP)
        spokes.append(Spoke(i + 1, name, float(fmt(x)), float(fmt(y)), float(fmt(lx)), float(fmt(ly + 4)), _anchor(lx)))
    rings = tuple(" ".join(f"{x},{y}" for x, y in (xy(i, n, level) for i in range(n))) for level in (4, 7, HIGH))
    drawn = list(readings)[-MAX_DRAWN:]
    shapes = []
    for k, (label, scores) in enumerate(drawn):
        latest = k == len(drawn) - 1
        style = dict(LATEST) if latest else {**EARLIER, "opacity": round(0.45 + 0.4 * (k + 1) / len(drawn), 2)}
        dots = tuple(xy(i, n, s) for i, s in enumerate(scores) if s is not None)
        shapes.append(Shape(label, outline(scores), dots, latest=latest, **style))  # type: ignore[arg-type]
    return Radar(SIZE, tuple(spokes), rings if n >= 3 else (), tuple(shapes), fmt(CENTRE), len(readings) - len(drawn))
