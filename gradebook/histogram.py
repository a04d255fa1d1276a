"""Geometry of the score histogram drawn as inline SVG by the template: no JavaScript, no chart library."""

from dataclasses import dataclass

WIDTH = 600
HEIGHT = 240
MARGIN_LEFT = 40
MARGIN_BOTTOM = 30
MARGIN_TOP = 10


@dataclass(frozen=True)
class Bar:
    low: int
    high: int
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def edge_x(self) -> float:
        """Where the band starts on the axis: its lower bound is written there."""
        return self.x - 2


@dataclass(frozen=True)
class Histogram:
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - MARGIN_BOTTOM
    left: float = MARGIN_LEFT
    peak: int = 0
    right: float = WIDTH - 10

    @property
    def ticks(self) -> list[tuple[int, float]]:
        """(value, y) for the y axis: 0, the middle and the peak."""
        if not self.peak:
            return [(0, self.baseline)]
        plot = self.baseline - MARGIN_TOP
        values = sorted({0, self.peak // 2, self.peak})
        return [(value, self.baseline - plot * value / self.peak) for value in values]


def histogram_bars(counts: list[int]) -> Histogram:
    """Bars for counts per band of 100 / len(counts) points, scaled to the tallest."""
    peak = max(counts, default=0)
    plot_width = WIDTH - MARGIN_LEFT - 10
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    band = 100 // len(counts) if counts else 10
    slot = plot_width / len(counts) if counts else plot_width
    bars = []
    for index, count in enumerate(counts):
        height = plot_height * count / peak if peak else 0
        bars.append(
            Bar(
                low=index * band,
                high=100 if index == len(counts) - 1 else (index + 1) * band,
                count=count,
                x=round(MARGIN_LEFT + index * slot + 2, 1),
                y=round(HEIGHT - MARGIN_BOTTOM - height, 1),
                width=round(slot - 4, 1),
                height=round(height, 1),
            )
        )
    return Histogram(bars=bars, peak=peak)
