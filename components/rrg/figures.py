"""Relative Rotation Graph figure: RS-Ratio (x) against RS-Momentum (y), tails, quadrants.

Frames in (``indicators.rrg.RrgResult``'s ``ratio`` and ``momentum``: periods × tickers,
centred on 100), ``go.Figure`` out. A tail of length ``n`` shows the head (the end period)
and the ``n`` periods before it, so a trace has at most ``n + 1`` points; periods where a
series is undefined are dropped. The four quadrants are shaded rectangles (layout shapes)
meeting at (100, 100), named in their corners. Each head is labelled with its ticker where
no other label, head or quadrant name is (``components.rrg.labels``, placed in pixels for the
graph's width), with a leader line when set apart; the legend toggles a series and its label
(one legend group per ticker), and assets/rrg.js dims the others while one is hovered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from components.frame import LEGEND_PX, legend_rows, title_band
from components.rrg.labels import (
    Box,
    Placement,
    PlotArea,
    label_size,
    legend_entry,
    place_labels,
)
from components.style import base_layout, message_figure

QUADRANT_FILL: dict[str, str] = {
    "Leading": "rgba(26, 127, 55, 0.09)",
    "Weakening": "rgba(230, 160, 0, 0.11)",
    "Lagging": "rgba(198, 40, 40, 0.08)",
    "Improving": "rgba(31, 78, 161, 0.09)",
}
QUADRANT_TEXT: dict[str, str] = {
    "Leading": "#1a7f37",
    "Weakening": "#9a6700",
    "Lagging": "#c62828",
    "Improving": "#1f4ea1",
}
RRG_HEIGHT = 600
RRG_WIDTH = 1200
"""Width the labels are placed for when the page has not measured its graph (the report's)."""
NARROW = 640
"""Below this graph width the legend names tickers only and the left margin shrinks."""
LABEL_FONT = 11
QUADRANT_FONT = 13
LEGEND_ROW = LEGEND_PX[1]
PALETTE: tuple[str, ...] = tuple(qualitative.Dark24) + tuple(qualitative.Light24)
FREQ_WORD = {"W": "week", "D": "session"}


def quadrant_of(ratio: float, momentum: float) -> str:
    """Leading | Weakening | Lagging | Improving (100 counts as strong); "" when undefined.

    Same rule as ``indicators.rrg.quadrant`` (kept here so the figure has no compute import).
    """
    if not (math.isfinite(ratio) and math.isfinite(momentum)):
        return ""
    if ratio >= 100.0:
        return "Leading" if momentum >= 100.0 else "Weakening"
    return "Improving" if momentum >= 100.0 else "Lagging"


def tail_frame(
    ratio: pd.DataFrame, momentum: pd.DataFrame, ticker: str, end: pd.Timestamp | None, tail: int
) -> pd.DataFrame:
    """The head at ``end`` and the ``tail`` periods before it: columns ratio, momentum, quadrant.

    Only periods up to ``end`` are used; undefined periods are dropped after the window is
    cut, so a gap shortens the tail rather than reaching further back.
    """
    r = ratio[ticker].loc[:end] if end is not None else ratio[ticker]
    window = r.index[-(tail + 1) :]
    m = momentum[ticker].reindex(window) if ticker in momentum else pd.Series(np.nan, window)
    out = pd.DataFrame({"ratio": r.reindex(window), "momentum": m}).dropna()
    out["quadrant"] = [
        quadrant_of(a, b) for a, b in zip(out["ratio"], out["momentum"], strict=True)
    ]
    return out


def axis_span(tails: Mapping[str, pd.DataFrame], minimum: float = 1.5) -> float:
    """Half-width of both axes around 100 so every point fits with a margin."""
    values = [
        abs(v - 100.0)
        for t in tails.values()
        for v in np.concatenate([t["ratio"].to_numpy(), t["momentum"].to_numpy()])
        if math.isfinite(v)
    ]
    return max(minimum, 1.12 * max(values, default=0.0))


def _quadrant_shapes(fig: go.Figure, span: float) -> None:
    lo, hi = 100.0 - span, 100.0 + span
    boxes = {
        "Leading": (100.0, hi, 100.0, hi),
        "Weakening": (100.0, hi, lo, 100.0),
        "Lagging": (lo, 100.0, lo, 100.0),
        "Improving": (lo, 100.0, 100.0, hi),
    }
    for name, (x0, x1, y0, y1) in boxes.items():
        fig.add_shape(
            type="rect",
            x0=x0,
            x1=x1,
            y0=y0,
            y1=y1,
            xref="x",
            yref="y",
            name=name,
            fillcolor=QUADRANT_FILL[name],
            line={"width": 0},
            layer="below",
        )
        right, top = x0 >= 100.0, y0 >= 100.0
        fig.add_annotation(
            text=f"<b>{name}</b>",
            x=x1 if right else x0,
            y=y1 if top else y0,
            xanchor="right" if right else "left",
            yanchor="top" if top else "bottom",
            showarrow=False,
            font={"size": QUADRANT_FONT, "color": QUADRANT_TEXT[name]},
            xshift=-6 if right else 6,
            yshift=-4 if top else 4,
        )


def _quadrant_boxes(area: PlotArea) -> list[Box]:
    """Where the quadrant names sit (plot pixels), kept free of labels."""
    w, h = label_size("Weakening", QUADRANT_FONT)
    return [
        Box(6.0, 4.0, 6.0 + w, 4.0 + h),
        Box(area.width - 6.0 - w, 4.0, area.width - 6.0, 4.0 + h),
        Box(6.0, area.height - 4.0 - h, 6.0 + w, area.height - 4.0),
        Box(area.width - 6.0 - w, area.height - 4.0 - h, area.width - 6.0, area.height - 4.0),
    ]


def plot_area(fig: go.Figure, width: float) -> PlotArea:
    """The plot area of an RRG figure drawn ``width`` pixels wide (margins from its layout)."""
    m = fig.layout.margin
    height = fig.layout.height or RRG_HEIGHT
    return PlotArea(
        width - m.l - m.r,
        height - m.t - m.b,
        tuple(fig.layout.xaxis.range),
        tuple(fig.layout.yaxis.range),
    )


def label_trace(ticker: str, color: str, spot: Placement, area: PlotArea) -> go.Scatter:
    """The ticker at its box's centre, with a leader line from its head when set apart."""
    cx, cy = area.to_data(*spot.box.centre)
    xs: list[float | None] = [cx]
    ys: list[float | None] = [cy]
    if spot.leader is not None:
        (x0, y0), (x1, y1) = (area.to_data(*p) for p in spot.leader)
        xs, ys = [x0, x1, None, cx], [y0, y1, None, cy]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines+text" if spot.leader is not None else "text",
        text=[""] * (len(xs) - 1) + [ticker],
        textposition="middle center",
        textfont={"size": LABEL_FONT, "color": color},
        line={"color": color, "width": 0.8},
        legendgroup=ticker,
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
        meta={"label": ticker},
    )


def rrg_figure(
    ratio: pd.DataFrame,
    momentum: pd.DataFrame,
    *,
    end: pd.Timestamp | None,
    tail: int,
    labels: Mapping[str, str],
    benchmark: str,
    freq: str = "W",
    width: float = RRG_WIDTH,
) -> go.Figure:
    """One trace per ticker of ``labels`` (ticker -> display name): tail line, head marker;
    then one label trace per ticker, placed for a graph ``width`` pixels wide.

    Hover: name, ticker, period date, RS-Ratio, RS-Momentum and quadrant.
    """
    title = f"Rotation vs {benchmark}"
    tails = {t: tail_frame(ratio, momentum, t, end, tail) for t in labels if t in ratio.columns}
    tails = {t: f for t, f in tails.items() if not f.empty}
    if not tails:
        return message_figure(
            "No series has enough history for RS-Ratio and RS-Momentum at this date.",
            title=title,
            height=RRG_HEIGHT,
        )
    shown = max((f.index[-1] for f in tails.values()), default=None)
    narrow = width < NARROW
    names = {t: t if narrow else f"{t} · {labels[t]}" for t in tails}
    colors = {t: PALETTE[k % len(PALETTE)] for k, t in enumerate(tails)}
    fig = go.Figure()
    for ticker, frame in tails.items():
        color = colors[ticker]
        n = len(frame)
        sizes = [5.0] * (n - 1) + [11.0]
        custom = np.column_stack([frame.index.strftime("%a %d %b %Y"), frame["quadrant"]])
        fig.add_trace(
            go.Scatter(
                x=frame["ratio"].to_numpy(),
                y=frame["momentum"].to_numpy(),
                mode="lines+markers",
                name=names[ticker],
                legendgroup=ticker,
                showlegend=True,
                line={"color": color, "width": 1.6, "shape": "spline", "smoothing": 0.5},
                marker={"size": sizes, "color": color, "line": {"width": 0.5, "color": "white"}},
                customdata=custom,
                cliponaxis=False,
                hovertemplate=(
                    f"<b>{ticker}</b> · {labels[ticker]}<br>%{{customdata[0]}}<br>"
                    "RS-Ratio %{x:.2f} · RS-Momentum %{y:.2f}<br>%{customdata[1]}<extra></extra>"
                ),
            )
        )
    span = axis_span(tails)
    _quadrant_shapes(fig, span)
    word = FREQ_WORD.get(freq, "period")
    when = f"{shown:%d %b %Y} · " if shown is not None else ""
    # a phone's graph (~370 px) cannot hold it on one line: the date and tails on a second
    title = f"{title}{'<br>' if narrow else ' · '}{when}{tail}-{word} tails"
    base_layout(fig, height=RRG_HEIGHT, title=title)  # the legend under the title's lines
    entry = legend_entry(list(names.values()))
    left = 52 if narrow else 64
    rows = max(legend_rows([entry] * len(names), width - left - 16), 1)
    fig.update_layout(
        hovermode="closest",
        showlegend=True,  # click: hide or show a series; hover: the others dim (rrg.js)
        legend={
            "itemclick": "toggle",
            "itemdoubleclick": "toggleothers",
            "entrywidth": entry,  # a grid of known height: the plot area is what labels expect
            "entrywidthmode": "pixels",
            "tracegroupgap": 0,  # one group per series: rows LEGEND_ROW apart
        },
        margin={"l": left, "r": 16, "t": title_band(title) + 22 + rows * LEGEND_ROW, "b": 48},
    )
    rng = [100.0 - span, 100.0 + span]
    fig.update_xaxes(
        type="linear",
        title_text="RS-Ratio (trend of relative strength)",
        range=rng,
        hoverformat=".2f",
        showspikes=False,
        zeroline=False,
        ticks="",
    )
    fig.update_yaxes(
        type="linear",
        title_text="RS-Momentum",
        range=rng,
        hoverformat=".2f",
        showspikes=False,
    )
    area = plot_area(fig, width)
    paths = [  # each tail in pixels, oldest first: its head is the last point
        [area.to_px(x, y) for x, y in zip(f["ratio"], f["momentum"], strict=True)]
        for f in tails.values()
    ]
    spots = place_labels(
        [path[-1] for path in paths],
        [label_size(t, LABEL_FONT) for t in tails],
        area.box,
        _quadrant_boxes(area),
        paths,
    )
    for ticker, spot in zip(tails, spots, strict=True):
        fig.add_trace(label_trace(ticker, colors[ticker], spot, area))
    return fig


def rrg_rows(tails: Mapping[str, pd.DataFrame], labels: Mapping[str, str]) -> pd.DataFrame:
    """The head of each tail: ticker, name, date, ratio, momentum, quadrant (table form)."""
    rows = [
        {
            "ticker": t,
            "name": labels.get(t, t),
            "date": f.index[-1],
            "ratio": float(f["ratio"].iloc[-1]),
            "momentum": float(f["momentum"].iloc[-1]),
            "quadrant": str(f["quadrant"].iloc[-1]),
        }
        for t, f in tails.items()
        if not f.empty
    ]
    order = {"Leading": 0, "Weakening": 1, "Lagging": 2, "Improving": 3}
    table = pd.DataFrame(rows, columns=["ticker", "name", "date", "ratio", "momentum", "quadrant"])
    if table.empty:
        return table
    table["_o"] = table["quadrant"].map(order).fillna(9)
    table = table.sort_values(["_o", "ratio"], ascending=[True, False]).drop(columns="_o")
    return table.reset_index(drop=True)
