"""A report's bar charts as geometry for an SVG: plain functions, no Django.

Each bar has its label above it (wrapped), so the chart reads on a 390 px phone: the
SVG is drawn on a 340-unit-wide view box and scaled to the width it is given. A 95%
interval, when the sample has one, is a line under its bar with end marks; the
percentage is printed at the end of the longer of the two. The numbers are the
report's own (`figures.whole_percent`), so the chart, its table and the text agree.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from nurture.surveys.figures import whole_percent

WIDTH = 340
PLOT = 280  # the length of a 100% bar; the rest is room for the percentage
LINE = 16  # the height of a line of label text
BAR = 14
GAP = 12
LABEL_CHARACTERS = 44  # at 13 units a character is about 6.5 wide: 44 fit in 290


@dataclass(frozen=True)
class BarRow:
    label: str
    share: float
    low: float | None = None  # shares; None when no interval is published
    high: float | None = None


@dataclass(frozen=True)
class Bar:
    label_lines: tuple[tuple[float, str], ...]  # (baseline y, text)
    y: float
    width: float
    value_x: float
    value_y: float
    value: str
    interval: tuple[float, float, float] | None  # (x from, x to, y)

    @property
    def interval_path(self) -> str:
        """The interval as an SVG path: a line with a short mark at each end."""
        if self.interval is None:
            return ""
        low, high, y = self.interval
        return f"M{low:g} {y:g}H{high:g}M{low:g} {y - 4:g}v8M{high:g} {y - 4:g}v8"


@dataclass(frozen=True)
class Chart:
    width: int
    height: float
    bars: tuple[Bar, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height:g}"


def _x(share: float) -> float:
    return round(max(0.0, min(1.0, share)) * PLOT, 1)


def bar_chart(rows: Sequence[BarRow]) -> Chart:
    bars = []
    top = 4.0
    for row in rows:
        lines = textwrap.wrap(row.label, LABEL_CHARACTERS) or [""]
        label_lines = tuple((top + LINE * (i + 1) - 4, text) for i, text in enumerate(lines))
        y = top + LINE * len(lines) + 2
        width = _x(row.share)
        interval = None
        end = width
        if row.low is not None and row.high is not None:
            interval = (_x(row.low), _x(row.high), y + BAR + 5)
            end = max(end, interval[1])
        bars.append(
            Bar(
                label_lines=label_lines,
                y=y,
                width=width,
                value_x=end + 6,
                value_y=y + BAR - 2,
                value=f"{whole_percent(row.share)}%",
                interval=interval,
            )
        )
        top = y + BAR + (10 if interval else 0) + GAP
    return Chart(WIDTH, top, tuple(bars))
