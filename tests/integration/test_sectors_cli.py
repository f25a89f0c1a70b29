"""``cli.py universe sectors`` and ``cli.py export sectors`` on a small synthetic store: a
good file is stored, each bad file gives one ``error:`` line, exit 2, and leaves every byte
of the store as it was; the export has exactly its four columns."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from cli import cli
from data.model import Prices
from data.store import Store

STOCKS = [f"S{i:02d}" for i in range(12)]


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    rng = np.random.default_rng(15)
    idx = pd.bdate_range("2022-01-03", periods=320, name="date")
    steps = rng.normal(0.0003, 0.015, (len(idx), len(STOCKS)))
    close = pd.DataFrame(50 * np.exp(np.cumsum(steps, axis=0)), index=idx, columns=STOCKS)
    close.iloc[:100, -2:] = np.nan  # listed later
    path = tmp_path / "store"
    Store(path).write_prices(Prices(close=close), source_kind="files", source_label="synthetic")
    return path


def run(store_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"BREADTH_DATA_DIR": str(store_dir)})


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the store, by relative path, with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _good(tmp_path: Path) -> Path:
    f = tmp_path / "sectors.csv"
    rows = ["ticker,sector"] + [
        f"{t},{['Technology', 'Energy', 'Financial Services'][i % 3]}"
        for i, t in enumerate(STOCKS[:10])
    ]
    f.write_text("\n".join(rows) + "\n")
    return f


def test_seccli001_good_file_is_stored_and_exported(store_dir: Path, tmp_path: Path) -> None:
    res = run(store_dir, "universe", "sectors", str(_good(tmp_path)))
    assert res.exit_code == 0, res.output
    assert "sectors: 10 tickers" in res.output
    listed = run(store_dir, "universe", "sectors")
    assert "Information Technology" in listed.output and "file" in listed.output
    out = run(store_dir, "export", "sectors", "--window", "50", "--start", "2023-01-02")
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.stdout))
    assert list(table.columns) == ["date", "sector", "members_with_data", "pct_above_50dma"]
    assert table["date"].min() == "2023-01-02"
    order = ["Energy", "Financials", "Information Technology", "Unassigned"]
    assert table["sector"].tolist()[:4] == order  # sorted by date, then sector
    assert table.groupby("date").size().eq(4).all()
    day = table[table["date"] == "2023-01-02"].set_index("sector")
    assert day.loc["Unassigned", "members_with_data"] == 2  # S10 and S11 have no sector
    assert day["members_with_data"].sum() == 12
    assert table["pct_above_50dma"].between(0, 100).all()


BAD = {
    "empty": b"",
    "header-only": b"ticker,sector\n",
    "missing-column": b"ticker,industry\nS00,Energy\n",
    "duplicate-two-sectors": b"ticker,sector\nS00,Energy\ns00,Utilities\n",
    "unknown-sector": b"ticker,sector\nS00,Spaceships\n",
    "binary": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_seccli002_bad_file_one_line_store_unchanged(
    store_dir: Path, tmp_path: Path, case: str
) -> None:
    assert run(store_dir, "universe", "sectors", str(_good(tmp_path))).exit_code == 0
    before = snapshot(store_dir)
    bad = tmp_path / f"{case}.csv"
    bad.write_bytes(BAD[case])
    res = run(store_dir, "universe", "sectors", str(bad))
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}"), res.stderr
    assert snapshot(store_dir) == before


def test_seccli003_huge_missing_and_folder_refused(store_dir: Path, tmp_path: Path) -> None:
    before = snapshot(store_dir)
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:  # sparse: refused by its size, never read
        fh.truncate(25_000_000)
    for path, says in ((huge, "byte limit"), (tmp_path / "nope.csv", "cannot read"),
                       (tmp_path, "is a folder")):  # fmt: skip
        res = run(store_dir, "universe", "sectors", str(path))
        assert res.exit_code == 2 and says in res.stderr, res.stderr
        assert len(res.stderr.strip().splitlines()) == 1
    assert snapshot(store_dir) == before


def test_seccli004_export_without_sectors_says_how(store_dir: Path) -> None:
    res = run(store_dir, "export", "sectors")
    assert res.exit_code == 2
    assert "universe sectors FILE" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    bad = run(store_dir, "export", "sectors", "--window", "4")
    assert bad.exit_code == 2 and "4 is not in the range 5<=x<=400" in bad.stderr


def test_seccli005_from_yahoo_offline_exit_3_store_unchanged(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import data.sources.yahoo_info as yi

    def offline() -> object:
        def fetch(ticker: str) -> dict[str, object]:
            raise OSError("Failed to perform, curl: (6) Could not resolve host: query2")

        return fetch

    monkeypatch.setattr(yi, "default_info_fetch", offline)
    before = snapshot(store_dir)
    res = run(store_dir, "universe", "sectors", "--from-yahoo")
    assert res.exit_code == 3
    assert "Yahoo Finance is not reachable" in res.stderr and "nothing changed" in res.stderr
    assert snapshot(store_dir) == before


def test_seccli006_refresh_with_sectors_looks_up_new_stocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``refresh --sectors``: after the bars, Yahoo's sector of each refreshed stock without
    one (fake download and fake ``info``, shaped like yfinance 1.7's)."""
    import data.sources.yahoo as yahoo
    import data.sources.yahoo_info as yi
    from tests.fakes.yahoo import FakeYahoo, make_history, sessions

    days = sessions("2024-01-02", "2024-03-01")
    fake = FakeYahoo(histories={t: make_history(days, list(np.linspace(10, 12, len(days))))
                                for t in ("AAA", "BBB", "SPY")})  # fmt: skip
    info = {"AAA": {"quoteType": "EQUITY", "sector": "Healthcare", "sectorDisp": "Healthcare"},
            "BBB": {"quoteType": "EQUITY", "sector": "Consumer Cyclical"}}  # fmt: skip
    monkeypatch.setattr(yahoo, "default_downloader", lambda: fake)
    monkeypatch.setattr(yi, "default_info_fetch", lambda: lambda t: info.get(t, {}))
    store_dir = tmp_path / "store"
    res = run(store_dir, "refresh", "--tickers", "AAA BBB", "--sectors", "--no-progress")
    assert res.exit_code in (0, 1), res.output  # 1: benchmarks the fake lacks are listed
    assert "2 stocks looked up on Yahoo Finance: stored 2 Yahoo sectors" in res.output
    from data.sectors import assignments

    got = assignments(Store(store_dir)).set_index("ticker")
    assert got.loc["AAA"].tolist() == ["Health Care", "yahoo"]
    assert got.loc["BBB"].tolist() == ["Consumer Discretionary", "yahoo"]
    assert "SPY" not in got.index  # a fund is not looked up
