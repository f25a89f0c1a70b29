"""Point-in-time universes and constituent-built benchmark indexes of the simulated market.

Reconstitution follows the Russell calendar: stocks are ranked by market cap (shares × close)
on the last session of May and the new membership takes effect on the first session after the
fourth Friday of June; the first membership is ranked on the first session. IPOs join the
size universes at the next reconstitution; delisted stocks leave on their last bar.

Benchmark daily return on session t (fraction)::

    R_U[t] = Σ_i w_i[t-1] · r_i[t] / Σ_i w_i[t-1]   over members i of U on t with bars on t-1, t

with w = market cap at the previous close (cap weight) or 1 (equal weight): no look-ahead.
Levels start at 100. Everything here is simulated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def reconstitution_schedule(dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Session indexes ``(effective, rank)`` of each membership period, first one at 0."""
    eff, rank = [0], [0]
    for year in range(dates[0].year, dates[-1].year + 1):
        june1 = pd.Timestamp(year, 6, 1)
        fourth_friday = june1 + pd.Timedelta(days=(4 - june1.weekday()) % 7 + 21)
        e = int(dates.searchsorted(fourth_friday, side="right"))
        r = int(dates.searchsorted(pd.Timestamp(year, 6, 1), side="left")) - 1
        if r >= 0 and e < len(dates) and e > eff[-1]:
            eff.append(e)
            rank.append(r)
    return np.array(eff), np.array(rank)


@dataclass(frozen=True)
class Membership:
    """Per-period member flags ``(n_periods, n_stocks)`` of each period-based universe."""

    eff: np.ndarray  # session index where each period starts
    groups: dict[str, np.ndarray]  # universe key -> bool (n_periods, n_stocks)


def size_membership(
    dates: pd.DatetimeIndex,
    close: np.ndarray,
    shares: np.ndarray,
    style: np.ndarray,
    list_idx: np.ndarray,
    delist_idx: np.ndarray,
    n_large: int,
    n_mid: int,
) -> Membership:
    """Large (top ``n_large`` caps), small (the rest), mid (large ranks below ``n_large - n_mid``)
    and value/growth halves of large (style score at/above and below the members' median).

    ``close`` is the published close panel (NaN without a bar; a halted stock's last close
    within 5 sessions is used on the rank date). Eligible: listed on the rank date and still
    listed on the effective date.
    """
    eff, rank = reconstitution_schedule(dates)
    n_per, n = len(eff), close.shape[1]
    groups = {k: np.zeros((n_per, n), bool) for k in ("large", "small", "mid", "value", "growth")}
    for p, (e, r) in enumerate(zip(eff, rank, strict=True)):
        px = close[max(0, r - 5) : r + 1]
        last = pd.DataFrame(px).ffill().to_numpy()[-1]
        cap = np.where((list_idx <= r) & (delist_idx >= e), last * shares, np.nan)
        ok = np.isfinite(cap)
        order = np.argsort(-np.where(ok, cap, -np.inf), kind="stable")[: int(ok.sum())]
        large, small = order[:n_large], order[n_large:]
        groups["large"][p, large] = True
        groups["small"][p, small] = True
        groups["mid"][p, large[n_large - n_mid :]] = True
        med = np.median(style[large]) if len(large) else 0.0
        groups["value"][p, large[style[large] >= med]] = True
        groups["growth"][p, large[style[large] < med]] = True
    return Membership(eff, groups)


def intervals(
    member: np.ndarray,
    eff: np.ndarray,
    list_idx: np.ndarray,
    delist_idx: np.ndarray,
    delisted: np.ndarray,
    dates: pd.DatetimeIndex,
    tickers: np.ndarray,
) -> pd.DataFrame:
    """Membership intervals ``ticker, start_date, end_date`` (inclusive; NaT = still a member)
    from per-period flags, merged over consecutive periods and cut at each stock's listed life.
    """
    n_per = member.shape[0]
    zero = np.zeros((1, member.shape[1]), bool)
    starts = member & ~np.vstack([zero, member[:-1]])
    ends = member & ~np.vstack([member[1:], zero])
    i_s, p_s = np.nonzero(starts.T)
    i_e, p_e = np.nonzero(ends.T)
    n_days = len(dates)
    period_end = np.append(eff[1:] - 1, n_days - 1)
    s_idx = np.maximum(eff[p_s], list_idx[i_s])
    e_idx = np.minimum(period_end[p_e], delist_idx[i_e])
    open_end = (p_e == n_per - 1) & ~delisted[i_e]
    end = pd.DatetimeIndex(dates[e_idx]).where(~open_end, pd.NaT)
    return pd.DataFrame(
        {
            "ticker": tickers[i_s].astype(object),
            "start_date": dates[s_idx],
            "end_date": end,
        }
    )


def life_intervals(
    list_idx: np.ndarray,
    delist_idx: np.ndarray,
    delisted: np.ndarray,
    dates: pd.DatetimeIndex,
    tickers: np.ndarray,
) -> pd.DataFrame:
    """One interval per stock: its listed life (``end_date`` NaT when still listed)."""
    end = pd.DatetimeIndex(dates[delist_idx]).where(delisted, pd.NaT)
    return pd.DataFrame(
        {"ticker": tickers.astype(object), "start_date": dates[list_idx], "end_date": end}
    )


def benchmark_levels(
    close: np.ndarray,
    shares: np.ndarray,
    eff: np.ndarray,
    masks: dict[str, np.ndarray],
    equal: frozenset[str],
) -> dict[str, np.ndarray]:
    """Index levels (start 100) per benchmark from per-period member flags ``(n_periods, n)``.

    Cap-weighted unless the name is in ``equal``. A stock counts on session t when it is a
    member in t's period and has closes on t-1 and t (see the module docstring).
    """
    names = list(masks)
    n_days = close.shape[0]
    prev = close[:-1].astype(np.float64)
    ret = close[1:] / prev
    ret -= 1.0
    invalid = ~np.isfinite(ret)
    np.copyto(ret, 0.0, where=invalid)
    w = prev * shares
    np.copyto(w, 0.0, where=invalid)
    wr = w * ret
    del prev
    out_ret = np.zeros((n_days, len(names)))
    bounds = np.append(eff, n_days)
    is_eq = np.array([name in equal for name in names])
    for p in range(len(eff)):
        t0, t1 = max(bounds[p], 1), bounds[p + 1]
        if t1 <= t0:
            continue
        member = np.stack([masks[name][p] for name in names], axis=1)
        m = member.astype(np.float64)
        rows = slice(t0 - 1, t1 - 1)
        num = wr[rows] @ m
        den = w[rows] @ m
        for k in np.flatnonzero(is_eq):
            num[:, k] = ret[rows] @ m[:, k]
            den[:, k] = (~invalid[rows] & member[:, k]).sum(axis=1)
        out_ret[t0:t1] = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    levels = 100.0 * np.cumprod(1.0 + out_ret, axis=0)
    return {name: levels[:, k] for k, name in enumerate(names)}
