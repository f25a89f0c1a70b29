"""Sector breadth on real data (../shared/data, read in place): the Russell 3000 proxy's
closes, sectors from the Nov-2025 ETF-holdings snapshot stored as holdings universes the way
``universe update`` stores them (Select Sector SPDRs: the fund's sector; iShares: the Sector
column), through the store, the service and the CLI export."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cli import cli
from data import sectors as sec
from data.benchmarks import SECTORS
from data.model import Prices, UniverseInfo
from data.store import Store
from data.tickers import normalize_ticker
from data.universes.intervals import normalize_intervals
from service import sectors as svc_sectors
from service.breadth import BreadthService

pytestmark = pytest.mark.realdata
DAY = "2025-07-28"


def _intervals(rows: pd.DataFrame, sector: str | None = None) -> pd.DataFrame:
    tickers = []
    for raw in rows["ticker"]:
        try:
            tickers.append(normalize_ticker(str(raw)))
        except Exception:  # a holdings row that is no ticker
            tickers.append(None)
    frame = pd.DataFrame(
        {
            "ticker": tickers,
            "start_date": pd.Timestamp("1990-01-01"),
            "end_date": pd.NaT,
            "sector": sector if sector else rows["sector"].to_numpy(),
        }
    ).dropna(subset=["ticker"])
    return normalize_intervals(frame.drop_duplicates("ticker"))


@pytest.fixture(scope="module")
def store_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(shared_data, tmp_path_factory.mktemp("sectors-real") / "store")


def build_store(shared_data: Path, path: Path) -> Path:
    """A store at ``path``: the R3K proxy's closes, the universe ``r3k-proxy`` and the
    snapshot's holdings universes with their sectors."""
    folder = shared_data / "us_close_2013_2026"
    flags = pd.read_parquet(folder / "tickers.parquet")
    r3k = sorted(flags.loc[flags["in_russell3000_proxy"], "ticker"])
    px = pd.read_parquet(folder / "prices.parquet", filters=[("ticker", "in", r3k)])
    close = px.pivot(index="date", columns="ticker", values="adj_close")
    store = Store(path)
    store.write_prices(Prices(close=close), source_kind="files", source_label="real close")
    store.write_universe(
        UniverseInfo("r3k-proxy", "Russell 3000 proxy", point_in_time=False),
        normalize_intervals(
            pd.DataFrame({"ticker": r3k, "start_date": close.index[0], "end_date": pd.NaT})
        ),
    )
    hold = pd.read_parquet(shared_data / "etf_holdings_2025_11" / "membership.parquet")
    for name, etf in SECTORS.items():  # as parse_ssga_holdings: the fund defines the sector
        store.write_universe(
            UniverseInfo(f"sector-{etf.lower()}", name, point_in_time=False),
            _intervals(hold[hold["etf"] == etf], name),
        )
    for etf, name in (("IWM", "russell2000"), ("IWD", "r1000-value"), ("IWF", "r1000-growth")):
        store.write_universe(
            UniverseInfo(name, etf, point_in_time=False), _intervals(hold[hold["etf"] == etf])
        )
    return path


def test_secreal001_sectors_on_2025_07_28(store_dir: Path) -> None:
    store = Store(store_dir)
    table = sec.assignments(store)
    assert set(table["sector"]) == set(sec.GICS_SECTORS)
    svc = BreadthService(store)
    frame = svc_sectors.sectors(svc, "r3k-proxy", 200)
    day = frame[frame["date"] == pd.Timestamp(DAY)].set_index("sector")
    print(f"\nsector breadth, Russell 3000 proxy, {DAY}, 200-day:")
    print(day[["members_with_data", "eligible", "above", "pct_above", "percentile"]].to_string())
    # the sectors add up to the universe's own headline: 54.5% of n = 2,724 (data README)
    eligible, above = int(day["eligible"].sum()), int(day["above"].sum())
    assert abs(eligible - 2724) <= 5
    assert 100 * above / eligible == pytest.approx(54.5, abs=0.15)
    # the proxy is IWD ∪ IWF ∪ IWM, whose holdings give every member a sector: no Unassigned
    assert list(day.index) == list(sec.GICS_SECTORS)
    assert (day["members_with_data"] >= 40).all()
    # 2025-04-08 (the tariff low: 14.1% overall) ranks low against each sector's history
    low = frame[frame["date"] == pd.Timestamp("2025-04-08")].set_index("sector")
    # (Utilities, the defensive sector, held up best: percentile 24)
    assert low["percentile"].median() < 5 and (low["percentile"] < 30).all()


def test_secreal002_cli_export_matches_the_service(store_dir: Path) -> None:
    env = {"BREADTH_DATA_DIR": str(store_dir)}
    args = ["export", "sectors", "--universe", "r3k-proxy", "--start", DAY, "--end", DAY]
    res = CliRunner().invoke(cli, args, env=env)
    assert res.exit_code == 0, res.output
    got = pd.read_csv(io.StringIO(res.stdout))
    assert list(got.columns) == ["date", "sector", "members_with_data", "pct_above_200dma"]
    assert len(got) == 11
    ref = svc_sectors.sectors(BreadthService(Store(store_dir)), "r3k-proxy", 200)
    ref = ref[ref["date"] == pd.Timestamp(DAY)]
    assert got["pct_above_200dma"].to_numpy() == pytest.approx(ref["pct_above"].to_numpy())
