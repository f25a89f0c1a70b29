"""Where the RRG's head labels go so that no two collide: a greedy placement in pixels.

The figure's axes map data to pixels through its plot area (``PlotArea``: the graph's width
and height less the margins, and the axis range). Each label is a box of its estimated size
(``label_size``: characters × a generous glyph width, a line of the font's height). Labels are
placed one at a time, most crowded head first, at the first candidate position that overlaps
no label placed so far, no head marker, no reserved box (the quadrant names), crosses no
tail (any series' polyline, its own included) and stays in the plot area; candidates ring
the head at growing gaps in 16 directions, nearest first. A label set apart from its head
gets a leader line. When nothing is free (more labels than room), the least overlapping
candidate is taken, a tail segment crossed counting as ``TAIL_COST`` of the box's area.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

CHAR_EM = 0.68
"""Width of a glyph in ems (upper-case tickers in a sans-serif font run 0.56–0.67 em)."""
MARKER_R = 6.0
"""Radius of a head marker (size 11) with its white outline, in pixels."""
GAPS: tuple[float, ...] = (1.0, 10.0, 22.0, 36.0, 52.0, 70.0, 92.0, 118.0, 150.0)
"""Distances from a head marker's edge to its label's box tried, in pixels."""
LEADER_FROM = 6.0
"""A label further than this from its head gets a leader line."""
DIRECTIONS = 16
TAIL_PAD = 2.0
"""Pixels around a label's box a tail must keep clear of (the drawn spline bulges a little)."""
TAIL_COST = 0.25
"""What a tail segment crossing a label costs, as a share of the label box's area."""


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in pixels (y grows downwards, as on screen)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    def overlap(self, other: Box) -> float:
        """Area shared with ``other`` (0 when they only touch)."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0

    def inside(self, other: Box) -> bool:
        return (
            self.x0 >= other.x0
            and self.y0 >= other.y0
            and self.x1 <= other.x1
            and self.y1 <= other.y1
        )

    def crosses(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        """Whether the segment a-b runs through the box (Liang-Barsky clipping)."""
        (x0, y0), (x1, y1) = a, b
        dx, dy = x1 - x0, y1 - y0
        lo, hi = 0.0, 1.0
        for p, q in (
            (-dx, x0 - self.x0),
            (dx, self.x1 - x0),
            (-dy, y0 - self.y0),
            (dy, self.y1 - y0),
        ):
            if p == 0.0:
                if q < 0.0:  # parallel to this edge and outside it
                    return False
                continue
            t = q / p
            if p < 0.0:
                lo = max(lo, t)
            else:
                hi = min(hi, t)
            if lo > hi:
                return False
        return True

    def grown(self, pad: float) -> Box:
        """The box with ``pad`` pixels more on every side."""
        return Box(self.x0 - pad, self.y0 - pad, self.x1 + pad, self.y1 + pad)

    def nearest(self, x: float, y: float) -> tuple[float, float]:
        """The point of the box nearest to (x, y)."""
        return min(max(x, self.x0), self.x1), min(max(y, self.y0), self.y1)


def box_at(cx: float, cy: float, size: tuple[float, float]) -> Box:
    w, h = size
    return Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def label_size(text: str, font: float) -> tuple[float, float]:
    """(width, height) in pixels a label of ``text`` in a ``font``-pixel font takes, padded."""
    return len(text) * CHAR_EM * font + 4.0, 1.3 * font + 2.0


@dataclass(frozen=True)
class PlotArea:
    """The plot area of a figure in pixels and the data ranges its axes show."""

    width: float
    height: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return (x - x0) / (x1 - x0) * self.width, (y1 - y) / (y1 - y0) * self.height

    def to_data(self, px: float, py: float) -> tuple[float, float]:
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return x0 + px / self.width * (x1 - x0), y1 - py / self.height * (y1 - y0)

    @property
    def box(self) -> Box:
        return Box(0.0, 0.0, self.width, self.height)


@dataclass(frozen=True)
class Placement:
    """A label's box and, when set apart, its leader line (head edge -> box), in pixels."""

    box: Box
    leader: tuple[tuple[float, float], tuple[float, float]] | None


def _candidates(x: float, y: float, size: tuple[float, float]) -> list[tuple[float, float]]:
    """Centres of the label positions around a head at (x, y), most preferred first."""
    w, h = size
    out = []
    for gap in GAPS:
        for k in range(DIRECTIONS):
            a = -math.pi / 2 + 2 * math.pi * k / DIRECTIONS  # from straight up, clockwise
            ux, uy = math.cos(a), math.sin(a)
            reach = MARKER_R + gap + abs(ux) * w / 2 + abs(uy) * h / 2  # box edge at `gap`
            # above and to the right read best; below-left costs a little more
            bias = 0.5 * (1 - math.cos(a + math.pi / 2)) + 0.2 * abs(uy)
            out.append((gap + bias, (x + reach * ux, y + reach * uy)))
    return [centre for _, centre in sorted(out, key=lambda c: c[0])]


CELL = 48.0
"""Side of the grid cells (pixels) the tail segments are filed under, to test only those
near a candidate box."""


def _cells(box: Box) -> list[tuple[int, int]]:
    """The grid cells the box touches."""
    xs = range(math.floor(box.x0 / CELL), math.floor(box.x1 / CELL) + 1)
    ys = range(math.floor(box.y0 / CELL), math.floor(box.y1 / CELL) + 1)
    return [(i, j) for i in xs for j in ys]


def _grid(
    segments: Sequence[tuple[tuple[float, float], tuple[float, float]]],
) -> dict[tuple[int, int], list[int]]:
    """Grid cell -> the segments (by position) whose bounding box touches it."""
    grid: dict[tuple[int, int], list[int]] = {}
    for k, ((x0, y0), (x1, y1)) in enumerate(segments):
        for cell in _cells(Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))):
            grid.setdefault(cell, []).append(k)
    return grid


def place_labels(
    heads: Sequence[tuple[float, float]],
    sizes: Sequence[tuple[float, float]],
    area: Box,
    reserved: Sequence[Box] = (),
    tails: Sequence[Sequence[tuple[float, float]]] = (),
) -> list[Placement]:
    """One placement per head (pixels), in the order given; ``tails``: every series' points
    in pixels, oldest first. See the module's docstring."""
    markers = [box_at(x, y, (2 * MARKER_R, 2 * MARKER_R)) for x, y in heads]
    segments = [(a, b) for path in tails for a, b in itertools.pairwise(path)]
    grid = _grid(segments)

    def crossed(box: Box) -> float:
        clear = box.grown(TAIL_PAD)
        near = set().union(*(grid.get(c, ()) for c in _cells(clear)))
        hits = sum(1 for k in near if clear.crosses(*segments[k]))
        return hits * TAIL_COST * (box.x1 - box.x0) * (box.y1 - box.y0)

    crowd = [sum(1 for (u, v) in heads if math.hypot(u - x, v - y) < 80.0) for (x, y) in heads]
    order = sorted(range(len(heads)), key=lambda i: (-crowd[i], i))
    placed: dict[int, Box] = {}
    for i in order:
        x, y = heads[i]
        others = [m for j, m in enumerate(markers) if j != i]
        best: tuple[float, Box] | None = None
        for cx, cy in _candidates(x, y, sizes[i]):
            box = box_at(cx, cy, sizes[i])
            if not box.inside(area):
                continue
            clash = sum(box.overlap(b) for b in (*placed.values(), *others, *reserved))
            if best is not None and clash >= best[0]:
                continue  # the tails can only add to it
            clash += crossed(box)
            if clash == 0.0:
                best = (0.0, box)
                break
            if best is None or clash < best[0]:
                best = (clash, box)
        placed[i] = best[1] if best is not None else box_at(x, y - MARKER_R - 8, sizes[i])
    out = []
    for i, (x, y) in enumerate(heads):
        box = placed[i]
        bx, by = box.nearest(x, y)
        dist = math.hypot(bx - x, by - y)
        leader = None
        if dist > MARKER_R + LEADER_FROM:
            ux, uy = (bx - x) / dist, (by - y) / dist
            leader = ((x + MARKER_R * ux, y + MARKER_R * uy), (bx, by))
        out.append(Placement(box, leader))
    return out


def legend_entry(names: Sequence[str], font: float = 11.0) -> float:
    """A legend text width (pixels) that holds the longest of ``names``."""
    return math.ceil(max((len(n) for n in names), default=1) * 0.62 * font + 6.0)
