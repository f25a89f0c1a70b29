"""The cached read API that the UI and the CLI's export share.

Everything returned is a frame of indicators (dates × a few columns), never a price panel,
keyed by the store's data version, so a refresh invalidates every cached value without a
restart. Two levels: a small per-process LRU, then the shared flask-caching backend
(FileSystemCache by default, Redis when BREADTH_REDIS_URL is set). Callers must not mutate
what they get back.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from data.errors import InputError
from data.model import UniverseInfo
from data.store import Store
from indicators.breadth import BreadthParams, compute_breadth
from indicators.stats import long_run_average, trailing_percentile, trailing_quantiles

log = logging.getLogger(__name__)
T = TypeVar("T")

EXPORT_COLUMNS: tuple[str, ...] = (
    "members",
    "members_with_data",
    "eligible_200dma",
    "pct_above_200dma",
    "pct_above_50dma",
    "new_highs_52w",
    "new_lows_52w",
    "pct_new_highs_52w",
    "pct_new_lows_52w",
    "net_new_highs",
    "advances",
    "declines",
    "unchanged",
    "ad_line",
    "mcclellan_osc",
    "mcclellan_sum",
)
"""The first columns of ``export breadth`` after ``date``, in this order (defaults 50/200)."""


@dataclass(frozen=True)
class BreadthQuery:
    """Everything a breadth frame depends on besides the data version (hashable)."""

    universe: str = "all"
    fast: int = 50
    slow: int = 200
    intraday: bool = True
    ratio_adjusted: bool = False
    tickers: tuple[str, ...] = ()

    def params(self) -> BreadthParams:
        return BreadthParams(fast=self.fast, slow=self.slow, ratio_adjusted=self.ratio_adjusted)

    def key(self) -> str:
        raw = repr(
            (self.universe, self.fast, self.slow, self.intraday, self.ratio_adjusted, self.tickers)
        )
        return hashlib.sha1(raw.encode()).hexdigest()[:16]


class BreadthService:
    """Read API over one store, memoized on (data version, query)."""

    def __init__(self, store: Store, cache: Any | None = None, local_size: int = 64) -> None:
        self.store = store
        self.cache = cache
        self._local: OrderedDict[str, Any] = OrderedDict()
        self._local_size = local_size
        self._lock = threading.Lock()
        self._cache_down = False
        self.stats: dict[str, int] = {"computed": 0, "local_hits": 0, "shared_hits": 0}
        """How each memoized value was served in this process (for /healthz and tests)."""
        self.before_compute: Callable[[str], None] | None = None
        """Called with the value's name before a cache miss is computed; it may raise to
        refuse the work (server/fair_use.py counts cold computations per client this way)."""

    # -- caching -------------------------------------------------------------------------
    def memo(self, name: str, arg_key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per (data version, ``name``, ``arg_key``): from this process's
        LRU, else the shared cache, else computed and stored in both. Do not mutate it."""
        key = f"{self.store.version}:{name}:{arg_key}"  # the cache adds "breadth:"
        with self._lock:
            if key in self._local:
                self.stats["local_hits"] += 1
                self._local.move_to_end(key)
                return self._local[key]
        value = self._shared_get(key)
        if value is None:
            if self.before_compute is not None:
                self.before_compute(name)
            value = compute()
            self.stats["computed"] += 1
            self._shared_set(key, value)
        else:
            self.stats["shared_hits"] += 1
        with self._lock:
            self._local[key] = value
            while len(self._local) > self._local_size:
                self._local.popitem(last=False)
        return value

    def _shared_get(self, key: str) -> Any:
        if self.cache is None:
            return None
        try:
            value = self.cache.get(key)
        except Exception as exc:  # a cache backend outage must not fail a request
            self._note_cache_error(exc)
            return None
        self._cache_down = False
        return value

    def _shared_set(self, key: str, value: Any) -> None:
        if self.cache is None:
            return
        try:
            self.cache.set(key, value)
        except Exception as exc:
            self._note_cache_error(exc)

    def _note_cache_error(self, exc: Exception) -> None:
        if not self._cache_down:
            log.warning("shared cache unavailable, computing locally: %s", exc)
        self._cache_down = True

    # -- queries -------------------------------------------------------------------------
    def version(self) -> str:
        return self.store.version

    def universe_info(self, name: str) -> UniverseInfo:
        from data.universes import get_universe

        return get_universe(self.store, name)[0]

    def breadth(self, query: BreadthQuery) -> pd.DataFrame:
        """Breadth indicators of the query's universe over the whole stored history."""
        return self.memo("breadth", query.key(), lambda: self._compute_breadth(query))

    def _compute_breadth(self, query: BreadthQuery) -> pd.DataFrame:
        from data.universes import get_universe, membership_panel

        fields = ("close", "high", "low") if query.intraday else ("close",)
        absent: list[str] = []
        extra = None
        if query.tickers:
            prices = self.store.read_prices(list(query.tickers), fields=fields)
            missing = sorted(set(query.tickers) - set(prices.tickers))
            if not prices.tickers:
                raise InputError("none of the listed tickers is in the store")
            if missing:
                log.info("tickers not in the store: %s", ", ".join(missing[:20]))
            member = None
        elif query.universe == "all":
            prices = self.store.read_prices(stock_tickers(self.store), fields=fields)
            member = None
        else:
            _, intervals = get_universe(self.store, query.universe)
            tickers = sorted(set(intervals["ticker"]))
            prices = self.store.read_prices(tickers, fields=fields)
            member = membership_panel(intervals, prices.dates, prices.tickers)
            # members without any price column still count in the denominator of coverage
            absent = sorted(set(tickers) - set(prices.tickers))
            extra = membership_panel(intervals, prices.dates, absent).sum(axis=1)
        out = compute_breadth(
            prices.close,
            prices.high if query.intraday else None,
            prices.low if query.intraday else None,
            member,
            query.params(),
        )
        if extra is not None and absent:
            out["members"] = out["members"] + extra.to_numpy()
            out["coverage_pct"] = (
                100.0 * out["members_with_data"] / out["members"].where(out["members"] > 0)
            )
        return out

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


def stock_tickers(store: Store) -> list[str]:
    """Every stored ticker except funds, indexes and benchmark series (universe "all"),
    classified by ``data.tickers.ticker_kind`` (``data.universes.stock_tickers``)."""
    from data.universes import stock_tickers as stocks

    return stocks(store)


def read_tickers_file(path: Path) -> tuple[str, ...]:
    """Tickers from a file, one a line ('#' starts a comment), normalised and deduplicated."""
    from data.tickers import normalize_ticker

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


def export_breadth_csv(
    store: Store,
    *,
    universe: str = "all",
    tickers_file: Path | None = None,
    start: date | None = None,
    end: date | None = None,
    sma_fast: int = 50,
    sma_slow: int = 200,
) -> str:
    """CSV text: ``date`` then EXPORT_COLUMNS (for the chosen windows), then the rest."""
    if store.is_empty():
        raise InputError("the store is empty: run `python cli.py demo` or `import` first")
    tickers = read_tickers_file(tickers_file) if tickers_file else ()
    query = BreadthQuery(universe=universe, fast=sma_fast, slow=sma_slow, tickers=tickers)
    frame = BreadthService(store).breadth(query)
    rename = {
        f"eligible_{sma_slow}dma": "eligible_200dma",
        f"pct_above_{sma_slow}dma": "pct_above_200dma",
        f"pct_above_{sma_fast}dma": "pct_above_50dma",
    }
    if (sma_fast, sma_slow) != (50, 200):
        rename = {}  # other windows keep their own names
    table = frame.rename(columns=rename)
    first = [c for c in EXPORT_COLUMNS if c in table.columns]
    table = table[first + [c for c in table.columns if c not in first]]
    table = table.loc[pd.Timestamp(start) if start else None : pd.Timestamp(end) if end else None]
    buf = io.StringIO()
    from data.csvsafe import safe_frame  # text cells starting with = + - @ neutralised

    safe_frame(table).to_csv(buf, index_label="date", date_format="%Y-%m-%d")
    return buf.getvalue()
