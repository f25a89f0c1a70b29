"""Issue #15 items 1 and 2 on the page, on the real close file (../shared/data, Russell 3000
proxy): the window-set charts draw the values ``export breadth`` writes, and the 200-day line
reads the data README's checked number.

Run with -s to see the values an analyst can check.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.jobs import import_files
from data.model import UniverseInfo
from data.store import Store
from service.breadth import BreadthService
from tests.unit.test_windows_page import dates, traces, values

pytestmark = pytest.mark.realdata
DAY = pd.Timestamp("2025-07-28")
QUERY = "?u=russell3000&mw=20,50,200&hw=4,13,52&highs=close"


@pytest.fixture(scope="module")
def store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = shared_data / "us_close_2013_2026"
    store = Store(tmp_path_factory.mktemp("real-windows"))
    import_files(store, [folder / "prices.parquet"], replace=False)
    flags = pd.read_parquet(folder / "tickers.parquet")
    r3k = sorted(flags.loc[flags["in_russell3000_proxy"], "ticker"])
    info = UniverseInfo("russell3000", "Russell 3000 proxy", point_in_time=False, source="flags")
    intervals = pd.DataFrame({"ticker": r3k, "start_date": pd.Timestamp("2013-01-01"),
                              "end_date": pd.NaT})  # fmt: skip
    store.write_universe(info, intervals)
    return store


def test_wreal001_window_lines_are_the_export_on_real_data(store: Store) -> None:
    from components.charts import BY_KEY
    from components.context import choices
    from components.url.query import parse_query
    from service.exports import export_breadth_csv

    svc = BreadthService(store)
    state, notices = parse_query(QUERY, choices(svc))
    assert notices == []
    text = export_breadth_csv(
        store, universe="russell3000", windows=(20, 50, 200), hl_weeks=(4, 13, 52)
    )
    export = pd.read_csv(io.StringIO(text), index_col="date", parse_dates=["date"])
    by = traces(BY_KEY["windows"].draw(svc, state)["windows"])
    print(f"\nRussell 3000 proxy on {DAY:%Y-%m-%d} (closing highs):")
    for n in (20, 50, 200):
        line = by[f"% above {n}-day avg"]
        got = pd.Series(values(line["y"]), index=dates(line))
        np.testing.assert_allclose(got, export[f"pct_above_{n}dma"], rtol=1e-6, atol=1e-4)
        mean = export[f"pct_above_{n}dma"].mean()
        avg = next(t for name, t in by.items() if name.startswith(f"{n}-day long-run avg"))
        assert values(avg["y"])[0] == pytest.approx(mean, rel=1e-6)
        print(f"  % above {n}-day: {got[DAY]:.2f} (long-run avg {mean:.2f})")
    assert export.loc[DAY, "pct_above_200dma"] == pytest.approx(54.5, abs=0.05)  # README
    assert abs(export.loc[DAY, "eligible_200dma"] - 2724) <= 3
    net = traces(BY_KEY["net_highs"].draw(svc, state)["net_highs"])
    for w in (4, 13, 52):
        line = net[f"NH − NL, {w} weeks"]
        got = pd.Series(values(line["y"]), index=dates(line))
        want = export[f"pct_new_highs_{w}w"] - export[f"pct_new_lows_{w}w"]
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-4)
        print(f"  NH − NL {w} weeks: {got[DAY]:+.2f}% of eligible")
    cum = net["Cumulative net 52-week highs"]
    np.testing.assert_allclose(values(cum["y"]), export["cum_net_new_highs"], rtol=1e-6)
    print(f"  cum_net_new_highs: {export.loc[DAY, 'cum_net_new_highs']:,.0f}")
