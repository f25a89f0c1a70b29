"""Historical analogs: past sessions whose setup resembles a date, and what followed.

Contract: a breadth series (e.g. ``pct_above_200dma``, percent 0–100) on the session index,
the cap-weighted index's adjusted closes (role "large"), and rotation pairs as
(numerator, denominator) adjusted-close ``pd.Series``; NaN where there is no value. Pure.

Setup on session t (defaults in ``AnalogParams``), using only data up to t:

- breadth_t < its long-run average *as known on t* — the expanding mean of every defined
  value up to t (from ``min_history`` values on) — minus ``breadth_margin`` points;
- the index is within ``near_high_pct`` % of its 52-week high: 100·(1 − P_t / max of the
  last ``high_window`` closes, t included) ≤ near_high_pct.

Signal sessions up to ``asof`` merge into episodes: a signal more than ``gap`` sessions after
the previous one starts a new episode. An episode's ``signal_date`` is its first session, so
whether an episode is selected depends only on data up to its signal date (tested by
truncation). Forward return of a pair over h sessions from the signal date:
100·((N_{t+h}/N_t) / (D_{t+h}/D_t) − 1), on the breadth series' session calendar; it is
``realised_by_asof`` when t+h ≤ asof. The summary (median, hit rate = % of episodes with a
positive forward return, n) uses realised returns only, so it is what one could know on asof;
returns realised after asof are listed in the forward table for hindsight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

HORIZON_LABELS: dict[int, str] = {21: "1m", 63: "3m", 126: "6m", 252: "12m"}


@dataclass(frozen=True)
class AnalogParams:
    """Thresholds of the setup (percent points, percent, sessions)."""

    breadth_column: str = "pct_above_200dma"
    breadth_margin: float = 0.0
    near_high_pct: float = 5.0
    high_window: int = 252
    min_history: int = 252
    gap: int = 63
    horizons: tuple[int, ...] = (21, 63, 126, 252)

    def __post_init__(self) -> None:
        if not 0 <= self.near_high_pct <= 100:
            raise ValueError("near_high_pct must be within 0–100")
        if self.high_window < 1 or self.min_history < 1 or self.gap < 0:
            raise ValueError("high_window and min_history must be ≥ 1, gap ≥ 0")
        if not self.horizons or min(self.horizons) < 1:
            raise ValueError("horizons must be positive session counts")


@dataclass(frozen=True)
class AnalogResult:
    """Per-session setup, episodes, forward returns (long) and their summary."""

    setup: pd.DataFrame
    episodes: pd.DataFrame
    forward: pd.DataFrame
    summary: pd.DataFrame
    asof: pd.Timestamp | None = None
    pairs: dict[str, tuple[str, str]] = field(default_factory=dict)


def horizon_label(sessions: int) -> str:
    """'1m', '3m', '6m', '12m' for 21/63/126/252 sessions, else e.g. '40d'."""
    return HORIZON_LABELS.get(sessions, f"{sessions}d")


def setup_frame(breadth: pd.Series, index_close: pd.Series, params: AnalogParams) -> pd.DataFrame:
    """Per session: breadth, long_run_average (expanding), index_off_high_pct, signal."""
    values = breadth.astype("float64")
    lra = values.expanding(min_periods=params.min_history).mean()
    px = index_close.dropna().astype("float64")
    high = px.rolling(params.high_window, min_periods=params.high_window).max()
    off = (100.0 * (1.0 - px / high)).reindex(values.index)
    signal = (values < lra - params.breadth_margin) & (off <= params.near_high_pct)
    return pd.DataFrame(
        {
            params.breadth_column: values,
            "long_run_average": lra,
            "index_off_high_pct": off,
            "signal": signal.fillna(False).astype(bool),
        }
    )


def episodes_from(setup: pd.DataFrame, gap: int, breadth_column: str) -> pd.DataFrame:
    """Merge signal sessions into episodes (a gap of more than ``gap`` sessions splits)."""
    pos = np.flatnonzero(setup["signal"].to_numpy())
    cols = ["episode", "start", "end", "signal_date", "signal_sessions", breadth_column,
            "long_run_average", "index_off_high_pct"]  # fmt: skip
    if len(pos) == 0:
        return pd.DataFrame(columns=cols)
    new = np.r_[True, np.diff(pos) > gap]
    ids = np.cumsum(new)
    dates = setup.index.to_numpy()
    starts, ends = pos[new], pos[np.r_[new[1:], True]]
    first = setup.iloc[starts]
    return pd.DataFrame(
        {
            "episode": np.arange(1, len(starts) + 1),
            "start": dates[starts],
            "end": dates[ends],
            "signal_date": dates[starts],
            "signal_sessions": np.bincount(ids)[1:],
            breadth_column: first[breadth_column].to_numpy(),
            "long_run_average": first["long_run_average"].to_numpy(),
            "index_off_high_pct": first["index_off_high_pct"].to_numpy(),
        },
        columns=cols,
    )


def forward_returns(
    episodes: pd.DataFrame,
    sessions: pd.DatetimeIndex,
    pairs: dict[str, tuple[pd.Series, pd.Series]],
    horizons: tuple[int, ...],
    asof: pd.Timestamp,
) -> pd.DataFrame:
    """Long table: episode, signal_date, pair, horizon, dates, leg and relative returns (%)."""
    rows = []
    starts = sessions.get_indexer(pd.DatetimeIndex(episodes["signal_date"]))
    for pair_id, (num, den) in pairs.items():
        n = num.astype("float64").reindex(sessions).to_numpy()
        d = den.astype("float64").reindex(sessions).to_numpy()
        for h in horizons:
            ends = starts + h
            ok = (starts >= 0) & (ends < len(sessions))
            safe = np.where(ok, ends, 0)
            n_ret = np.where(ok, n[safe] / n[starts], np.nan)
            d_ret = np.where(ok, d[safe] / d[starts], np.nan)
            end_dates = np.where(ok, sessions.to_numpy()[safe], np.datetime64("NaT"))
            rows.append(
                pd.DataFrame(
                    {
                        "episode": episodes["episode"].to_numpy(),
                        "signal_date": episodes["signal_date"].to_numpy(),
                        "pair": pair_id,
                        "horizon": h,
                        "horizon_label": horizon_label(h),
                        "end_date": pd.DatetimeIndex(end_dates),
                        "numerator_return_pct": 100.0 * (n_ret - 1.0),
                        "denominator_return_pct": 100.0 * (d_ret - 1.0),
                        "forward_return_pct": 100.0 * (n_ret / d_ret - 1.0),
                        "realised_by_asof": ok & (end_dates <= np.datetime64(asof)),
                    }
                )
            )
    if not rows:
        return pd.DataFrame()
    return pd.concat(rows, ignore_index=True)


def summarise(forward: pd.DataFrame) -> pd.DataFrame:
    """Per pair × horizon over realised, defined returns: median, mean, hit_rate (% > 0), n."""
    cols = ["pair", "horizon", "horizon_label", "median", "mean", "hit_rate", "n"]
    if forward.empty:
        return pd.DataFrame(columns=cols)
    done = forward[forward["realised_by_asof"] & forward["forward_return_pct"].notna()]
    keys = forward[["pair", "horizon", "horizon_label"]].drop_duplicates()
    stats = done.groupby(["pair", "horizon"])["forward_return_pct"].agg(
        median="median", mean="mean", hit_rate=lambda s: 100.0 * float((s > 0).mean()), n="size"
    )
    out = keys.merge(stats.reset_index(), on=["pair", "horizon"], how="left")
    out["n"] = out["n"].fillna(0).astype("int64")
    return out[cols].reset_index(drop=True)


def find_analogs(
    breadth: pd.Series,
    index_close: pd.Series,
    pairs: dict[str, tuple[pd.Series, pd.Series]],
    params: AnalogParams,
    asof: pd.Timestamp | None = None,
) -> AnalogResult:
    """Episodes with signal date ≤ asof (default: last session), their forward returns."""
    sessions = pd.DatetimeIndex(breadth.index)
    when = pd.Timestamp(asof) if asof is not None else sessions.max()
    setup = setup_frame(breadth.loc[:when], index_close.loc[:when], params)
    episodes = episodes_from(setup, params.gap, params.breadth_column)
    episodes["contains_asof"] = episodes["end"] == when  # the as-of date's own episode
    forward = forward_returns(episodes, sessions, pairs, params.horizons, when)
    return AnalogResult(setup, episodes, forward, summarise(forward), when)
