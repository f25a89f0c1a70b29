"""Phone layout pieces without a browser: card tables label every cell from its header; RRG
labels do not collide (a crafted cluster and the real sector ETFs) and share a legend group
with their series."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import html

from components.page.tables import card_table
from components.report.sections import REPORT_WIDTH
from components.rrg import data as rd
from components.rrg.figures import RRG_WIDTH, plot_area, rrg_figure
from components.rrg.labels import MARKER_R, Box, box_at, label_size, place_labels
from components.url.fields import ViewState
from data.jobs import import_files
from data.store import Store
from service.breadth import BreadthService
from service.rotation import candidate_tickers


def test_ph101_card_table_labels_each_cell_from_its_header_whatever_the_columns() -> None:
    heads = ["Claim", "The note said", html.Span(["Verdict ", html.Small("(as of)")])]
    rows = [[html.Td("a"), html.Td("b"), html.Td("c")], [html.Td("d"), html.Td("e")]]
    table = dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in heads])),
            html.Tbody([html.Tr(r) for r in rows]),
        ],
        className="claims-table mb-1",
    )
    out = card_table(table).to_plotly_json()
    assert out["props"]["className"] == "claims-table mb-1 card-table"
    body = out["props"]["children"][1].children
    labels = [[td.to_plotly_json()["props"].get("data-label") for td in tr.children] for tr in body]
    assert labels == [["Claim", "The note said", "Verdict (as of)"], ["Claim", "The note said"]]
    assert card_table(dbc.Table([], class_name="x")).class_name == "x card-table"


# -- RRG labels -----------------------------------------------------------------------------
FONT = 11


def label_boxes(fig: go.Figure, width: float) -> dict[str, Box]:
    """Every text label of the figure as a pixel box: text length × 0.6 em wide, one em tall,
    centred where its textposition puts it (plot pixels of a graph ``width`` wide)."""
    area = plot_area(fig, width)
    out = {}
    for tr in fig.data:
        for x, y, text in zip(tr.x, tr.y, tr.text or (), strict=False):
            if not text or x is None:
                continue
            cx, cy = area.to_px(x, y)
            w, h = 0.6 * FONT * len(text), float(FONT)
            if str(tr.textposition).startswith("top"):
                cy -= 6 + h / 2
            out[text] = box_at(cx, cy, (w, h))
    return out


def tail_crossings(fig: go.Figure, width: float) -> list[tuple[str, str]]:
    """(label, series) pairs where a series' tail (straight segments between its points) runs
    through a label's box."""
    area, boxes = plot_area(fig, width), label_boxes(fig, width)
    out = []
    for tr in (t for t in fig.data if t.showlegend):
        pts = [area.to_px(x, y) for x, y in zip(tr.x, tr.y, strict=True)]
        for label, box in boxes.items():
            if any(box.crosses(a, b) for a, b in itertools.pairwise(pts)):
                out.append((label, tr.legendgroup))
    return out


def heads_px(fig: go.Figure, width: float) -> dict[str, tuple[float, float]]:
    area = plot_area(fig, width)
    return {tr.legendgroup: area.to_px(tr.x[-1], tr.y[-1]) for tr in fig.data if tr.showlegend}


def collisions(fig: go.Figure, width: float) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes overlap, and labels that cover another series' head."""
    boxes, heads = label_boxes(fig, width), heads_px(fig, width)
    pairs = [(a, b) for a, b in itertools.combinations(boxes, 2) if boxes[a].overlap(boxes[b])]
    covered = [
        (a, t)
        for a, box in boxes.items()
        for t, (x, y) in heads.items()
        if t != a and box.overlap(box_at(x, y, (8.0, 8.0)))
    ]
    return pairs + covered


def cluster_frames() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """10 heads within 0.25 of (98.6, 98.7) and 4 spread out; 3-period tails."""
    idx = pd.date_range("2025-01-03", periods=3, freq="W-FRI")
    rng = np.random.default_rng(5)
    names = [f"T{k:02d}X" for k in range(14)]
    heads = [(98.6 + rng.uniform(-0.25, 0.25), 98.7 + rng.uniform(-0.25, 0.25)) for _ in range(10)]
    heads += [(101.8, 101.5), (102.2, 98.1), (97.9, 102.0), (100.4, 100.3)]
    ratio = pd.DataFrame(
        {n: [h[0] + 0.4, h[0] + 0.2, h[0]] for n, h in zip(names, heads, strict=True)}, idx
    )
    mom = pd.DataFrame(
        {n: [h[1] - 0.3, h[1] - 0.1, h[1]] for n, h in zip(names, heads, strict=True)}, idx
    )
    return ratio, mom, {n: f"name {n}" for n in names}


@pytest.mark.parametrize("width", [1380, 1200, 700, 360])
def test_ph102_a_cluster_of_ten_heads_gets_ten_separate_labels(width: int) -> None:
    ratio, mom, labels = cluster_frames()
    fig = rrg_figure(ratio, mom, end=None, tail=2, labels=labels, benchmark="SPY", width=width)
    boxes = label_boxes(fig, width)
    assert set(boxes) == set(labels)  # every head is labelled once
    assert collisions(fig, width) == []
    area = plot_area(fig, width).box
    assert all(b.inside(Box(-1, -1, area.x1 + 1, area.y1 + 1)) for b in boxes.values())
    # a label is next to its head, or a leader line runs from the head to it
    heads = heads_px(fig, width)
    for tr in (t for t in fig.data if t.meta and "label" in t.meta):
        ticker = tr.meta["label"]
        if tr.mode == "text":
            cx, cy = boxes[ticker].centre
            assert math.hypot(cx - heads[ticker][0], cy - heads[ticker][1]) < 40
        else:
            start = plot_area(fig, width).to_px(tr.x[0], tr.y[0])
            assert math.dist(start, heads[ticker]) == pytest.approx(6.0, abs=0.01)


def test_ph103_the_old_top_center_labels_collided_in_that_cluster() -> None:
    """The check above can fail: labels put above each head (as before) collide."""
    ratio, mom, labels = cluster_frames()
    fig = rrg_figure(ratio, mom, end=None, tail=2, labels=labels, benchmark="SPY")
    series = [t for t in fig.data if t.showlegend]
    for tr in series:
        tr.text = [""] * (len(tr.x) - 1) + [tr.legendgroup]
        tr.textposition = "top center"
    fig.data = tuple(series)
    assert len(collisions(fig, RRG_WIDTH)) >= 5


def test_ph104_legend_groups_a_series_with_its_label() -> None:
    ratio, mom, labels = cluster_frames()
    fig = rrg_figure(ratio, mom, end=None, tail=2, labels=labels, benchmark="SPY", width=1200)
    series = [t for t in fig.data if t.showlegend]
    tags = [t for t in fig.data if t.meta and "label" in t.meta]
    assert fig.layout.showlegend and len(series) == len(tags) == 14
    assert [t.legendgroup for t in series] == [t.legendgroup for t in tags] == list(labels)
    assert series[0].name == "T00X · name T00X" and all(t.hoverinfo == "skip" for t in tags)
    assert RRG_WIDTH == REPORT_WIDTH  # the report's figure is placed for its own width
    narrow = rrg_figure(ratio, mom, end=None, tail=2, labels=labels, benchmark="SPY", width=360)
    assert [t.name for t in narrow.data if t.showlegend] == list(labels)  # tickers only


def test_ph105_real_sector_and_style_labels_do_not_collide(
    shared_data: Path, tmp_path: Path
) -> None:
    """The sector SPDRs and style ETFs of ../shared/data at several dates and widths."""
    px = pd.read_parquet(
        shared_data / "us_close_2013_2026" / "prices.parquet",
        filters=[("ticker", "in", candidate_tickers())],
    )
    px.to_parquet(tmp_path / "etfs.parquet")
    store = Store(tmp_path / "store")
    import_files(store, [tmp_path / "etfs.parquet"], replace=False)
    data = rd.rrg_data(BreadthService(store), ViewState())
    assert len(data.labels) >= 15 and len(data.periods) > 300
    checked = 0
    for end in [*data.periods[::60], data.periods[-1]]:
        for width in (1380, 360):
            fig = rrg_figure(data.ratio, data.momentum, end=end, tail=8, labels=data.labels,
                             benchmark=data.benchmark, width=width)  # fmt: skip
            if not fig.data:  # the first periods: no RS-Momentum yet
                continue
            assert collisions(fig, width) == [], (end, width)
            # no label sits on a tail, its own or another's (before: 134 of 164 labels
            # crossed one at 1380 px, 242 at 360 px)
            assert tail_crossings(fig, width) == [], (end, width)
            checked += len(label_boxes(fig, width))
    assert checked > 300


def test_ph106_a_segment_crosses_a_box_when_it_runs_through_it() -> None:
    box = Box(10.0, 10.0, 20.0, 20.0)
    assert box.crosses((0.0, 15.0), (30.0, 15.0))  # straight through
    assert box.crosses((15.0, 15.0), (40.0, 40.0))  # from inside
    assert box.crosses((0.0, 0.0), (30.0, 30.0))  # corner to corner
    assert not box.crosses((0.0, 0.0), (9.0, 30.0))  # beside it
    assert not box.crosses((0.0, 25.0), (25.0, 21.0))  # above it (y grows downwards)
    assert not box.crosses((0.0, 19.0), (9.0, 30.0))  # near the corner, outside
    assert not box.crosses((21.0, 0.0), (21.0, 30.0))  # parallel, outside
    assert box.crosses((12.0, 0.0), (12.0, 5.0)) is False  # ends before it
    assert box.grown(2.0) == Box(8.0, 8.0, 22.0, 22.0)


def test_ph107_a_label_keeps_off_its_own_tail() -> None:
    """A tail coming down onto its head from straight above: the label's first choice (just
    above the head) sits on it; with the tail known, the label goes next to the head off it."""
    head, size = (200.0, 200.0), label_size("XLRE", 11)
    tail = [(200.0, 80.0), (201.0, 140.0), head]
    area = Box(0.0, 0.0, 400.0, 400.0)
    blind = place_labels([head], [size], area)[0].box
    assert any(blind.crosses(a, b) for a, b in itertools.pairwise(tail))
    spot = place_labels([head], [size], area, tails=[tail])[0]
    assert not any(spot.box.grown(2.0).crosses(a, b) for a, b in itertools.pairwise(tail))
    bx, by = spot.box.nearest(*head)
    # still beside its head, in the first ring of candidates: no leader line needed
    assert math.hypot(bx - head[0], by - head[1]) < MARKER_R + 2.0 and spot.leader is None
