"""Bar charts drawn on the server as SVG geometry (no chart library, no CDN,
nothing for the CSP to allow). Templates draw the shapes; text is autoescaped."""

from __future__ import annotations

from dataclasses import dataclass, field

COLOURS = ("#1f5f8b", "#c2571a", "#4d7c3a", "#7b4a91")


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    colour: str
    value: float
    label: str


@dataclass
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)  # x positions of category labels
    legend: list[tuple[str, str]] = field(default_factory=list)
    max_value: float = 0
    horizontal: bool = False
    unit: str = ""  # after each value ("%")


def grouped_bars(
    title: str, categories: list[str], series: dict[str, dict[str, int]], width: int = 640, height: int = 240
) -> Chart:
    """Vertical bars: one group per category (e.g. month), one bar per series (e.g. pathway)."""
    chart = Chart(title, width, height, legend=[(name, COLOURS[i % len(COLOURS)]) for i, name in enumerate(series)])
    top = max([v for s in series.values() for v in s.values()] + [1])
    chart.max_value = top
    plot_h, base = height - 50, height - 30
    group_w = (width - 40) / max(1, len(categories))
    bar_w = max(2.0, (group_w - 8) / max(1, len(series)))
    # Every nth category label only, so month names (about 45 px each) never run into each other.
    step = max(1, -(-45 // max(1, int(group_w))))
    for gi, category in enumerate(categories):
        x0 = 30 + gi * group_w + 4
        if gi % step == 0:
            chart.labels.append((x0 + (group_w - 8) / 2, category))
        for si, (name, values) in enumerate(series.items()):
            value = values.get(category, 0)
            h = plot_h * value / top
            chart.bars.append(
                Bar(
                    x0 + si * bar_w,
                    base - h,
                    bar_w - 1,
                    h,
                    COLOURS[si % len(COLOURS)],
                    value,
                    f"{name}, {category}: {value}",
                )
            )
    return chart


ROW_H = 40  # a label line above each bar, then the bar


def horizontal_bars(title: str, rows: list[tuple[str, float]], width: int = 640, unit: str = "") -> Chart:
    """One labelled horizontal bar per row (e.g. needs, engagement).

    The label sits on its own line above its bar and the value just after the
    bar, inside a plot that stops short of the edge: a long label can never run
    into a bar or its value (they overlapped when labels shared the bar's line).
    """
    height = ROW_H * max(1, len(rows)) + 6
    chart = Chart(title, width, height, horizontal=True, unit=unit)
    top = max([v for _, v in rows] + [1])
    if unit == "%":
        top = max(top, 100)  # percentages on one scale, 100% the full bar
    chart.max_value = top
    plot_w = width - 70  # room after the longest bar for its value
    for i, (label, value) in enumerate(rows):
        y = i * ROW_H
        w = plot_w * value / top
        chart.bars.append(Bar(4, y + 20, w, 14, COLOURS[0], value, f"{label}: {value}{unit}"))
        chart.labels.append((y + 14, label))
    return chart
