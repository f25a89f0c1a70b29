"""A deterministic simulated market so the dashboard runs offline: ``generate_demo``.

SIMULATED DATA. Nothing here is a real security, price or index. ``generate_demo`` returns
daily OHLCV wide panels for ``n_tickers`` fake stocks over ``years`` years of business days
ending at ``end``, their metadata, point-in-time universes and constituent-built benchmark
indexes (``SIM:LARGE`` … named as in :data:`data.benchmarks.ROLES`). The same arguments give
identical data (one ``np.random.default_rng(seed)`` stream; nothing depends on today's date).

The model (factor returns with regimes, fat tails, listings, delistings, halts) is described
in :mod:`data.sources.demo.regimes` and :mod:`data.sources.demo.market`; universes and
benchmark construction in :mod:`data.sources.demo.universe`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from data.benchmarks import DEMO_PREFIX, SECTORS, demo_sector_ticker
from data.model import Prices, UniverseInfo
from data.sources.demo import market as demo_market
from data.sources.demo import regimes as demo_regimes
from data.sources.demo import universe as demo_universe
from data.sources.demo.names import company_names, make_tickers

SOURCE = "simulated"
SIM_NOTE = "Simulated data: a seeded factor model, not real securities or prices."

INFO_COLUMNS: tuple[str, ...] = (
    "ticker", "name", "sector", "kind", "style", "size_bucket", "listed", "delisted",
    "delist_reason", "shares",
)  # fmt: skip
"""Columns of ``DemoMarket.info``; the first four are data.model.TICKER_INFO_COLUMNS.

style: "value"/"growth"/"blend"; size_bucket: by market cap at listing (SIZE_BUCKETS);
listed/delisted: first/last bar (delisted NaT while listed); delist_reason: "", "acquired",
"bankrupt"; shares: constant shares outstanding (market cap = shares × close, USD).
Benchmarks have "" style/size_bucket/delist_reason and NaN shares."""

SIZE_BUCKETS: tuple[tuple[float, str], ...] = (
    (200e9, "mega"), (10e9, "large"), (2e9, "mid"), (300e6, "small"), (0.0, "micro"),
)  # fmt: skip
"""Lower bound of market cap at listing (USD) -> size bucket, largest first."""

_BENCH_LABELS: dict[str, tuple[str, str]] = {
    "LARGE": ("large", "Simulated large-cap index (cap-weighted sim-large)"),
    "SMALL": ("small", "Simulated small-cap index (cap-weighted sim-small)"),
    "MID": ("mid", "Simulated mid-cap index (cap-weighted lower sim-large ranks)"),
    "EQUAL": ("large", "Simulated large-cap index (equal-weighted sim-large)"),
    "VALUE": ("value", "Simulated large-cap value index (cap-weighted)"),
    "GROWTH": ("growth", "Simulated large-cap growth index (cap-weighted)"),
    "TOTAL": ("all", "Simulated total-market index (cap-weighted, every listed stock)"),
}


@dataclass(frozen=True, eq=False)
class DemoMarket:
    """The simulated market: bars, metadata, universes and the regime path.

    - ``prices``: wide OHLCV panels (float32 prices in USD, float64 volume in shares) of stocks
      and benchmark indexes (``SIM:*``, close-only: open = high = low = close, volume NaN).
    - ``info``: one row per column of the panels, columns :data:`INFO_COLUMNS`.
    - ``universes``: (UniverseInfo, intervals ``ticker, start_date, end_date``) pairs.
    - ``regimes``: segments ``regime, start_idx, end_idx, start, end`` of the regime path.
    """

    prices: Prices
    info: pd.DataFrame
    universes: list[tuple[UniverseInfo, pd.DataFrame]]
    regimes: pd.DataFrame


def session_dates(years: int, end: date) -> pd.DatetimeIndex:
    """Business days (Mon–Fri, no holidays) from ``end`` minus ``years`` (exclusive) to ``end``."""
    stop = pd.Timestamp(end)
    start = stop - pd.DateOffset(years=years) + pd.Timedelta(days=1)
    return pd.DatetimeIndex(pd.bdate_range(start, stop), name="date")


def _size_bucket(cap: np.ndarray) -> np.ndarray:
    out = np.full(len(cap), SIZE_BUCKETS[-1][1], dtype=object)
    for bound, name in reversed(SIZE_BUCKETS):
        out[cap >= bound] = name
    return out


def _style_label(style: np.ndarray) -> np.ndarray:
    return np.where(style > 0.5, "value", np.where(style < -0.5, "growth", "blend")).astype(object)


def _interleave(stock: np.ndarray, bench: np.ndarray, at: int) -> np.ndarray:
    """Insert the benchmark columns before stock column ``at`` (keeps tickers sorted)."""
    return np.concatenate([stock[:, :at], bench.astype(stock.dtype), stock[:, at:]], axis=1)


def generate_demo(
    seed: int = 7, n_tickers: int = 3000, years: int = 13, end: date = date(2026, 10, 30)
) -> DemoMarket:
    """Simulate a market of ``n_tickers`` stocks over ``years`` years ending at ``end``.

    Universes: "sim-large" (top n/3 caps, 1,000 by default), "sim-small" (the rest), both
    reconstituted each June; "sim-all" (every stock while listed); "sim-sector-XLK" … (the
    sector's sim-large members). All are point in time. Deterministic in its arguments.
    """
    if n_tickers < 30 or years < 2:
        raise ValueError("generate_demo needs n_tickers >= 30 and years >= 2")
    # independent child streams, so changing one stage does not reshuffle the others
    r_names, r_regimes, r_stocks, r_paths, r_bars = np.random.default_rng(seed).spawn(5)
    dates = session_dates(years, end)
    n_days = len(dates)
    tickers = np.array(make_tickers(r_names, n_tickers), dtype=object)
    segments = demo_regimes.regime_segments(r_regimes, dates)
    factors, idio_mult = demo_regimes.factor_returns(r_regimes, segments, len(SECTORS))
    stocks = demo_market.make_stocks(r_stocks, n_tickers, n_days)
    paths = demo_market.simulate_paths(r_paths, stocks, factors, idio_mult)
    opn, high, low, close, volume = demo_market.ohlcv(r_bars, stocks, paths)
    del factors

    # universes
    n_large = round(n_tickers / 3)
    memb = demo_universe.size_membership(
        dates,
        close,
        stocks.shares,
        stocks.style,
        stocks.list_idx,
        paths.delist_idx,
        n_large=n_large,
        n_mid=round(n_large * 0.8),
    )
    groups = dict(memb.groups)
    groups["all"] = np.ones_like(groups["large"])
    etfs = list(SECTORS.values())
    for k, etf in enumerate(etfs):
        groups[etf] = groups["large"] & (stocks.sector == k)

    def spans(member: np.ndarray) -> pd.DataFrame:
        return demo_universe.intervals(
            member, memb.eff, stocks.list_idx, paths.delist_idx, paths.delisted, dates, tickers
        )

    universes = [
        (
            _uinfo("sim-large", f"Simulated large caps ({n_large})", "top caps"),
            spans(groups["large"]),
        ),
        (
            _uinfo("sim-small", f"Simulated small caps ({n_tickers - n_large})", "next caps"),
            spans(groups["small"]),
        ),
        (
            _uinfo("sim-all", f"Simulated all stocks ({n_tickers})", "every listed stock"),
            demo_universe.life_intervals(
                stocks.list_idx, paths.delist_idx, paths.delisted, dates, tickers
            ),
        ),
    ]
    for sector, etf in SECTORS.items():
        label = f"Simulated {sector} large caps ({etf})"
        universes.append((_uinfo(f"sim-sector-{etf}", label, sector), spans(groups[etf])))

    # benchmarks
    masks = {DEMO_PREFIX + key: groups[group] for key, (group, _) in _BENCH_LABELS.items()}
    masks |= {demo_sector_ticker(etf): groups[etf] for etf in etfs}
    levels = demo_universe.benchmark_levels(
        close, stocks.shares, memb.eff, masks, frozenset({DEMO_PREFIX + "EQUAL"})
    )
    bench_names = sorted(levels)
    bench = np.stack([levels[b] for b in bench_names], axis=1).astype(np.float32)
    at = int(np.searchsorted(tickers.astype(str), bench_names[0]))
    columns = pd.Index([*tickers[:at], *bench_names, *tickers[at:]], name="ticker")
    bench_vol = np.full_like(bench, np.nan, dtype=np.float64)

    def frame(stock: np.ndarray, b: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(_interleave(stock, b, at), index=dates, columns=columns, copy=False)

    prices = Prices(
        close=frame(close, bench),
        open=frame(opn, bench),
        high=frame(high, bench),
        low=frame(low, bench),
        volume=frame(volume, bench_vol),
    )
    info = _info(tickers, stocks, paths, dates, bench_names)
    return DemoMarket(prices=prices, info=info, universes=universes, regimes=segments)


def _uinfo(name: str, label: str, what: str) -> UniverseInfo:
    note = f"{SIM_NOTE} Members: {what}; point in time."
    return UniverseInfo(name=name, label=label, point_in_time=True, source=SOURCE, note=note)


def _info(
    tickers: np.ndarray,
    stocks: demo_market.Stocks,
    paths: demo_market.Paths,
    dates: pd.DatetimeIndex,
    bench_names: list[str],
) -> pd.DataFrame:
    sector_names = np.array(list(demo_market.SECTOR_PARAMS), dtype=object)
    stock = pd.DataFrame(
        {
            "ticker": tickers,
            "name": company_names(len(tickers)),
            "sector": sector_names[stocks.sector],
            "kind": "stock",
            "style": _style_label(stocks.style),
            "size_bucket": _size_bucket(stocks.cap0),
            "listed": dates[stocks.list_idx],
            "delisted": pd.DatetimeIndex(dates[paths.delist_idx]).where(paths.delisted, pd.NaT),
            "delist_reason": paths.reason,
            "shares": stocks.shares,
        }
    )
    etf_sector = {demo_sector_ticker(etf): sector for sector, etf in SECTORS.items()}
    labels = {DEMO_PREFIX + key: label for key, (_, label) in _BENCH_LABELS.items()}
    bench = pd.DataFrame(
        {
            "ticker": bench_names,
            "name": [
                labels.get(b, f"Simulated {etf_sector.get(b, '')} sector index (cap-weighted)")
                for b in bench_names
            ],
            "sector": [etf_sector.get(b, "") for b in bench_names],
            "kind": "benchmark",
            "style": "",
            "size_bucket": "",
            "listed": dates[0],
            "delisted": pd.NaT,
            "delist_reason": "",
            "shares": np.nan,
        }
    )
    out = pd.concat([stock, bench], ignore_index=True)
    return out.sort_values("ticker", ignore_index=True)[list(INFO_COLUMNS)]
