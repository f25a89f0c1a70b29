"""Universe ``all`` on the real close file: stocks only, though the imported tickers carry no
kind (../shared/data, read in place; the store lives in a temporary folder)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.jobs import import_files
from data.store import Store
from data.universes import get_universe
from service.breadth import BreadthQuery, BreadthService
from service.exports import claims_csv
from service.rotation import RotationService

pytestmark = pytest.mark.realdata

DAY = pd.Timestamp("2025-07-28")


@pytest.fixture(scope="module")
def real_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("real") / "store"
    folder.mkdir()
    store = Store(folder)
    import_files(store, [shared_data / "us_close_2013_2026" / "prices.parquet"], replace=False)
    return store


@pytest.fixture(scope="module")
def flags(shared_data: Path) -> pd.DataFrame:
    return pd.read_parquet(shared_data / "us_close_2013_2026" / "tickers.parquet")


def _pct_above_200(wide: pd.DataFrame) -> tuple[int, int]:
    """(above, eligible) on DAY with pandas calendar windows (the file's calendar is complete
    but for 15 ticker-days): close > its 200-session mean, where that mean exists."""
    sma = wide.rolling(200).mean()
    eligible = sma.loc[DAY].notna()
    return int((wide.loc[DAY] > sma.loc[DAY])[eligible].sum()), int(eligible.sum())


def test_allr001_all_is_the_no_etf_figure(
    real_store: Store, flags: pd.DataFrame, shared_data: Path
) -> None:
    assert real_store.read_ticker_info()["kind"].isna().all()  # an import records no kind
    etfs = set(flags.loc[flags["is_etf"], "ticker"])
    px = pd.read_parquet(shared_data / "us_close_2013_2026" / "prices.parquet")
    wide = px.pivot(index="date", columns="ticker", values="adj_close").astype("float64")
    above_etf, elig_etf = _pct_above_200(wide)
    stocks = wide[[t for t in wide.columns if t not in etfs]]
    above, eligible = _pct_above_200(stocks)
    assert 100 * above_etf / elig_etf - 100 * above / eligible > 0.5  # ETFs move the figure

    out = BreadthService(real_store).breadth(BreadthQuery(universe="all", intraday=False))
    assert (out.loc[DAY, "above_200dma"], out.loc[DAY, "eligible_200dma"]) == (above, eligible)
    assert out.loc[DAY, "pct_above_200dma"] == pytest.approx(100 * above / eligible, abs=1e-9)

    info, intervals = get_universe(real_store, "all")
    assert set(intervals["ticker"]) == set(stocks.columns[stocks.notna().any()])
    assert not set(intervals["ticker"]) & etfs and "funds" in info.note


def test_allr002_claims_name_the_fallback_universe(
    real_store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """No russell3000 stored: the claims use ``all`` and say so in the caveat and on stderr."""
    table = RotationService(BreadthService(real_store)).claims(DAY.date(), "", "")
    row = table.set_index(["claim", "universe"]).loc[("pct_above_200dma", "all")]
    expected = "no russell3000 universe is stored: universe all (All stocks in the store)"
    assert str(row["note"]).startswith(expected)
    text = claims_csv(real_store, DAY.date(), "", "")
    assert f"note: {expected} used instead" in capsys.readouterr().err
    assert expected in text
    chosen = RotationService(BreadthService(real_store)).claims(DAY.date(), "all", "")
    assert "russell3000" not in " ".join(chosen["note"].astype(str))  # chosen: no fallback note
