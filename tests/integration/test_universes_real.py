"""The built-in S&P 500 (index-constitution) against fja05680/sp500 and the real price files.

Run with ``-s`` to see the summary (counts per year-end from both sources, symmetric
differences, membership tickers without a price column, and which of those are renames).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.universes import RENAMES, apply_renames, get_universe, membership_panel
from data.universes.intervals import normalize_intervals, normalize_ticker

pytestmark = pytest.mark.realdata

FJA_CURRENT_TO = pd.Timestamp("2025-07-09")  # membership.parquet is current to this date


class _NoStore:
    """No stored universes: ``get_universe`` falls through to the built-ins."""

    def list_universes(self) -> list[object]:
        return []


def fja_intervals(folder: Path) -> pd.DataFrame:
    """membership.parquet (end = removal day, made inclusive) + changes after 2025-07-09."""
    m = pd.read_parquet(folder / "membership.parquet")
    frame = pd.DataFrame(
        {
            "ticker": m["ticker"].map(normalize_ticker),
            "start_date": m["start_date"],
            "end_date": m["end_date"] - pd.Timedelta(days=1),
        }
    )
    frame = frame[frame["end_date"].isna() | (frame["end_date"] >= frame["start_date"])]
    rows = frame.to_dict("records")
    changes = pd.read_parquet(folder / "changes_since_2019.parquet")
    for change in changes[changes["date"] > FJA_CURRENT_TO].sort_values("date").itertuples():
        day = pd.Timestamp(change.date)
        for raw in str(change.remove).split(",") if isinstance(change.remove, str) else []:
            ticker = normalize_ticker(raw)
            for row in rows:
                if row["ticker"] == ticker and pd.isna(row["end_date"]):
                    row["end_date"] = day - pd.Timedelta(days=1)
        for raw in str(change.add).split(",") if isinstance(change.add, str) else []:
            rows.append({"ticker": normalize_ticker(raw), "start_date": day, "end_date": pd.NaT})
    return normalize_intervals(pd.DataFrame(rows))


def members_on(intervals: pd.DataFrame, day: pd.Timestamp) -> set[str]:
    live = (intervals["start_date"] <= day) & (
        intervals["end_date"].isna() | (intervals["end_date"] >= day)
    )
    return set(intervals.loc[live, "ticker"])


def test_univ101_sp500_vs_fja05680_and_prices(shared_data: Path) -> None:
    _, ic = get_universe(_NoStore(), "sp500")
    fja = apply_renames(fja_intervals(shared_data / "sp500_membership"))
    lines = ["year-end  index-constitution  fja05680  only-ic  only-fja  examples"]
    diffs: dict[int, int] = {}
    for year in range(1996, 2026):
        day = pd.Timestamp(f"{year}-12-31")
        a, b = members_on(ic, day), members_on(fja, day)
        diffs[year] = len(a ^ b)
        example = f"ic+{sorted(a - b)[:4]} fja+{sorted(b - a)[:4]}" if a ^ b else ""
        lines.append(
            f"{year}      {len(a):>5}  {len(b):>5}  {len(a - b):>4}  {len(b - a):>4}  {example}"
        )

    # Daily counts since 2013 through the panel builder (the production path).
    sessions = pd.bdate_range("2013-01-02", "2025-11-14")
    names = sorted(set(ic["ticker"]) | set(fja["ticker"]))
    n_ic = membership_panel(ic, sessions, names).sum(axis=1)
    n_fja = membership_panel(fja, sessions, names).sum(axis=1)
    gap = (n_ic - n_fja).abs()
    lines.append(
        f"business days 2013-01-02..2025-11-14: ic count {n_ic.min()}..{n_ic.max()}, "
        f"fja {n_fja.min()}..{n_fja.max()}, |difference| max {gap.max()} on "
        f"{gap.idxmax().date()}, mean {gap.mean():.2f}; 2015-06-30: ic {n_ic['2015-06-30']}, "
        f"fja {n_fja['2015-06-30']}"
    )

    # Membership tickers since 2013 vs the price file's columns.
    prices = pd.read_parquet(shared_data / "us_close_2013_2026" / "tickers.parquet")
    have = set(prices["ticker"])
    since = pd.Timestamp("2013-01-01")
    raw = fja_intervals(shared_data / "sp500_membership")
    raw_since = set(raw.loc[raw["end_date"].isna() | (raw["end_date"] >= since), "ticker"])
    missing_raw = sorted(raw_since - have)
    renamed = {old: new for old, new, _ in RENAMES if old in raw_since}
    fixed = {o: n for o, n in renamed.items() if o in missing_raw and n in have}
    reused = {o: n for o, n in renamed.items() if o in have and n in have}
    missing_after = sorted(
        set(fja.loc[fja["end_date"].isna() | (fja["end_date"] >= since), "ticker"]) - have
    )
    ic_missing = sorted(
        set(ic.loc[ic["end_date"].isna() | (ic["end_date"] >= since), "ticker"]) - have
    )
    lines += [
        f"fja tickers since 2013: {len(raw_since)}; no price column: {len(missing_raw)}",
        f"of those, renames of present tickers ({len(fixed)}): "
        + ", ".join(f"{o}->{n}" for o, n in sorted(fixed.items())),
        f"old symbol reused by another security in the price file ({len(reused)}): "
        + ", ".join(f"{o}->{n}" for o, n in sorted(reused.items())),
        f"still without prices after renames: {len(missing_after)}",
        f"index-constitution tickers since 2013 without prices: {len(ic_missing)}: "
        + " ".join(ic_missing),
        f"fja still missing: {' '.join(missing_after)}",
    ]
    print("\n" + "\n".join(lines))

    for year in range(1996, 2026):  # index-constitution is thin before 2008 (378 in 1996)
        day = pd.Timestamp(f"{year}-12-31")
        assert (480 if year >= 2008 else 350) <= len(members_on(ic, day)) <= 510, year
        assert 485 <= len(members_on(fja, day)) <= 510, year
    assert n_ic["2015-06-30"] == 497
    assert max(diffs[y] for y in range(2013, 2026)) <= 40
    assert {"ANTM", "WLTW", "FLT"} <= set(fixed) and {"FB", "LB", "IR"} <= set(reused)
    assert len(missing_after) < len(missing_raw)
