"""Every CSV the CLI exports (``cli.py export ...``): breadth, sectors, rotation, RRG, claim
check and analogs, and writing one to a file or stdout.

Columns of each table are documented in docs/INDICATORS.md ("Exports") and, for
breadth, by ``EXPORT_COLUMNS``. Text cells and headers that a spreadsheet would run as a
formula (starting with = + - @, tab or carriage return) are prefixed with an apostrophe by
``data.csvsafe.safe_frame`` (the one implementation); numbers, negative ones included, are
written as numbers.
"""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from data.benchmarks import PAIRS
from data.csvsafe import safe_frame
from data.errors import InputError
from data.store import Store
from data.tickers import normalize_ticker
from indicators.analogs import AnalogParams
from indicators.rotation import ratio, rebased_ratio
from indicators.rrg import RrgParams, rrg_long
from service.breadth import VOLUME_COLUMNS, BreadthQuery, BreadthService, read_tickers_file
from service.rotation import RotationService

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

ROTATION_COLUMNS = ("date", "pair", "numerator", "denominator", "ratio", "ratio_rebased")
RRG_COLUMNS = ("date", "ticker", "benchmark", "rs_ratio", "rs_momentum", "quadrant")
ANALOG_TABLES = ("forward", "episodes", "summary")


def to_csv(frame: pd.DataFrame) -> str:
    """CSV text (dates as YYYY-MM-DD, no index), formula-like text neutralised."""
    buf = io.StringIO()
    safe_frame(frame).to_csv(buf, index=False, date_format="%Y-%m-%d")
    return buf.getvalue()


def _service(store: Store) -> RotationService:
    if store.is_empty():
        raise InputError("the store is empty: run `python cli.py demo` or `import` first")
    return RotationService(BreadthService(store))


def _window(frame: pd.DataFrame, start: date | None, end: date | None) -> pd.DataFrame:
    if start and end and start > end:
        raise InputError(f"--start {start} is after --end {end}")
    keep = pd.Series(True, index=frame.index)
    if start:
        keep &= frame["date"] >= pd.Timestamp(start)
    if end:
        keep &= frame["date"] <= pd.Timestamp(end)
    return frame[keep].reset_index(drop=True)


def export_breadth_csv(
    store: Store,
    *,
    universe: str = "all",
    tickers_file: Path | None = None,
    start: date | None = None,
    end: date | None = None,
    sma_fast: int = 50,
    sma_slow: int = 200,
    windows: tuple[int, ...] = (),
    hl_weeks: tuple[int, ...] = (),
) -> str:
    """CSV text: ``date`` then EXPORT_COLUMNS (for the chosen windows), then the rest in the
    frame's order: the other default columns, then those of the extra ``windows``
    (pct_above_<n>dma, eligible_<n>dma) and ``hl_weeks`` (new_highs_<w>w ...); last, when
    the store has volume for the members, ``VOLUME_COLUMNS`` (up_volume ... arms_index)."""
    if store.is_empty():
        raise InputError("the store is empty: run `python cli.py demo` or `import` first")
    tickers = read_tickers_file(tickers_file) if tickers_file else ()
    query = BreadthQuery(
        universe=universe,
        fast=sma_fast,
        slow=sma_slow,
        tickers=tickers,
        windows=windows,
        hl_weeks=hl_weeks,
    )
    svc = BreadthService(store)
    frame = svc.breadth(query)
    # EXPORT_COLUMNS name the 50/200 columns; other windows' columns follow with the rest
    first = [c for c in EXPORT_COLUMNS if c in frame.columns]
    table = frame[first + [c for c in frame.columns if c not in first]]
    volume = svc.volume(query)
    if not volume.columns.empty:  # only when the store has volume for these members
        table = table.join(volume[list(VOLUME_COLUMNS)])
    table = table.loc[pd.Timestamp(start) if start else None : pd.Timestamp(end) if end else None]
    buf = io.StringIO()
    safe_frame(table).to_csv(buf, index_label="date", date_format="%Y-%m-%d")
    return buf.getvalue()


def rotation_csv(store: Store, start: date | None = None, end: date | None = None) -> str:
    """Ratio lines of data.benchmarks.PAIRS, rebased to 100 at the first session ≥ start."""
    rs = _service(store)
    parts = []
    for pair_id, (num_role, den_role, _) in PAIRS.items():
        num, den = rs.role_ticker(num_role), rs.role_ticker(den_role)
        if num is None or den is None:
            continue
        closes = rs.svc.closes([num, den])
        raw = ratio(closes[num], closes[den])
        anchor = pd.Timestamp(start) if start else raw.index.min()
        rebased = rebased_ratio(closes[num], closes[den], anchor).reindex(raw.index)
        parts.append(
            pd.DataFrame(
                {
                    "date": raw.index,
                    "pair": pair_id,
                    "numerator": num,
                    "denominator": den,
                    "ratio": raw.to_numpy(),
                    "ratio_rebased": rebased.to_numpy(),
                }
            )
        )
    if not parts:
        raise InputError("no rotation pair has both legs in the store")
    table = pd.concat(parts, ignore_index=True).sort_values(["date", "pair"], kind="stable")
    return to_csv(_window(table, start, end)[list(ROTATION_COLUMNS)])


def rrg_csv(
    store: Store,
    tickers: tuple[str, ...] = (),
    benchmark: str | None = None,
    params: RrgParams | None = None,
    start: date | None = None,
    end: date | None = None,
) -> str:
    """RS-Ratio, RS-Momentum and quadrant per period and ticker (defined rows only)."""
    return to_csv(rrg_frame(_service(store), tickers, benchmark, params, start, end))


def rrg_frame(
    rs: RotationService,
    tickers: tuple[str, ...] = (),
    benchmark: str | None = None,
    params: RrgParams | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """The ``export rrg`` table (RRG_COLUMNS) of ``tickers`` (default: the RRG members)."""
    bench = benchmark or rs.role_ticker("large")
    if bench is None:
        raise InputError("no benchmark: pass --benchmark (no SPY or ^GSPC in the store)")
    chosen = tickers or tuple(t for t in rs.default_rrg_tickers() if t != bench)
    if not chosen:
        raise InputError("no tickers: pass --tickers (no sector or style ETFs in the store)")
    table = rrg_long(rs.rrg(chosen, bench, params or RrgParams()))
    table.insert(2, "benchmark", bench)
    return _window(table, start, end)[list(RRG_COLUMNS)]


def claims_csv(
    store: Store, asof: date | None = None, universe: str = "", compare: str = ""
) -> str:
    """The claim table (indicators.claims.CLAIM_COLUMNS, then indicators.verdicts.NOTE_COLUMNS:
    what the note said and the verdict) for the as-of session; when no
    universe is given and russell3000 is not stored, stderr names the stand-in (``all``)."""
    svc = _service(store)
    _say_fallback(svc, universe)
    return to_csv(svc.claims(asof, universe, compare))


def _say_fallback(svc: RotationService, universe: str) -> None:
    """One ``note:`` line on stderr when the default universe falls back."""
    note = svc.universe_fallback(universe)
    if note:
        sys.stderr.write(f"note: {note}\n")


def analogs_csv(
    store: Store,
    asof: date | None = None,
    universe: str = "",
    params: AnalogParams | None = None,
    table: str = "forward",
) -> str:
    """Analog episodes: ``forward`` (episode columns + forward returns), ``episodes``,
    or ``summary`` (pair × horizon: median, mean, hit_rate, n)."""
    if table not in ANALOG_TABLES:
        raise InputError(f"--table must be one of {', '.join(ANALOG_TABLES)}")
    svc = _service(store)
    _say_fallback(svc, universe)
    return to_csv(analogs_frame(svc, asof, universe, params, table))


def analogs_frame(
    rs: RotationService,
    asof: date | None = None,
    universe: str = "",
    params: AnalogParams | None = None,
    table: str = "forward",
) -> pd.DataFrame:
    """One of the ``export analogs`` tables (see ``analogs_csv``)."""
    result = rs.analogs(asof, universe, params or AnalogParams())
    if table == "episodes":
        return result.episodes
    if table == "summary":
        return result.summary
    legs = pd.DataFrame(
        [(pid, num, den) for pid, (num, den) in result.pairs.items()],
        columns=["pair", "numerator", "denominator"],
    )
    forward = result.forward.drop(columns=["signal_date"], errors="ignore")
    if forward.empty:
        forward = pd.DataFrame(columns=["episode", "pair"])
    merged = result.episodes.merge(forward, on="episode").merge(legs, on="pair", how="left")
    front = [c for c in result.episodes.columns] + ["pair", "numerator", "denominator"]
    return merged[front + [c for c in merged.columns if c not in front]]


def sectors_csv(
    store: Store,
    universe: str = "all",
    window: int = 200,
    start: date | None = None,
    end: date | None = None,
) -> str:
    """``export sectors``: date, sector, members_with_data, pct_above_<window>dma (long,
    by date then sector; ``service.sectors.export_frame``)."""
    from service.sectors import export_frame

    if store.is_empty():
        raise InputError("the store is empty: run `python cli.py demo` or `import` first")
    return to_csv(export_frame(BreadthService(store), universe, window, start, end))


def parse_tickers(text: str) -> tuple[str, ...]:
    """Comma- or space-separated tickers, normalised (e.g. "xlk, brk.b" -> XLK, BRK-B)."""
    raw = [t for t in text.replace(",", " ").split() if t]
    return tuple(dict.fromkeys(normalize_ticker(t) for t in raw))


def write_output(text: str, out: str) -> None:
    """Write CSV text to stdout (``-``) or to a file, saying so on stderr."""
    if out == "-":
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text)
    except OSError as exc:
        raise InputError(f"{out}: cannot write ({exc.strerror})") from exc
    sys.stderr.write(f"wrote {out}\n")


# -- divergences (issue #15 item 5; columns: service.divergences.DIVERGENCE_COLUMNS) -------
def divergences_csv(
    store: Store,
    *,
    universe: str = "all",
    benchmark: str | None = None,
    near_pct: float = 2.0,
    trail: int = 50,
    window: int = 200,
    start: date | None = None,
    end: date | None = None,
) -> str:
    """One row per flagged session of the universe against the benchmark (default: the
    page's large-cap benchmark), computed over the whole history, then cut to start–end."""
    from service.divergences import divergence_frame, divergence_table

    if store.is_empty():
        raise InputError("the store is empty: run `python cli.py demo` or `import` first")
    ticker, frame = divergence_frame(
        BreadthService(store),
        BreadthQuery(universe=universe),
        near_pct=near_pct,
        trail=trail,
        window=window,
        benchmark=benchmark,
    )
    return to_csv(_window(divergence_table(ticker, frame, window), start, end))
