"""Volume breadth: up/down volume, the A/D volume line, up-volume % and the Arms index.

Contract (as ``indicators.kernels``): wide panels ``DataFrame[index=session dates,
columns=tickers]`` of closes (NaN = no bar) and volumes (shares, as stored, float64; NaN =
unknown), and an optional boolean membership panel of the same shape. A member with a bar on
d and a previous bar is an advancer (close_d > close of its previous bar), a decliner (<) or
unchanged (=) — the rule of ``advances``/``declines`` in ``indicators.kernels``. Its volume on
d joins the up (down) volume when finite: a bar with NaN volume still counts as an advance or
decline but adds no volume; a zero-volume bar adds 0. Exact definitions (StockCharts
ChartSchool "Arms Index (TRIN)", "Up/Down Volume") in docs/INDICATORS.md, "Volume breadth".

The counts come from one compiled pass per ticker (numba, or the same code compiled ahead of
time: ``indicators.kernel_aot``), in parallel over chunks of tickers
like ``indicators.kernels.window_counts``, in a separate kernel so the price breadth pass is
unchanged. A value on d uses bars up to d only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators.jit import compile_functions
from indicators.kernels import _frozen, _ticker_major, chunk_sums, library

VOLUME_COLUMNS: tuple[str, ...] = (
    "up_volume",
    "down_volume",
    "ad_volume_line",
    "up_volume_pct",
    "arms_index",
)
"""The volume columns of ``export breadth``, in this order."""

ARMS_AVERAGE = 10
"""Sessions of the Arms index's simple moving average (``arms_index_10d``, the chart's)."""
ARMS_AVERAGE_COLUMN = f"arms_index_{ARMS_AVERAGE}d"

VOLUME_COUNT_COLUMNS: tuple[str, ...] = (
    "up_volume",
    "down_volume",
    "volume_bars",
    "advances",
    "declines",
)
"""Columns of ``volume_counts``: volumes in shares; ``volume_bars`` = members with a bar, a
previous bar and a finite volume on the session; advances/declines as in the breadth pass."""

_N_VOL = len(VOLUME_COUNT_COLUMNS)


def _volume_one(
    close: npt.NDArray[np.floating],
    volume: npt.NDArray[np.floating],
    member: npt.NDArray[np.bool_],
    use_member: bool,
    out: npt.NDArray[np.float64],
) -> None:
    """Add one ticker (1-D over sessions) to ``out`` (sessions × VOLUME_COUNT_COLUMNS)."""
    have_prev = False
    prev = 0.0
    for t in range(close.shape[0]):
        xf = np.float64(close[t])
        if np.isnan(xf):
            continue  # no bar: a halt is skipped, the previous bar stays the previous one
        if have_prev and (not use_member or member[t]):
            v = np.float64(volume[t])
            known = not np.isnan(v)
            if xf > prev:
                out[t, 3] += 1.0
                if known:
                    out[t, 0] += v
            elif xf < prev:
                out[t, 4] += 1.0
                if known:
                    out[t, 1] += v
            if known:
                out[t, 2] += 1.0
        prev = xf
        have_prev = True


def _volume_chunk(
    close: npt.NDArray[np.floating],
    volume: npt.NDArray[np.floating],
    member: npt.NDArray[np.bool_],
    use_member: bool,
    j0: int,
    j1: int,
    out: npt.NDArray[np.float64],
) -> None:
    """Add tickers ``j0``..``j1 - 1`` of ticker-major (tickers × sessions) arrays to ``out``;
    one chunk of ``indicators.kernels.chunk_sums``."""
    for j in range(j0, j1):
        m = member[j] if use_member else member[0]
        _volume_one(close[j], volume[j], m, use_member, out)


COMPILED = ("_volume_one", "_volume_chunk")
"""The compiled functions, callees first (``indicators.jit.compile_functions``: numba is
imported on first use, never where the ahead-of-time library runs the kernel)."""


def volume_chunk() -> Callable[..., None]:
    """``_volume_chunk`` compiled by numba (imported now)."""
    compile_functions(globals(), COMPILED)
    return globals()["_volume_chunk"]


def volume_counts(
    close: npt.NDArray[np.floating],
    volume: npt.NDArray[np.floating],
    member: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.float64]:
    """Per-session sums (sessions × ``VOLUME_COUNT_COLUMNS``, float64) over dates × tickers
    panels. ``member`` None means every ticker with a bar counts (as ``window_counts``).

    Volume sums run in float64: exact for whole-share volumes while a session's total stays
    below 2**53 (9e15 shares); fractional volumes may differ in the last bits with the
    number of threads (the chunks' sums are added in chunk order).
    """
    close_t = _ticker_major(close)
    volume_t = _ticker_major(volume)
    if volume_t.shape != close_t.shape:
        raise ValueError("volume must have the shape of the price panel")
    use_member = member is not None
    if member is None:
        member_t = _frozen(np.zeros((1, close_t.shape[1]), dtype=np.bool_))
    else:
        member_t = _ticker_major(np.asarray(member, dtype=np.bool_))
        if member_t.shape != close_t.shape:
            raise ValueError("membership must have the shape of the price panel")
    n_tickers, n_dates = close_t.shape
    if n_dates == 0 or n_tickers == 0:
        return np.zeros((n_dates, _N_VOL), dtype=np.float64)

    lib = library()
    if lib is not None and lib.supports_volume(close_t, volume_t):
        chunk = lib.volume
    else:
        chunk = volume_chunk()

    def fill(j0: int, j1: int, out: npt.NDArray[np.float64]) -> None:
        chunk(close_t, volume_t, member_t, use_member, j0, j1, out)

    return chunk_sums(n_tickers, (n_dates, _N_VOL), np.float64, fill)


def volume_from_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """``VOLUME_COLUMNS`` and ``arms_index_10d`` from ``VOLUME_COUNT_COLUMNS``.

    A session on which no member has a bar, a previous bar and a known volume has no volume
    figures (NaN up/down volume, %, Arms; the A/D volume line is NaN there and carries on
    after it)."""
    has = counts["volume_bars"] > 0
    up = counts["up_volume"].astype("float64").where(has)
    down = counts["down_volume"].astype("float64").where(has)
    adv = counts["advances"].astype("float64")
    dec = counts["declines"].astype("float64")
    out = pd.DataFrame(index=counts.index)
    out["up_volume"] = up
    out["down_volume"] = down
    # running sum from the first stored session; NaN sessions add nothing (pandas skipna)
    out["ad_volume_line"] = (up - down).cumsum()
    total = up + down
    out["up_volume_pct"] = (100.0 * up / total).where(total > 0)
    ok = (dec > 0) & (up > 0) & (down > 0)
    out["arms_index"] = ((adv / dec) / (up / down)).where(ok)
    out[ARMS_AVERAGE_COLUMN] = arms_average(out["arms_index"])
    return out


def arms_average(arms: pd.Series, sessions: int = ARMS_AVERAGE) -> pd.Series:
    """Simple moving average of the Arms index over ``sessions`` sessions, NaN unless all of
    them have a value (no partial averages, as ``high_low_index``)."""
    return arms.rolling(sessions, min_periods=sessions).mean()


def compute_volume_breadth(
    close: pd.DataFrame, volume: pd.DataFrame, member: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Volume breadth of the panel: ``VOLUME_COLUMNS`` and ``arms_index_10d`` on the close
    panel's dates (see the module docstring and docs/INDICATORS.md)."""
    for name, frame in (("volume", volume), ("member", member)):
        if frame is not None and frame.shape != close.shape:
            raise ValueError(f"{name} panel shape {frame.shape} != close {close.shape}")
    counts = volume_counts(
        close.to_numpy(),
        volume.to_numpy(dtype="float64"),
        None if member is None else member.to_numpy(dtype=bool),
    )
    named = pd.DataFrame(counts, index=close.index, columns=list(VOLUME_COUNT_COLUMNS))
    return volume_from_counts(named)
