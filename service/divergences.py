"""Breadth divergences of a universe against the large-cap benchmark, memoized per data
version: the Breadth tab's marks and CSV columns and ``cli.py export divergences`` read them.

The computation and its exact definition are ``indicators.divergences``; the breadth series
is the universe's ``pct_above_<window>dma`` (``BreadthService.breadth``), the benchmark the
page's large-cap benchmark (role "large": SPY, IVV, VOO, ^GSPC, SIM:LARGE) unless a ticker is
given. Page code passes plain numbers (it may not import ``indicators``).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from data.benchmarks import ROLES, resolve_role
from data.errors import InputError
from indicators.divergences import DivergenceParams, divergences
from service.breadth import BreadthQuery, BreadthService
from service.pairs import BENCHMARK_ROLE, candidate_tickers

DIVERGENCE_COLUMNS: tuple[str, ...] = (
    "date",
    "kind",
    "benchmark",
    "benchmark_close",
    "benchmark_52w_extreme",
    "pct_from_extreme",
    "pct_above_{n}dma",
    "breadth_trail_avg",
    "breadth_at_prev_extreme",
    "prev_extreme_date",
    "run_start",
)
"""Columns of ``export divergences`` (``{n}``: the breadth window, 200 by default)."""


def benchmark_ticker(svc: BreadthService) -> str | None:
    """The page's large-cap benchmark in this store (None: none stored)."""
    closes = svc.closes(candidate_tickers())
    return resolve_role(BENCHMARK_ROLE, list(closes.columns))


def require_benchmark(svc: BreadthService) -> str:
    """``benchmark_ticker``, or InputError naming the tickers looked for."""
    ticker = benchmark_ticker(svc)
    if ticker is None:
        looked = ", ".join(ROLES[BENCHMARK_ROLE])
        raise InputError(f"no benchmark series in the store (looked for {looked})")
    return ticker


def breadth_query(query: BreadthQuery, window: int) -> BreadthQuery:
    """A query whose frame has ``pct_above_<window>dma``: ``query`` itself when its fast or
    slow window is ``window`` (the page's own, already cached), else one extra window."""
    if window in (query.fast, query.slow):
        return query
    return BreadthQuery(universe=query.universe, tickers=query.tickers, windows=(window,))


def divergence_frame(
    svc: BreadthService,
    query: BreadthQuery,
    *,
    near_pct: float = 2.0,
    trail: int = 50,
    window: int = 200,
    benchmark: str | None = None,
) -> tuple[str, pd.DataFrame]:
    """(benchmark ticker, ``indicators.divergences.divergences`` of the benchmark's closes
    and the universe's % above the ``window``-day average) over the whole stored history.

    Raises InputError when no benchmark is stored (or ``benchmark`` is not in the store).
    """
    params = DivergenceParams(near_pct=near_pct, trail=trail, window=window)
    ticker = benchmark or require_benchmark(svc)
    q = breadth_query(query, window)

    def compute() -> pd.DataFrame:
        closes = svc.closes([ticker])
        if ticker not in closes.columns or closes[ticker].dropna().empty:
            raise InputError(f"benchmark {ticker} is not in the store")
        breadth = svc.breadth(q)[f"pct_above_{window}dma"]
        return divergences(closes[ticker], breadth, params)

    key = hashlib.sha1(repr((q.key(), ticker, params)).encode()).hexdigest()[:16]
    return ticker, svc.memo("divergences", key, compute)


def divergence_table(ticker: str, frame: pd.DataFrame, window: int = 200) -> pd.DataFrame:
    """One row per flagged session (``DIVERGENCE_COLUMNS``), by date, bearish before bullish
    on a date: the extreme is the 52-week high for ``bearish``, the low for ``bullish``;
    ``pct_from_extreme`` is how far the close is from it (%, ≥ 0); ``run_start`` marks the
    first session of a run of consecutive flagged sessions."""
    parts = []
    for kind, side in (("bearish", "high"), ("bullish", "low")):
        rows = frame[frame[kind]]
        parts.append(
            pd.DataFrame(
                {
                    "date": rows.index,
                    "kind": kind,
                    "benchmark": ticker,
                    "benchmark_close": rows["benchmark_close"].to_numpy(),
                    "benchmark_52w_extreme": rows[f"benchmark_{side}"].to_numpy(),
                    "pct_from_extreme": rows[f"pct_from_{side}"].to_numpy(),
                    f"pct_above_{window}dma": rows["breadth"].to_numpy(),
                    "breadth_trail_avg": rows["breadth_trail"].to_numpy(),
                    "breadth_at_prev_extreme": rows[f"breadth_at_prev_{side}"].to_numpy(),
                    "prev_extreme_date": rows[f"prev_{side}_date"].to_numpy(),
                    "run_start": rows[f"{kind}_start"].to_numpy(),
                }
            )
        )
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["date", "kind"], kind="stable").reset_index(drop=True)
