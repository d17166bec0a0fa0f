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
    for gi, category in enumerate(categories):
        x0 = 30 + gi * group_w + 4
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


def horizontal_bars(title: str, rows: list[tuple[str, float]], width: int = 640, unit: str = "") -> Chart:
    """One labelled horizontal bar per row (e.g. top needs, alerts by reason)."""
    height = 24 * max(1, len(rows)) + 10
    chart = Chart(title, width, height, horizontal=True)
    top = max([v for _, v in rows] + [1])
    chart.max_value = top
    for i, (label, value) in enumerate(rows):
        w = (width - 260) * value / top
        chart.bars.append(Bar(220, 6 + i * 24, w, 16, COLOURS[0], value, f"{label}: {value}{unit}"))
        chart.labels.append((6 + i * 24 + 12, label))
    return chart
