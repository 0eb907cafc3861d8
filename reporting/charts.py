"""Monthly trend charts drawn on the server as SVG: no JavaScript, no external files.

Pure module: it turns a list of monthly percentages into shapes; the template draws
them. The data table printed beside each chart is its text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 30


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    gridlines: tuple[tuple[float, int], ...]  # (y, percentage)
    baseline: float
    left: int
    right: float


def month_chart(title: str, months: list[tuple[date, Decimal | None]]) -> Chart:
    """Bars of each month's percentage (0 to 100); a month with no rows has no bar."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(months), 1)
    bars = []
    for i, (month, value) in enumerate(months):
        share = float(value) / 100 if value is not None else 0.0
        height = plot_h * share
        bars.append(
            Bar(
                x=round(LEFT + i * slot + slot * 0.15, 1),
                y=round(TOP + plot_h - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label=f"{month:%b}",
                value="no reviews" if value is None else f"{value}%",
            )
        )
    grid = tuple(
        (round(TOP + plot_h * (1 - p / 100), 1), p) for p in (0, 25, 50, 75, 100)
    )
    return Chart(
        title=title,
        width=WIDTH,
        height=HEIGHT,
        bars=tuple(bars),
        gridlines=grid,
        baseline=TOP + plot_h,
        left=LEFT,
        right=WIDTH - RIGHT,
    )
