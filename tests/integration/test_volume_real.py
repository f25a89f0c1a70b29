"""Volume breadth on the real OHLCV set (../shared/data/us_stocks_ohlcv_2013_2024, imported
through the store as a user would) with the S&P 500's point-in-time membership."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.jobs import import_files
from data.store import Store
from data.universes import apply_renames, get_universe, membership_panel
from service.breadth import VOLUME_COLUMNS, BreadthQuery, BreadthService
from service.exports import export_breadth_csv
from tests.integration.test_universes_real import fja_intervals, members_on
from tests.reference_volume import reference_volume_breadth

pytestmark = pytest.mark.realdata

SP500 = BreadthQuery(universe="sp500")
# (up volume, down volume, advances, declines) of the S&P 500 members in the file, adjusted
# closes vs each member's previous bar; volumes in shares as the file has them
CHECKED = {
    "2020-03-16": (160_430_200, 5_001_153_704, 9, 459),  # S&P 500 -12%
    "2020-03-24": (5_044_992_753, 108_952_400, 458, 10),  # S&P 500 +9.4%
    "2022-06-13": (24_124_100, 3_154_077_146, 4, 481),
    "2023-12-29": (369_238_651, 1_287_109_700, 145, 342),
}


@pytest.fixture(scope="module")
def ohlcv(shared_data: Path) -> Path:
    return shared_data / "us_stocks_ohlcv_2013_2024" / "prices.parquet"


@pytest.fixture(scope="module")
def store(ohlcv: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    root = tmp_path_factory.mktemp("volume-real") / "store"
    root.mkdir()
    import_files(Store(root), [ohlcv], replace=False)
    return Store(root)


@pytest.fixture(scope="module")
def long(ohlcv: Path) -> pd.DataFrame:
    """The file in long form with each ticker's previous bar's adjusted close."""
    px = pd.read_parquet(ohlcv, columns=["date", "ticker", "adj_close", "volume"])
    px = px.sort_values(["ticker", "date"])
    px["prev"] = px.groupby("ticker")["adj_close"].shift(1)
    return px


def _long_figures(long: pd.DataFrame, members: set[str], day: pd.Timestamp) -> tuple[float, ...]:
    """(up volume, down volume, advances, declines) from the long file, no wide panel."""
    rows = long[(long["date"] == day) & long["ticker"].isin(members) & long["prev"].notna()]
    up, down = rows["adj_close"] > rows["prev"], rows["adj_close"] < rows["prev"]
    vol = rows["volume"].astype("float64")
    return float(vol[up].sum()), float(vol[down].sum()), float(up.sum()), float(down.sum())


def test_volreal001_sp500_equals_reference_and_long_form(
    store: Store, long: pd.DataFrame, shared_data: Path
) -> None:
    svc = BreadthService(store)
    got = svc.volume(SP500)
    assert list(got.columns[:5]) == list(VOLUME_COLUMNS)
    # the fast path vs the per-ticker reference over the same point-in-time panel: exact
    _, intervals = get_universe(store, "sp500")
    prices = store.read_prices(sorted(set(intervals["ticker"])), fields=("close", "volume"))
    assert prices.volume is not None
    member = membership_panel(intervals, prices.dates, prices.tickers)
    ref = reference_volume_breadth(prices.close, prices.volume, member)
    pd.testing.assert_frame_equal(got[list(VOLUME_COLUMNS)], ref, check_freq=False, rtol=1e-13)
    breadth = svc.breadth(SP500)
    fja = apply_renames(fja_intervals(shared_data / "sp500_membership"))
    for text, (up, down, adv, dec) in CHECKED.items():
        day = pd.Timestamp(text)
        row = got.loc[day]
        assert (row["up_volume"], row["down_volume"]) == (up, down)
        assert (breadth.loc[day, "advances"], breadth.loc[day, "declines"]) == (adv, dec)
        assert row["up_volume_pct"] == pytest.approx(100 * up / (up + down))
        assert row["arms_index"] == pytest.approx((adv / dec) / (up / down))
        # from the long file with the same membership (no wide panel, no kernel): exact
        assert _long_figures(long, members_on(intervals, day), day) == (up, down, adv, dec)
        # fja05680's membership differs by a few names: within 1 pp and 3 % of the Arms
        u2, d2, a2, n2 = _long_figures(long, members_on(fja, day), day)
        assert 100 * u2 / (u2 + d2) == pytest.approx(row["up_volume_pct"], abs=1.0)
        assert (a2 / n2) / (u2 / d2) == pytest.approx(row["arms_index"], rel=0.03)
    march = got.loc["2020-03-16":"2020-03-24", "up_volume_pct"]
    assert march.loc["2020-03-16"] < 5 and march.loc["2020-03-24"] > 95
    # the A/D volume line is the running sum from the first stored session
    net = (got["up_volume"] - got["down_volume"]).fillna(0).cumsum()
    np.testing.assert_array_equal(got["ad_volume_line"].dropna(), net[got["up_volume"].notna()])


def test_volreal002_export_breadth_carries_the_volume_columns(store: Store) -> None:
    text = export_breadth_csv(store, universe="sp500", start=pd.Timestamp("2020-03-02").date())
    table = pd.read_csv(io.StringIO(text), index_col="date", parse_dates=["date"])
    assert list(table.columns[-5:]) == list(VOLUME_COLUMNS)
    up, down, _, _ = CHECKED["2020-03-16"]
    assert table.loc["2020-03-16", "up_volume"] == up
    assert table.loc["2020-03-16", "down_volume"] == down
