"""Stocks and daily bars of the simulated (demo) market: a factor model with fat tails.

Daily log return of stock i on session t (fractions)::

    r[t, i] = alpha_i + F[t] @ L[:, i] + idio_vol_i · m_t · s[b(t), i] · z[t, i] + jumps

F are the factor returns of :mod:`data.sources.demo.regimes` (market, size, value, mega-cap
growth, sector), L the loadings, m_t the regime's idiosyncratic multiplier, z standard normal
and s a Student-t scale mixture (sqrt((df-2)/chi2_df)) held over 5-session blocks, so the
idiosyncratic return is fat-tailed (t with 4 d.o.f.) with volatility clustering. ``jumps`` are
quarterly earnings gaps (scaled Student-t). Listings after the start, acquisitions (a premium
jump, then a quiet deal spread until delisting), bankruptcies (delisted once the close is
96% below its high since listing, with a final collapse) and 1–3-session trading halts are
applied on top. Everything here is simulated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Sector table, in the order of data.benchmarks.SECTORS:
# (share of stocks, base beta, style tilt: + value / - growth)
SECTOR_PARAMS: dict[str, tuple[float, float, float]] = {
    "Communication Services": (0.05, 1.05, -0.4),
    "Consumer Discretionary": (0.11, 1.15, -0.3),
    "Consumer Staples": (0.05, 0.65, 0.3),
    "Energy": (0.06, 1.10, 0.8),
    "Financials": (0.16, 1.05, 0.7),
    "Health Care": (0.14, 0.90, -0.2),
    "Industrials": (0.14, 1.05, 0.2),
    "Information Technology": (0.14, 1.20, -0.8),
    "Materials": (0.05, 1.05, 0.4),
    "Real Estate": (0.07, 0.85, 0.4),
    "Utilities": (0.03, 0.55, 0.6),
}

CAP_MEDIAN = 1.2e9
"""Median market cap at listing, USD; log caps are normal with sd CAP_LOG_SD."""
CAP_LOG_SD = 1.7
BANKRUPT_DRAWDOWN = 0.96
"""Delisted as bankrupt once the close is this fraction below its high since listing."""


@dataclass(frozen=True)
class Stocks:
    """Per-stock parameters (arrays of length n, in ticker order). Units noted per field."""

    sector: np.ndarray  # int index into SECTOR_PARAMS
    style: np.ndarray  # style score, value > 0 > growth (standard-normal-ish)
    cap0: np.ndarray  # market cap at listing, USD
    price0: np.ndarray  # close on the listing session, USD
    shares: np.ndarray  # shares outstanding (constant), count
    beta: np.ndarray  # market beta
    idio_vol: np.ndarray  # daily idiosyncratic volatility, fraction
    alpha: np.ndarray  # daily drift, log-return
    turnover: np.ndarray  # median daily share turnover, fraction of shares
    list_idx: np.ndarray  # session index of the first bar


def make_stocks(rng: np.random.Generator, n: int, n_days: int) -> Stocks:
    """Draw the stocks: sectors, styles, caps (lognormal, with mega caps), betas, listings.

    About 7.5% of stocks list after the first session (IPOs, somewhat smaller on average).
    """
    params = np.array(list(SECTOR_PARAMS.values()))
    sector = rng.choice(len(params), size=n, p=params[:, 0] / params[:, 0].sum())
    style = np.clip(params[sector, 2] + rng.normal(0.0, 0.8, n), -2.5, 2.5)
    late = rng.random(n) < 0.075
    lo, hi = min(21, n_days - 1), max(22, n_days - 126)
    list_idx = np.where(late, rng.integers(lo, hi, n), 0)
    log_cap = np.log(CAP_MEDIAN) + CAP_LOG_SD * rng.standard_normal(n) - 0.4 * late
    z = (log_cap - np.log(CAP_MEDIAN)) / CAP_LOG_SD
    price0 = np.clip(np.exp(np.log(25.0) + 0.25 * z + 0.8 * rng.standard_normal(n)), 2.0, 900.0)
    idio = np.clip(0.018 * np.exp(-0.22 * z + 0.22 * rng.standard_normal(n)), 0.007, 0.035)
    beta = np.clip(params[sector, 1] + 0.05 * np.clip(-z, -2, 2) + rng.normal(0, 0.2, n), 0.3, 2.0)
    return Stocks(
        sector=sector,
        style=style,
        cap0=np.exp(log_cap),
        price0=price0,
        shares=np.exp(log_cap) / price0,
        beta=beta,
        idio_vol=idio,
        alpha=rng.normal(0.0, 0.0001, n) + 0.3 * idio**2,
        turnover=np.clip(0.006 * np.exp(-0.15 * z + 0.4 * rng.standard_normal(n)), 5e-4, 0.05),
        list_idx=list_idx,
    )


def loadings(stocks: Stocks, n_sectors: int) -> np.ndarray:
    """Factor loadings ``(4 + n_sectors, n)``: beta, size, value, mega-cap growth, sector."""
    z = (np.log(stocks.cap0) - np.log(CAP_MEDIAN)) / CAP_LOG_SD
    n = len(z)
    out = np.zeros((4 + n_sectors, n))
    out[0] = stocks.beta
    out[1] = np.clip(-0.5 * z, -1.5, 1.5)
    out[2] = stocks.style
    out[3] = np.clip(z - 1.5, 0.0, 1.5) * (0.6 + 0.4 * np.clip(-stocks.style, 0.0, 1.0))
    out[4 + stocks.sector, np.arange(n)] = 1.0
    return out


@dataclass(frozen=True)
class Paths:
    """Simulated log returns and log closes ``(n_days, n)`` plus life events per stock."""

    lr: np.ndarray  # daily log return, float32 (defined before listing too: unobserved)
    logp: np.ndarray  # log close, float32
    alive: np.ndarray  # bool: a bar exists (listed, not delisted, not halted)
    delist_idx: np.ndarray  # session of the last bar (n_days - 1 when still listed)
    delisted: np.ndarray  # bool
    reason: np.ndarray  # "", "acquired" or "bankrupt"
    n_halts: int


def simulate_paths(
    rng: np.random.Generator, stocks: Stocks, factors: np.ndarray, idio_mult: np.ndarray
) -> Paths:
    """Log-return paths under the factor model, with acquisitions, bankruptcies and halts."""
    n_days, n = factors.shape[0], len(stocks.beta)
    f32 = np.float32
    lr = factors.astype(f32) @ loadings(stocks, factors.shape[1] - 4).astype(f32)
    lr += stocks.alpha.astype(f32)
    # fat-tailed idiosyncratic part: normal × Student-t scale held over 5-session blocks
    n_blocks, df = -(-n_days // 5), 4.0
    idio = rng.standard_normal((n_blocks, 5, n), dtype=np.float32)
    scale = np.sqrt((df - 2.0) / rng.chisquare(df, (n_blocks, n))).astype(np.float32)
    scale *= stocks.idio_vol.astype(f32)
    idio *= scale[:, None, :]
    idio = idio.reshape(n_blocks * 5, n)[:n_days]
    idio *= idio_mult.astype(f32)[:, None]
    lr += idio
    del idio
    # quarterly earnings gaps: one session in every 63, Student-t (3 d.o.f.) sized
    offsets = rng.integers(0, 63, n)
    quarters = np.arange(0, n_days, 63)
    t_idx = (quarters[:, None] + offsets[None, :]).ravel()
    i_idx = np.tile(np.arange(n), len(quarters))
    keep = t_idx < n_days
    t_idx, i_idx = t_idx[keep], i_idx[keep]
    lr[t_idx, i_idx] += 1.5 * stocks.idio_vol[i_idx] * rng.standard_t(3, len(t_idx))
    # acquisitions: a premium jump on announcement, then a quiet deal spread until delisting
    delist_idx = np.full(n, n_days - 1)
    reason = np.full(n, "", dtype=object)
    life_ok = stocks.list_idx + 150 < n_days - 40
    acq = np.flatnonzero((rng.random(n) < 0.035) & life_ok)
    ann = rng.integers(stocks.list_idx[acq] + 126, n_days - 30)
    end = np.minimum(ann + rng.integers(15, 70, len(acq)), n_days - 2)
    lr[ann, acq] += np.log1p(rng.uniform(0.15, 0.5, len(acq)))
    tt = np.arange(n_days)[:, None]
    quiet = (tt > ann) & (tt <= end)
    lr[:, acq] *= np.where(quiet, f32(0.1), f32(1.0))
    delist_idx[acq] = end
    reason[acq] = "acquired"
    # distress: a few stocks get a long negative drift (most end in bankruptcy below)
    dis = np.flatnonzero((rng.random(n) < 0.015) & life_ok)
    d0 = rng.integers(stocks.list_idx[dis] + 60, n_days - 60)
    d1 = d0 + rng.integers(120, 320, len(dis))
    drift = rng.uniform(0.004, 0.012, len(dis))
    lr[:, dis] -= np.where((tt >= d0) & (tt < d1), drift.astype(f32), f32(0.0))
    # log closes: the close on the listing session equals price0
    logp = np.cumsum(lr, axis=0, dtype=f32)
    logp += (np.log(stocks.price0) - logp[stocks.list_idx, np.arange(n)]).astype(f32)
    # bankruptcy: first session 20+ after listing with the close 96% below its high
    listed = tt >= stocks.list_idx
    high = np.maximum.accumulate(np.where(listed, logp, f32(-np.inf)), axis=0)
    bust = (logp - high <= np.log1p(-BANKRUPT_DRAWDOWN)) & (tt >= stocks.list_idx + 20)
    bust[n_days - 1 :] = False
    first = bust.argmax(axis=0)
    is_bust = bust[first, np.arange(n)] & (first < delist_idx)
    b = np.flatnonzero(is_bust)
    lr[first[b], b] -= 0.5
    logp[first[b], b] -= 0.5
    delist_idx[b] = first[b]
    reason[b] = "bankrupt"
    delisted = reason != ""
    alive = listed & (tt <= delist_idx)
    # trading halts: 1–3 sessions with no bar inside a listed life
    life = delist_idx - stocks.list_idx
    cand = np.flatnonzero(life > 40)
    n_halts = min(len(cand), max(3, n // 100))
    h = rng.choice(cand, n_halts, replace=False)
    h0 = rng.integers(stocks.list_idx[h] + 10, delist_idx[h] - 13)
    h_len = rng.integers(1, 4, n_halts)
    for k in range(3):
        hit = h_len > k
        alive[h0[hit] + k, h[hit]] = False
    return Paths(lr, logp, alive, delist_idx, delisted, reason, n_halts)


def ohlcv(
    rng: np.random.Generator, stocks: Stocks, paths: Paths
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Open, high, low, close (float32, USD) and volume (float64, shares), NaN without a bar.

    open = previous close × exp(0.3 · r + overnight noise); high/low extend max/min(open,
    close) by half-normal excursions, so low ≤ min(open, close) ≤ max(open, close) ≤ high.
    Volume = shares × turnover × (0.6 + |excursions| + 25·|r|).
    """
    lr, logp = paths.lr, paths.logp
    n_days, n = lr.shape
    f32 = np.float32
    sv = (0.5 * stocks.idio_vol).astype(f32)
    noise = rng.standard_normal((3, n_days, n), dtype=f32)
    np.abs(noise[1:], out=noise[1:])
    c = logp.copy()
    o = logp - f32(0.7) * lr
    o += noise[0] * (0.6 * sv)
    hi = np.maximum(o, c)
    hi += noise[1] * sv
    lo = np.minimum(o, c)
    lo -= noise[2] * sv
    mask = np.where(paths.alive, f32(1.0), f32(np.nan))
    for x in (o, hi, lo, c):
        np.exp(x, out=x)
        x *= mask
    # guard the invariants against float32 rounding in exp
    np.maximum(hi, np.maximum(o, c), out=hi)
    np.minimum(lo, np.minimum(o, c), out=lo)
    mult = noise[1] + noise[2]
    mult += f32(0.6)
    mult += f32(25.0) * np.abs(lr).astype(f32)
    mult *= mask
    vol = np.rint(mult * (stocks.shares * stocks.turnover)).astype(np.float64)
    np.maximum(vol, 100.0, out=vol)  # NaN stays NaN
    return o, hi, lo, c, vol
