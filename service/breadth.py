"""The cached read API that the UI and the CLI's export share.

Everything returned is a frame of indicators (dates × a few columns), never a price panel,
keyed by the store's data version, so a refresh invalidates every cached value without a
restart (two levels, service/cache.py). Callers must not mutate what they get back. The CSV
of ``export breadth`` is written in service/exports.py.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from data.errors import InputError
from data.model import Prices, UniverseInfo
from data.store import Store
from data.tickers import normalize_ticker
from data.universes import get_universe, membership_panel, stock_tickers
from indicators.breadth import BreadthParams, compute_breadth, sma_columns
from indicators.highs import share_at_high
from indicators.stats import long_run_average, trailing_percentile, trailing_quantiles
from indicators.volume import ARMS_AVERAGE_COLUMN as ARMS_AVERAGE_COLUMN  # for the page
from indicators.volume import VOLUME_COLUMNS as VOLUME_COLUMNS  # for the page and exports
from indicators.volume import compute_volume_breadth
from service.cache import Memo, SharedCache

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class BreadthQuery:
    """Everything a breadth frame depends on besides the data version (hashable)."""

    universe: str = "all"
    fast: int = 50
    slow: int = 200
    intraday: bool = True
    ratio_adjusted: bool = False
    tickers: tuple[str, ...] = ()
    windows: tuple[int, ...] = ()
    hl_weeks: tuple[int, ...] = ()

    def params(self) -> BreadthParams:
        """The indicator parameters (extra windows sorted without repeats, validated)."""
        return BreadthParams(
            fast=self.fast,
            slow=self.slow,
            ratio_adjusted=self.ratio_adjusted,
            windows=self.windows,
            hl_weeks=self.hl_weeks,
        )

    def columns(self) -> dict[str, str]:
        """The moving-average column names of these windows (``pct_slow`` ->
        ``pct_above_200dma`` ...; ``indicators.breadth.sma_columns``)."""
        return sma_columns(self.params())

    def key(self) -> str:
        """Cache key; the window sets enter normalised (sorted, no repeats)."""
        p = self.params()
        raw = repr(
            (
                self.universe,
                self.fast,
                self.slow,
                self.intraday,
                self.ratio_adjusted,
                self.tickers,
                p.windows,
                p.hl_weeks,
            )
        )
        return hashlib.sha1(raw.encode()).hexdigest()[:16]

    def volume_key(self) -> str:
        """Cache key of the volume frame: it depends on the members only (not on windows,
        intraday highs or the McClellan variant)."""
        return hashlib.sha1(repr(("volume", self.universe, self.tickers)).encode()).hexdigest()[:16]


class BreadthService:
    """Read API over one store, memoized on (data version, query) (service.cache.Memo)."""

    def __init__(
        self,
        store: Store,
        cache: SharedCache | None = None,
        local_size: int = 64,
        local_bytes: int = 2**62,
    ) -> None:
        self.store = store
        self._memo = Memo(cache, local_size, local_bytes)

    @property
    def cache(self) -> SharedCache | None:
        """The shared flask-caching backend (None: this process's LRU only)."""
        return self._memo.cache

    @property
    def stats(self) -> dict[str, int]:
        """How each memoized value was served in this process (for /healthz and tests)."""
        return self._memo.stats

    @property
    def before_compute(self) -> Callable[[str], None] | None:
        """Called with the value's name before a cache miss is computed; it may raise to
        refuse the work (server/fair_use.py counts cold computations per client this way)."""
        return self._memo.before_compute

    @before_compute.setter
    def before_compute(self, hook: Callable[[str], None] | None) -> None:
        self._memo.before_compute = hook

    def memo(self, name: str, arg_key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per (data version, ``name``, ``arg_key``): from this process's
        LRU, else the shared cache, else computed and stored in both. Do not mutate it."""
        key = f"{self.store.version}:{name}:{arg_key}"  # the cache adds "breadth:"
        return self._memo.get(key, name, compute)

    # -- queries -------------------------------------------------------------------------
    def version(self) -> str:
        return self.store.version

    def simulated(self) -> bool:
        """True when the store holds the simulated demo market."""
        return not self.store.is_empty() and bool(self.store.manifest().get("simulated"))

    def universe_info(self, name: str) -> UniverseInfo:
        return get_universe(self.store, name)[0]

    def breadth(self, query: BreadthQuery) -> pd.DataFrame:
        """Breadth indicators of the query's universe over the whole stored history."""
        return self.memo("breadth", query.key(), lambda: self._compute_breadth(query))

    def _panel(
        self, query: BreadthQuery, fields: tuple[str, ...]
    ) -> tuple[Prices, pd.DataFrame | None, list[str], pd.DataFrame | None]:
        """(prices, membership panel or None, members without prices, their intervals)."""
        if query.tickers:
            prices = self.store.read_prices(list(query.tickers), fields=fields)
            missing = sorted(set(query.tickers) - set(prices.tickers))
            if not prices.tickers:
                raise InputError("none of the listed tickers is in the store")
            if missing:
                log.info("tickers not in the store: %s", ", ".join(missing[:20]))
            return prices, None, [], None
        if query.universe == "all":
            return self.store.read_prices(stock_tickers(self.store), fields=fields), None, [], None
        _, intervals = get_universe(self.store, query.universe)
        tickers = sorted(set(intervals["ticker"]))
        prices = self.store.read_prices(tickers, fields=fields)
        member = membership_panel(intervals, prices.dates, prices.tickers)
        # members without any price column still count in the denominator of coverage
        absent = sorted(set(tickers) - set(prices.tickers))
        return prices, member, absent, intervals

    def _compute_breadth(self, query: BreadthQuery) -> pd.DataFrame:
        fields = ("close", "high", "low") if query.intraday else ("close",)
        prices, member, absent, intervals = self._panel(query, fields)
        out = compute_breadth(
            prices.close,
            prices.high if query.intraday else None,
            prices.low if query.intraday else None,
            member,
            query.params(),
        )
        if intervals is not None and absent:
            extra = membership_panel(intervals, prices.dates, absent).sum(axis=1)
            out["members"] = out["members"] + extra.to_numpy()
            out["coverage_pct"] = (
                100.0 * out["members_with_data"] / out["members"].where(out["members"] > 0)
            )
        return out

    def volume(self, query: BreadthQuery) -> pd.DataFrame:
        """Volume breadth of the query's members over the whole stored history
        (``indicators.volume``: VOLUME_COLUMNS and ``arms_index_10d``), on the breadth frame's
        sessions. A frame without columns when the store has no volume for them (no volume
        field, or none on any member's bar with a previous bar)."""
        return self.memo("volume", query.volume_key(), lambda: self._compute_volume(query))

    def _compute_volume(self, query: BreadthQuery) -> pd.DataFrame:
        if "volume" not in self.store.manifest().get("fields", ["volume"]):
            # a store without volume (the close files): no second panel read for nothing
            return pd.DataFrame(index=self.breadth(query).index)
        prices, member, _, _ = self._panel(query, ("close", "volume"))
        if prices.volume is None:
            return pd.DataFrame(index=prices.dates)
        out = compute_volume_breadth(prices.close, prices.volume, member)
        if out["up_volume"].notna().any():
            return out
        return pd.DataFrame(index=prices.dates)

    def at_high(
        self, universe: str, days: tuple[pd.Timestamp, ...], near_pcts: tuple[float, ...]
    ) -> pd.DataFrame:
        """% of ``universe``'s members at (or within ``near_pct`` % of) their 52-week high on
        each of ``days``, by closing highs and, when the store has highs, intraday highs
        (``indicators.highs.share_at_high``). Long: basis, near_pct, date, pct, at_high,
        eligible."""

        def compute() -> pd.DataFrame:
            prices, member, _, _ = self._panel(BreadthQuery(universe=universe), ("close", "high"))
            bases: dict[str, pd.DataFrame | None] = {"close": None}
            if prices.high is not None:
                bases["intraday"] = prices.high
            parts = []
            for basis, high in bases.items():
                for near in near_pcts:
                    got = share_at_high(
                        prices.close, days, high=high, member=member, near_pct=near
                    ).reset_index()
                    got.insert(0, "near_pct", near)
                    got.insert(0, "basis", basis)
                    parts.append(got)
            return pd.concat(parts, ignore_index=True)

        key = hashlib.sha1(repr((universe, days, near_pcts)).encode()).hexdigest()[:16]
        return self.memo("at_high", key, compute)

    def context(self, query: BreadthQuery, column: str) -> pd.DataFrame:
        """A breadth column with its trailing percentile and 10th/90th trailing band."""

        def compute() -> pd.DataFrame:
            series = self.breadth(query)[column]
            band = trailing_quantiles(series)
            return pd.DataFrame(
                {
                    "value": series,
                    "percentile": trailing_percentile(series),
                    "q10": band["q10"],
                    "q90": band["q90"],
                }
            )

        return self.memo("context", f"{query.key()}:{column}", compute)

    def long_run(self, query: BreadthQuery, column: str) -> dict[str, Any]:
        """Long-run average of a breadth column over the whole history, with its period."""
        lra = long_run_average(self.breadth(query)[column])
        return {"value": lra.value, "start": lra.start, "end": lra.end, "n": lra.observations}

    def closes(self, tickers: Sequence[str]) -> pd.DataFrame:
        """Adjusted closes of a few series (benchmarks), float64."""
        key = ",".join(sorted(tickers))
        return self.memo(
            "closes",
            hashlib.sha1(key.encode()).hexdigest()[:16],
            lambda: self.store.read_prices(sorted(tickers), fields=("close",)).close.astype(
                "float64"
            ),
        )


def read_tickers_file(path: Path) -> tuple[str, ...]:
    """Tickers from a file, one a line ('#' starts a comment), normalised and deduplicated."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise InputError(f"{path}: cannot read tickers file ({exc.strerror})") from exc
    out: dict[str, None] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        raw = line.split("#", 1)[0].strip()
        if not raw:
            continue
        try:
            out[normalize_ticker(raw)] = None
        except InputError as exc:
            raise InputError(f"{path}, line {lineno}: {exc}") from exc
    if not out:
        raise InputError(f"{path}: no tickers in the file")
    return tuple(out)
