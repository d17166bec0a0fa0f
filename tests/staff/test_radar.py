"""The radar plot's geometry (bot/web/staff/radar.py), to the tenth of a unit: 10 spokes
clockwise from the top, 1 at the centre (160, 160), 10 at the edge (radius 120)."""

from __future__ import annotations

import pytest

from bot.web.staff import radar

NAMES = [f"Area {i}" for i in range(1, 11)]


def test_one_is_the_centre_and_ten_the_edge_of_each_spoke():
    assert radar.xy(0, 10, 1) == ("160.0", "160.0")
    assert radar.xy(0, 10, 10) == ("160.0", "40.0")  # straight up
    assert radar.xy(5, 10, 10) == ("160.0", "280.0")  # straight down
    assert radar.xy(0, 10, 4) == ("160.0", "120.0")  # a third of the way out
    # 36 degrees apart, clockwise: cos 54 = 0.5878, sin 54 = 0.8090; cos 18 = 0.9511, sin 18 = 0.3090
    assert radar.xy(1, 10, 10) == ("230.5", "62.9")
    assert radar.xy(2, 10, 10) == ("274.1", "122.9")
    assert radar.xy(8, 10, 10) == ("45.9", "122.9")
    assert radar.xy(9, 10, 10) == ("89.5", "62.9")
    assert radar.xy(9, 10, 7) == ("113.0", "95.3")  # radius 80 at -126 degrees


def test_a_full_reading_is_a_closed_shape_through_every_score():
    d = radar.outline([10, 10, 10, 10, 10, 10, 10, 10, 10, 10])
    assert d.startswith("M 160.0 40.0 L 230.5 62.9 L 274.1 122.9 ") and d.endswith(" Z")
    assert d.count(" L ") == 9


def test_a_skipped_area_breaks_the_line_and_a_lone_score_is_a_dot_only():
    scores = [10, None, 10, 10, None, 1, 1, 1, 1, 10]
    # Runs: spokes 2-3, then 5-9 wrapping to 0 (the top): never a line across a skipped spoke.
    assert radar.outline(scores) == (
        "M 274.1 122.9 L 274.1 197.1 M 160.0 160.0 L 160.0 160.0 L 160.0 160.0 L 160.0 160.0 L 89.5 62.9 L 160.0 40.0"
    )
    assert radar.outline([None, 5, None, None]) == ""
    assert radar.outline([None] * 10) == ""


def test_build_draws_the_latest_strongest_over_the_earlier_and_numbers_the_spokes():
    plot = radar.build(
        NAMES,
        [
            ("1 Mar 2026, start", [2] * 10),
            ("1 Jun 2026, review", [4] * 10),
            ("1 Sep 2026, end", [7, 7, 7, 7, 7, 7, 7, 7, 7, None]),
        ],
    )
    assert [s.number for s in plot.spokes] == list(range(1, 11))
    top = plot.spokes[0]
    assert (top.x, top.y, top.label_x, top.label_y, top.anchor) == (160.0, 40.0, 160.0, 28.0, "middle")
    assert plot.spokes[1].anchor == "start" and plot.spokes[9].anchor == "end"
    assert [s.label for s in plot.shapes] == ["1 Mar 2026, start", "1 Jun 2026, review", "1 Sep 2026, end"]
    first, middle, latest = plot.shapes
    assert latest.latest and not first.latest and not middle.latest
    assert latest.width > middle.width and latest.dash == "" and first.dash
    assert first.opacity < middle.opacity < latest.opacity == 1.0
    assert latest.fill != "none" and first.fill == "none"
    assert latest.d.startswith("M 160.0 80.0 L ") and not latest.d.endswith("Z")  # area 10 skipped
    assert len(latest.dots) == 9 and ("160.0", "80.0") in latest.dots
    assert first.d.startswith("M 160.0 146.7 ") and first.d.endswith(" Z")  # score 2: 120 / 9 out
    assert plot.rings[-1].split(" ")[0] == "160.0,40.0"
    assert plot.hidden == 0


def test_only_the_latest_four_are_drawn():
    plot = radar.build(NAMES[:3], [(f"r{i}", [i, i, i]) for i in range(1, 7)])
    assert [s.label for s in plot.shapes] == ["r3", "r4", "r5", "r6"] and plot.hidden == 2


@pytest.mark.parametrize("value,text", [(-0.04, "0.0"), (0.05, "0.1"), (229.99, "230.0")])
def test_numbers_have_one_decimal_and_no_minus_zero(value, text):
    assert radar.fmt(value) == text
