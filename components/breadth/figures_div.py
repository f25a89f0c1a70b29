"""Divergence marks (issue #15 item 5) on the benchmark and participation charts.

Two traces per chart, always present and always in this order (bearish, then bullish), so
a change of the divergence parameters alone can replace them by position with a Patch
(``components.breadth.callbacks``): empty traces when the marks are off or nothing is
flagged. A mark sits on the **first session of each run** of consecutive flagged sessions
(runs are common: a topping market flags for days); its hover explains the flag and gives
the run's length and last session. Colour-blind safe: vermillion downward triangles
(bearish) and blue upward triangles (bullish), told apart by shape as well as colour.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.style import OKABE_ITO, f32, hover, ms

KINDS: tuple[tuple[str, str, str, str], ...] = (
    # kind, legend name, marker symbol, colour
    ("bearish", "Bearish divergence", "triangle-down", OKABE_ITO["vermillion"]),
    ("bullish", "Bullish divergence", "triangle-up", OKABE_ITO["blue"]),
)


def runs(flags: pd.Series) -> list[tuple[int, int]]:
    """(first, last) positions of each run of consecutive True values."""
    f = flags.to_numpy(dtype=bool)
    if not f.any():
        return []
    edges = np.diff(np.r_[0, f.astype("int8"), 0])
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def _day(value: Any) -> str:
    return f"{pd.Timestamp(value):%d %b %Y}" if pd.notna(value) else "–"


def _explain(row: dict[str, Any], kind: str, ticker: str, window: int, trail: int) -> str:
    side, word, rel = ("high", "below", "<") if kind == "bearish" else ("low", "above", ">")
    return (
        f"{ticker} {row[f'pct_from_{side}']:.1f}% {word} its 52-week {side} "
        f"({row[f'benchmark_{side}']:,.2f})<br>"
        f"% above {window}-day {row['breadth']:.1f}% {rel} trailing {trail}-session avg "
        f"{row['breadth_trail']:.1f}%<br>"
        f"and {rel} {row[f'breadth_at_prev_{side}']:.1f}% at the previous 52-week {side} "
        f"({_day(row[f'prev_{side}_date'])})"
    )


Marks = dict[str, tuple[pd.DatetimeIndex, list[str]]]
"""kind -> (first session of each flagged run, its hover text)."""


def divergence_runs(frame: pd.DataFrame | None, *, ticker: str, window: int, trail: int) -> Marks:
    """Each kind's marks of ``frame`` (``service.divergences.divergence_frame``; None: marks
    off, no marks): computed once, drawn on several charts."""
    out: Marks = {}
    for kind, *_ in KINDS:
        found = runs(frame[kind]) if frame is not None else []
        firsts = [first for first, _ in found]
        rows = frame.iloc[firsts].to_dict("records") if frame is not None and firsts else []
        texts = []
        for (first, last), row in zip(found, rows, strict=True):
            n = last - first + 1
            run = f"run of {n} session{'s' if n > 1 else ''}" + (
                f" to {_day(frame.index[last])}" if n > 1 and frame is not None else ""
            )
            texts.append(f"{_explain(row, kind, ticker, window, trail)}<br>{run}")
        index = frame.index[firsts] if frame is not None else []
        out[kind] = (pd.DatetimeIndex(index), texts)
    return out


def divergence_traces(
    frame: pd.DataFrame | None,
    y: pd.Series | None,
    *,
    ticker: str,
    window: int,
    trail: int,
    marks: Marks | None = None,
) -> list[go.Scatter]:
    """[bearish, bullish] marker traces at ``y`` (the chart's own series) on the first session
    of each run of flagged sessions of ``frame`` (``service.divergences.divergence_frame``;
    ``marks``: its ``divergence_runs``, when already computed); empty, hidden traces when
    ``frame`` is None (marks off)."""
    if y is None:
        frame = None
    if marks is None or frame is None:
        marks = divergence_runs(frame, ticker=ticker, window=window, trail=trail)
    out = []
    for kind, name, symbol, colour in KINDS:
        index, texts = marks[kind]
        ys = y.reindex(index) if y is not None else pd.Series(dtype="float64")
        out.append(
            go.Scatter(
                x=ms(index),
                y=f32(ys),
                name=name,
                mode="markers",
                marker={
                    "symbol": symbol,
                    "size": 11,
                    "color": colour,
                    "line": {"color": "#ffffff", "width": 1},
                },
                text=texts,
                hovertemplate=hover("%{text}"),
                legendrank=1001,  # after the chart's own series
                visible=frame is not None,
            )
        )
    return out


def traces_json(traces: list[go.Scatter]) -> list[dict[str, Any]]:
    """The traces as the plain dicts a Patch or a cached figure holds."""
    return [t.to_plotly_json() for t in traces]
