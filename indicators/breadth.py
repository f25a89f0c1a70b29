"""Breadth indicators of a universe, computed over the whole stored history.

Contract: inputs are wide panels ``DataFrame[index=session dates, columns=tickers]`` of
adjusted prices (close; high/low when known), NaN where a ticker has no bar, and an optional
boolean membership panel of the same shape (point in time: member on that date). Output is
one ``DataFrame[index=session dates]`` of counts, percentages (0–100) and lines; exact
definitions, with sources, are in docs/INDICATORS.md. A value on date d depends only on data
up to d, never on the view's start date: compute over the whole history, then slice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators.kernels import COUNT_COLUMNS, window_count_columns, window_counts

ZWEIG_LOW, ZWEIG_HIGH, ZWEIG_SESSIONS = 40.0, 61.5, 10

HL_WEEKS: dict[int, int] = {4: 20, 13: 63, 26: 126, 52: 252}
"""New-high/new-low windows in weeks → bars: a month (4 weeks, 20 sessions), a quarter,
half a year and a year of 252 sessions. The 52-week columns are those of ``hl_window``."""


@dataclass(frozen=True)
class BreadthParams:
    """Windows in bars (sessions of the ticker's own history).

    ``windows``: extra moving-average windows (bars, each ≥ 1) beside ``fast`` and ``slow``;
    ``hl_weeks``: extra new-high/new-low windows, keys of ``HL_WEEKS``. Both are kept sorted
    without repeats, so equal sets give equal (and equally hashed) parameters.
    """

    fast: int = 50
    slow: int = 200
    hl_window: int = 252
    hl_index_window: int = 10
    mcclellan_fast: int = 19
    mcclellan_slow: int = 39
    thrust_span: int = 10
    ratio_adjusted: bool = False
    windows: tuple[int, ...] = ()
    hl_weeks: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        for name in ("fast", "slow", "hl_window", "hl_index_window", "thrust_span"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.mcclellan_fast < 1 or self.mcclellan_slow <= self.mcclellan_fast:
            raise ValueError("McClellan spans must satisfy 1 <= fast < slow")
        if any(int(n) < 1 for n in self.windows):
            raise ValueError("moving-average windows must be at least 1")
        bad = [w for w in self.hl_weeks if w not in HL_WEEKS]
        if bad:
            raise ValueError(f"new-high windows are {sorted(HL_WEEKS)} weeks, not {bad}")
        if 52 in self.hl_weeks and self.hl_window != HL_WEEKS[52]:
            raise ValueError("52 weeks are the hl_window columns; hl_window is not 252")
        object.__setattr__(self, "windows", tuple(sorted({int(n) for n in self.windows})))
        object.__setattr__(self, "hl_weeks", tuple(sorted(set(self.hl_weeks))))

    def extra_windows(self) -> tuple[int, ...]:
        """Moving-average windows with columns of their own beyond ``fast`` and ``slow``."""
        return tuple(n for n in self.windows if n not in (self.fast, self.slow))

    def extra_hl_weeks(self) -> tuple[int, ...]:
        """New-high windows (weeks) with columns of their own beyond the 52-week ones."""
        return tuple(w for w in self.hl_weeks if w != 52)


def sma_columns(params: BreadthParams) -> dict[str, str]:
    """Names of the moving-average columns for these windows, e.g. pct_above_200dma."""
    return {
        "pct_fast": f"pct_above_{params.fast}dma",
        "pct_slow": f"pct_above_{params.slow}dma",
        "eligible_fast": f"eligible_{params.fast}dma",
        "eligible_slow": f"eligible_{params.slow}dma",
        "above_fast": f"above_{params.fast}dma",
        "above_slow": f"above_{params.slow}dma",
    }


def _pct(num: pd.Series, den: pd.Series) -> pd.Series:
    """100·num/den, NaN where den is 0."""
    den_f = den.astype("float64")
    return (100.0 * num.astype("float64") / den_f).where(den_f > 0)


def ema(series: pd.Series, span: int) -> pd.Series:
    """EMA with α = 2/(span+1), seeded with the first value (pandas adjust=False)."""
    return series.ewm(span=span, adjust=False).mean()


def compute_breadth(
    close: pd.DataFrame,
    high: pd.DataFrame | None = None,
    low: pd.DataFrame | None = None,
    member: pd.DataFrame | None = None,
    params: BreadthParams | None = None,
) -> pd.DataFrame:
    """All breadth series of the panel; see docs/INDICATORS.md for each definition.

    Columns: members, members_with_data, coverage_pct, eligible_<n>dma, above_<n>dma,
    pct_above_<n>dma (fast and slow), eligible_52w, new_highs_52w, new_lows_52w,
    pct_new_highs_52w, pct_new_lows_52w, net_new_highs, record_high_pct, high_low_index,
    advances, declines, unchanged, ad_line, mcclellan_osc, mcclellan_sum, breadth_thrust,
    zweig_signal, cum_net_new_highs; then per extra window n (``params.windows``)
    pct_above_<n>dma, eligible_<n>dma, and per extra week count w (``params.hl_weeks``)
    new_highs_<w>w, new_lows_<w>w, pct_new_highs_<w>w, pct_new_lows_<w>w. Every window is
    counted in one kernel pass. Percentages in 0–100.
    """
    p = params or BreadthParams()
    for name, frame in (("high", high), ("low", low), ("member", member)):
        if frame is not None and frame.shape != close.shape:
            raise ValueError(f"{name} panel shape {frame.shape} != close {close.shape}")
    sma = (p.fast, p.slow, *p.extra_windows())
    hl = (p.hl_window, *(HL_WEEKS[w] for w in p.extra_hl_weeks()))
    counts = window_counts(
        close.to_numpy(),
        None if high is None else high.to_numpy(),
        None if low is None else low.to_numpy(),
        None if member is None else member.to_numpy(dtype=bool),
        sma_windows=sma,
        hl_windows=hl,
    )
    return breadth_from_counts(_named_counts(counts, close.index, sma, hl), p)


def _named_counts(
    counts: npt.NDArray[np.int64], index: pd.Index, sma: tuple[int, ...], hl: tuple[int, ...]
) -> pd.DataFrame:
    """``COUNT_COLUMNS`` (the first two SMA windows and the first high/low window) followed
    by the extra windows' counts under their ``window_count_columns`` names."""
    c_hl = 2 + 2 * len(sma)
    c_ad = c_hl + 3 * len(hl)
    legacy = [*range(6), c_hl, c_hl + 1, c_hl + 2, c_ad, c_ad + 1, c_ad + 2]
    extra = [*range(6, c_hl), *range(c_hl + 3, c_ad)]
    names = window_count_columns(sma, hl)
    return pd.DataFrame(
        counts[:, legacy + extra],
        index=index,
        columns=[*COUNT_COLUMNS, *(names[i] for i in extra)],
    )


def breadth_from_counts(counts: pd.DataFrame, params: BreadthParams) -> pd.DataFrame:
    """Percentages, lines and oscillators from per-session counts: ``COUNT_COLUMNS``, plus,
    for the extra windows of ``params``, their ``window_count_columns`` (eligible_sma<n>,
    above_sma<n>; eligible_hl<bars>, highs_hl<bars>, lows_hl<bars>)."""
    p = params
    c = counts
    names = sma_columns(p)
    out: dict[str, pd.Series] = {}  # one DataFrame at the end: ~50 inserts cost ~15 ms
    out["members"] = c["members"]
    out["members_with_data"] = c["members_with_data"]
    out["coverage_pct"] = _pct(c["members_with_data"], c["members"])
    out[names["eligible_slow"]] = c["eligible_slow"]
    out[names["above_slow"]] = c["above_slow"]
    out[names["pct_slow"]] = _pct(c["above_slow"], c["eligible_slow"])
    out[names["eligible_fast"]] = c["eligible_fast"]
    out[names["above_fast"]] = c["above_fast"]
    out[names["pct_fast"]] = _pct(c["above_fast"], c["eligible_fast"])
    nh, nl = c["new_highs_52w"], c["new_lows_52w"]
    out["eligible_52w"] = c["eligible_52w"]
    out["new_highs_52w"] = nh
    out["new_lows_52w"] = nl
    out["pct_new_highs_52w"] = _pct(nh, c["eligible_52w"])
    out["pct_new_lows_52w"] = _pct(nl, c["eligible_52w"])
    out["net_new_highs"] = nh - nl
    out["record_high_pct"] = _pct(nh, nh + nl)
    # min_periods = the window: NaN until record_high_pct is defined on all 10 sessions
    out["high_low_index"] = out["record_high_pct"].rolling(p.hl_index_window).mean()
    adv, dec = c["advances"], c["declines"]
    out["advances"] = adv
    out["declines"] = dec
    out["unchanged"] = c["unchanged"]
    out["ad_line"] = (adv - dec).cumsum()
    net = (adv - dec).astype("float64")
    total = (adv + dec).astype("float64")
    basis = (1000.0 * net / total).where(total > 0, 0.0) if p.ratio_adjusted else net
    osc = ema(basis, p.mcclellan_fast) - ema(basis, p.mcclellan_slow)
    out["mcclellan_osc"] = osc
    out["mcclellan_sum"] = osc.cumsum()
    ratio = (100.0 * adv.astype("float64") / total).where(total > 0)
    thrust = ratio.ewm(span=p.thrust_span, adjust=False, ignore_na=True).mean()
    out["breadth_thrust"] = thrust
    out["zweig_signal"] = zweig_signal(thrust)
    # running sum of the 52-week net new highs from the first stored session (as ad_line)
    out["cum_net_new_highs"] = (nh - nl).cumsum()
    for n in p.extra_windows():
        out[f"pct_above_{n}dma"] = _pct(c[f"above_sma{n}"], c[f"eligible_sma{n}"])
        out[f"eligible_{n}dma"] = c[f"eligible_sma{n}"]
    for w in p.extra_hl_weeks():
        bars = HL_WEEKS[w]
        highs, lows, eligible = c[f"highs_hl{bars}"], c[f"lows_hl{bars}"], c[f"eligible_hl{bars}"]
        out[f"new_highs_{w}w"] = highs
        out[f"new_lows_{w}w"] = lows
        out[f"pct_new_highs_{w}w"] = _pct(highs, eligible)
        out[f"pct_new_lows_{w}w"] = _pct(lows, eligible)
    return pd.DataFrame(out, index=c.index)


def zweig_signal(thrust: pd.Series) -> pd.Series:
    """True on the session the thrust first closes above 61.5 having been below 40 within
    the previous 10 sessions (Zweig breadth thrust)."""
    values = thrust.to_numpy(dtype="float64")
    above = values > ZWEIG_HIGH
    crossed = above & ~np.concatenate([[False], above[:-1]])
    prior_min = (
        pd.Series(values, index=thrust.index)
        .shift(1)
        .rolling(ZWEIG_SESSIONS, min_periods=1)
        .min()
        .to_numpy()
    )
    return pd.Series(crossed & (prior_min < ZWEIG_LOW), index=thrust.index)
