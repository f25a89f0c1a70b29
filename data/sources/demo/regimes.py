"""Market regimes of the simulated (demo) market and the daily factor returns they drive.

A semi-Markov chain of regimes (bull, narrow mega-cap rally, chop, bear, crash, recovery),
each lasting a random number of sessions, sets the drift and volatility of the factors:

- ``mkt``  market (every stock loads with its beta),
- ``smb``  small minus big (loading -0.5 × standardised log market cap),
- ``hml``  value minus growth (loading = style score, value > 0 > growth),
- ``mega`` large-cap growth (loading > 0 only for the largest growth-tilted names): in a
  "narrow" regime it drifts up while the market factor drifts down, so a cap-weighted index
  rises while the median stock goes sideways or down,
- one factor per sector (with a random drift per regime segment: sector rotation).

All factor returns are daily log returns (fractions, e.g. 0.01 = 1%). Simulated data only.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd


class Regime(NamedTuple):
    """Drifts (mu) and volatilities (sig) of the factors, daily log-return units."""

    name: str
    mkt_mu: float
    mkt_sig: float
    smb_mu: float
    hml_mu: float
    mega_mu: float
    idio_mult: float
    min_len: int
    max_len: int


REGIMES: tuple[Regime, ...] = (
    Regime("bull", 0.00035, 0.008, 0.0001, 0.0000, 0.0002, 1.0, 150, 350),
    Regime("narrow", -0.0003, 0.008, -0.0006, -0.0006, 0.0020, 1.0, 90, 220),
    Regime("chop", 0.0001, 0.011, 0.0000, 0.0000, 0.0000, 1.1, 60, 160),
    Regime("bear", -0.0018, 0.016, -0.0006, 0.0004, -0.0005, 1.2, 80, 170),
    Regime("crash", -0.0150, 0.030, -0.0020, 0.0000, 0.0000, 1.3, 15, 30),
    Regime("recovery", 0.0028, 0.015, 0.0015, 0.0003, -0.0005, 1.0, 60, 120),
)
"""The regime table; ``min_len``/``max_len`` are durations in sessions."""

_NAMES = [r.name for r in REGIMES]
# Transition probabilities between segments (rows: from, columns: to, order of REGIMES).
_TRANSITIONS = np.array(
    [
        [0.00, 0.30, 0.35, 0.15, 0.20, 0.00],  # bull
        [0.20, 0.00, 0.30, 0.20, 0.30, 0.00],  # narrow
        [0.45, 0.15, 0.00, 0.25, 0.15, 0.00],  # chop
        [0.00, 0.00, 0.20, 0.00, 0.20, 0.60],  # bear
        [0.00, 0.00, 0.00, 0.00, 0.00, 1.00],  # crash
        [0.70, 0.00, 0.30, 0.00, 0.00, 0.00],  # recovery
    ]
)
_FALLBACK = ("bull", "narrow", "crash", "recovery", "bull", "chop", "bear", "recovery")

FACTOR_SIG = {"smb": 0.004, "hml": 0.004, "mega": 0.005, "sector": 0.005}
"""Base daily volatilities of the style and sector factors (scaled by the regime's mkt_sig)."""


MARKET_DRIFT = (0.015, 0.045)
"""Range of the realised market-factor log drift per year (252 sessions)."""
SMB_DRIFT = (-0.03, 0.0)
"""Range of the realised small-minus-big factor log drift per year."""
MEGA_DRIFT = (0.0, 0.03)
"""Range of the realised mega-cap growth factor log drift per year."""


def _chain(rng: np.random.Generator, n_days: int) -> list[tuple[int, int]]:
    """Segments (regime index, length in sessions) covering at least ``n_days``."""
    state = 0
    segs: list[tuple[int, int]] = []
    total = 0
    while total < n_days:
        reg = REGIMES[state]
        length = int(rng.integers(reg.min_len, reg.max_len + 1))
        # the first segment is a long bull run, so 200-day averages exist before any crash
        if not segs:
            length = max(length, 260)
        segs.append((state, length))
        total += length
        state = int(rng.choice(len(REGIMES), p=_TRANSITIONS[state]))
    return segs


def _acceptable(segs: list[tuple[int, int]], n_days: int) -> bool:
    """A history must hold a crash then a recovery, and a narrow rally, before its end."""
    start = 0
    crash = narrow = False
    for k, (state, length) in enumerate(segs):
        name = _NAMES[state]
        if name == "crash" and start + length + 60 < n_days and k + 1 < len(segs):
            crash = True
        if name == "narrow" and start + 60 < n_days:
            narrow = True
        start += length
    return crash and narrow


def regime_segments(rng: np.random.Generator, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """The regime path: one row per segment with ``regime, start, end`` (inclusive dates).

    Drawn from the Markov chain (up to 200 tries until the history holds a crash followed by a
    recovery and a narrow rally); a scripted sequence is the fallback for short histories.
    """
    n = len(dates)
    segs: list[tuple[int, int]] = []
    for _ in range(200):
        segs = _chain(rng, n)
        if _acceptable(segs, n):
            break
    else:
        lens = (260, 120, 25, 90, 200, 100, 120, 80)
        segs = [(_NAMES.index(name), ln) for name, ln in zip(_FALLBACK, lens, strict=True)]
        while sum(ln for _, ln in segs) < n:
            segs.append((0, 250))
    starts = np.cumsum([0] + [ln for _, ln in segs[:-1]])
    rows = []
    for (state, _), s0, s1 in zip(segs, starts, [*starts[1:], n], strict=True):
        if s0 >= n:
            break
        rows.append((_NAMES[state], int(s0), int(min(s1, n)) - 1))
    out = pd.DataFrame(rows, columns=["regime", "start_idx", "end_idx"])
    out["start"] = dates[out["start_idx"].to_numpy()]
    out["end"] = dates[out["end_idx"].to_numpy()]
    return out


def factor_returns(
    rng: np.random.Generator, segments: pd.DataFrame, n_sectors: int
) -> tuple[np.ndarray, np.ndarray]:
    """Daily factor log returns ``(n_days, 4 + n_sectors)`` and the idio multiplier per day.

    Columns: mkt, smb, hml, mega, then one per sector. Drifts come from the regime plus a random
    per-segment tilt (style and sector rotation); volatility scales with the regime's mkt_sig.
    The totals over the history of the market, size and mega-cap columns are pinned to draws
    from MARKET_DRIFT, SMB_DRIFT and MEGA_DRIFT.
    """
    lengths = (segments["end_idx"] - segments["start_idx"] + 1).to_numpy()
    regs = [REGIMES[_NAMES.index(name)] for name in segments["regime"]]
    n_seg = len(regs)
    k = 4 + n_sectors
    mu = np.zeros((n_seg, k))
    sig = np.zeros((n_seg, k))
    for j, reg in enumerate(regs):
        scale = reg.mkt_sig / 0.010
        mu[j, :4] = (reg.mkt_mu, reg.smb_mu, reg.hml_mu, reg.mega_mu)
        sig[j, 0] = reg.mkt_sig
        sig[j, 1:4] = (FACTOR_SIG["smb"], FACTOR_SIG["hml"], FACTOR_SIG["mega"])
        sig[j, 1:4] *= np.sqrt(scale)
        sig[j, 4:] = FACTOR_SIG["sector"] * np.sqrt(scale)
    # rotation: random tilts per segment for value/growth, mega caps and sectors
    mu[:, 2] += rng.normal(0.0, 0.0003, n_seg)
    mu[:, 3] += rng.normal(0.0, 0.0002, n_seg)
    mu[:, 4:] += rng.normal(0.0, 0.0005, (n_seg, n_sectors))
    mu_d = np.repeat(mu, lengths, axis=0)
    sig_d = np.repeat(sig, lengths, axis=0)
    f = mu_d + sig_d * rng.standard_normal(mu_d.shape)
    # pin the realised long-run drifts (log, per year) so every seed gives a plausible history;
    # corrections are spread over the sessions where the regime does not set that factor
    names = np.repeat([r.name for r in regs], lengths)
    for col, (lo, hi), spared in (
        (0, MARKET_DRIFT, ("bear", "crash")),
        (1, SMB_DRIFT, ("crash", "recovery")),
        (3, MEGA_DRIFT, ("narrow",)),
    ):
        free = ~np.isin(names, spared)
        target = rng.uniform(lo, hi) * len(f) / 252.0
        f[free, col] += (target - f[:, col].sum()) / max(int(free.sum()), 1)
    idio = np.repeat(np.array([r.idio_mult for r in regs]), lengths)
    return f, idio
