"""The note the Claim check tab checks: its date, what it said, and how close counts as agreeing.

Declared once here; ``indicators.verdicts`` holds the rules that read it (verdict, nearest
alternative definition), ``service.rotation.RotationService.claims`` applies them, and the
page (``components.claims``), the ``export claims`` CSV and docs/INDICATORS.md show them.

Tolerances (percentage points), and why:

- **Breadth levels, ±1 pp.** The note gives whole or one-decimal percentages ("~55%",
  "3.8%"): rounding alone is ±0.5 pp. The stored universes stand in for the index
  provider's lists (the Russell 3000 proxy is today's holdings of IWM ∪ IWD ∪ IWF, the
  S&P 500 is point in time but misses delisted names), which moves a breadth share by a few
  tenths of a point. More than 1 pp apart is a different figure, not rounding.
- **Returns, ±2 pp.** The note quotes index returns rounded to the whole percent ("+28%");
  the stored series are ETF adjusted closes, i.e. total returns, which run ahead of the price
  index by the dividends (SPY +28.7% vs ^GSPC +28.2% from 2025-04-08 to 2025-07-28; IWM
  ≈ 0.7 pp over seven months). Rounding (±0.5) plus dividends (≤ 1 pp over a year) plus
  tracking stays within 2 pp.
"""

from __future__ import annotations

from datetime import date

from indicators.verdicts import Stated

NOTE_DATE = date(2025, 7, 28)
"""The note's date (July 2025): verdicts are given for this as-of session only."""

NEARBY_SESSIONS = 5
"""Sessions before the as-of date tried as alternatives for the % at 52-week highs (a week:
a note's figures are often taken a few sessions before it is published)."""

NEAR_HIGH_PCTS: tuple[float, ...] = (0.0, 1.0)
"""Alternative definitions of "at a 52-week high": made or matched it (0), within 1% of it."""

LEVEL_TOLERANCE = 1.0
RETURN_TOLERANCE = 2.0
LEVEL_WHY = "the note rounds (±0.5 pp) and the universe is a proxy of the index's list"
RETURN_WHY = "the note rounds to the whole percent; adjusted closes add dividends (≤1 pp)"
SP500_SERIES = ("SPY", "IVV", "VOO", "^GSPC")
RUSSELL2000_SERIES = ("IWM", "^RUT")

NOTE: tuple[Stated, ...] = (
    Stated(
        "pct_above_200dma",
        "Russell 3000",
        "~55% of Russell 3000 stocks above their 200-day average (long-run ~57%)",
        55.0,
        LEVEL_TOLERANCE,
        LEVEL_WHY,
        universe="russell3000",
        long_run=57.0,
    ),
    Stated(
        "pct_new_highs_52w",
        "Russell 3000",
        "3.8% of Russell 3000 stocks at 52-week highs",
        3.8,
        LEVEL_TOLERANCE,
        LEVEL_WHY,
        universe="russell3000",
    ),
    Stated(
        "pct_new_highs_52w",
        "S&P 500",
        "9.3% of S&P 500 stocks at 52-week highs",
        9.3,
        LEVEL_TOLERANCE,
        LEVEL_WHY,
        universe="sp500",
    ),
    Stated(
        "index_gain_from_12m_low",
        "S&P 500",
        "S&P 500 +28% from its April low",
        28.0,
        RETURN_TOLERANCE,
        RETURN_WHY,
        series=SP500_SERIES,
    ),
    Stated(
        "small_caps_ytd",
        "Russell 2000",
        "Russell 2000 +1.2% year to date",
        1.2,
        RETURN_TOLERANCE,
        RETURN_WHY,
        series=RUSSELL2000_SERIES,
    ),
    Stated(
        "value_vs_growth_since_low",
        "value vs growth",
        "value about to catch up (a forecast, no figure; analogs 2015, 2023)",
        None,
        RETURN_TOLERANCE,
        "no figure to check",
    ),
    Stated(
        "small_vs_large_since_low",
        "small vs large caps",
        "small caps about to catch up (a forecast, no figure; analogs 2015, 2023)",
        None,
        RETURN_TOLERANCE,
        "no figure to check",
    ),
)
"""What the note (July 2025) said, one statement per claim and subject."""

NOTE_UNIVERSES: tuple[str, str] = ("russell3000", "sp500")
"""The universes the note's breadth figures are about: (the broad one, the comparison)."""
