"""The CLI end to end in subprocesses: demo, import, status, export, errors and exit codes."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import run_cli

EXPORT_HEAD = (
    "date,members,members_with_data,eligible_200dma,pct_above_200dma,pct_above_50dma,"
    "new_highs_52w,new_lows_52w,pct_new_highs_52w,pct_new_lows_52w,net_new_highs,advances,"
    "declines,unchanged,ad_line,mcclellan_osc,mcclellan_sum"
)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-store")
    res = run_cli(path, "demo", "--tickers", "300", "--years", "4", "--seed", "3")
    assert res.returncode == 0, res.stderr
    assert "simulated" in res.stdout
    return path


def test_cli001_export_columns_and_range(demo_dir: Path) -> None:
    res = run_cli(
        demo_dir,
        "export",
        "breadth",
        "--universe",
        "sim-large",
        "--start",
        "2025-01-02",
        "--end",
        "2025-03-31",
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0].startswith(EXPORT_HEAD)
    table = pd.read_csv(io.StringIO(res.stdout), parse_dates=["date"])
    assert table["date"].min() >= pd.Timestamp("2025-01-02")
    assert table["date"].max() <= pd.Timestamp("2025-03-31")
    assert (table["members_with_data"] <= table["members"]).all()
    assert table["pct_above_200dma"].between(0, 100).all()
    # the A/D line continues from the stored history: it does not restart at --start
    full = pd.read_csv(
        io.StringIO(run_cli(demo_dir, "export", "breadth", "--universe", "sim-large").stdout)
    )
    first = full.loc[full["date"] == table["date"].iloc[0].strftime("%Y-%m-%d"), "ad_line"]
    assert int(first.iloc[0]) == int(table["ad_line"].iloc[0])


def test_cli002_tickers_file_and_errors(demo_dir: Path, tmp_path: Path) -> None:
    status = run_cli(demo_dir, "status")
    assert status.returncode == 0 and "SIMULATED" in status.stdout.upper()
    tickers = pd.read_csv(io.StringIO(run_cli(demo_dir, "export", "breadth").stdout))
    assert tickers["members"].max() > 250
    tfile = tmp_path / "t.txt"
    tfile.write_text("# two names\nSIM:LARGE\nsim:small\n")
    res = run_cli(demo_dir, "export", "breadth", "--tickers-file", str(tfile))
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(io.StringIO(res.stdout))
    assert table["members"].max() == 2
    for args in (
        ("export", "breadth", "--start", "2024-02-30"),
        ("export", "breadth", "--start", "2025-01-01", "--end", "2024-01-01"),
        ("export", "breadth", "--universe", "no-such-universe"),
        ("export", "breadth", "--tickers-file", str(tmp_path / "missing.txt")),
        ("import", str(tmp_path / "missing.csv")),
        ("export", "breadth", "--slow", "0"),
    ):
        res = run_cli(demo_dir, *args)
        assert res.returncode == 2, (args, res.stdout, res.stderr)
        assert len(res.stderr.strip().splitlines()) <= 3 and "Traceback" not in res.stderr


def test_cli003_empty_store_says_so(tmp_path: Path) -> None:
    res = run_cli(tmp_path / "empty", "export", "breadth")
    assert res.returncode == 2 and "empty" in res.stderr


@pytest.mark.realdata
def test_cli004_real_r3k_export_matches_independent_computation(
    shared_data: Path, tmp_path: Path
) -> None:
    """Import the whole real close file, export the Russell 3000 proxy by ticker list, and
    compare with an independent pandas computation of the same definitions (calendar
    windows; the file's calendar is complete but for 15 ticker-days)."""
    folder = shared_data / "us_close_2013_2026"
    store = tmp_path / "real"
    res = run_cli(store, "import", str(folder / "prices.parquet"))
    assert res.returncode == 0, res.stderr
    flags = pd.read_parquet(folder / "tickers.parquet")
    r3k = sorted(flags.loc[flags["in_russell3000_proxy"], "ticker"])
    tfile = tmp_path / "r3k.txt"
    tfile.write_text("\n".join(r3k))
    out = tmp_path / "r3k.csv"
    res = run_cli(
        store,
        "export",
        "breadth",
        "--tickers-file",
        str(tfile),
        "--windows",
        "20,100",
        "--hl-weeks",
        "4,52",
        "--out",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    got = pd.read_csv(out, index_col="date", parse_dates=["date"])
    px = pd.read_parquet(folder / "prices.parquet", filters=[("ticker", "in", r3k)])
    wide = px.pivot(index="date", columns="ticker", values="adj_close").astype("float64")
    sma = wide.rolling(200).mean()
    pct = (wide > sma).where(sma.notna()).mean(axis=1) * 100
    diff = (got["pct_above_200dma"] - pct.reindex(got.index)).abs()
    assert diff.iloc[300:].max() < 0.5 and diff.iloc[300:].mean() < 0.01
    chg = wide.diff()
    adv = (chg > 0).sum(axis=1).reindex(got.index)
    assert (got["advances"] - adv).abs().iloc[1:].max() <= 3
    day = pd.Timestamp("2025-07-28")
    assert abs(got.loc[day, "pct_above_200dma"] - 54.5) < 0.1
    hi = wide.rolling(252).max()
    made = wide >= hi * (1 - 1e-6)  # made or matched within 1e-6 (docs/INDICATORS.md)
    nh_pct = (made & hi.notna()).sum(axis=1) / hi.notna().sum(axis=1) * 100
    assert abs(got.loc[day, "pct_new_highs_52w"] - nh_pct.loc[day]) < 0.1
    assert np.isfinite(got["mcclellan_sum"]).all()
    # the extra windows (issue #15), against the same calendar computation
    for n in (20, 100):
        sma_n = wide.rolling(n).mean()
        pct_n = (wide > sma_n).where(sma_n.notna()).mean(axis=1) * 100
        diff_n = (got[f"pct_above_{n}dma"] - pct_n.reindex(got.index)).abs().iloc[300:]
        assert diff_n.max() < 0.5 and diff_n.mean() < 0.01, n
    hi20, lo20 = wide.rolling(20).max(), wide.rolling(20).min()
    year = slice("2025-01-01", "2025-12-31")
    nh20 = ((wide >= hi20 * (1 - 1e-6)) & hi20.notna()).sum(axis=1)
    nl20 = ((wide <= lo20 * (1 + 1e-6)) & lo20.notna()).sum(axis=1)
    assert (got.loc[year, "new_highs_4w"] - nh20.loc[year]).abs().max() <= 3
    assert (got.loc[year, "new_lows_4w"] - nl20.loc[year]).abs().max() <= 3
    net = (got["new_highs_52w"] - got["new_lows_52w"]).cumsum()
    assert (got["cum_net_new_highs"] == net).all() and "new_highs_52w.1" not in got


def test_cli005_import_over_demo_drops_demo_universes_keeps_real(tmp_path: Path) -> None:
    """Real data replacing the demo takes the demo's universes with it, not the user's."""
    store = tmp_path / "s"
    assert run_cli(store, "demo", "--tickers", "120", "--years", "2").returncode == 0
    lst = tmp_path / "mine.txt"
    lst.write_text("AAA\nBBB\n")
    assert run_cli(store, "universe", "add", "mine", str(lst)).returncode == 0
    csv = tmp_path / "p.csv"
    csv.write_text("date,ticker,close\n2024-01-02,AAA,10\n2024-01-03,AAA,11\n2024-01-02,BBB,5\n")
    res = run_cli(store, "import", str(csv))
    assert res.returncode == 0, res.stderr
    listing = run_cli(store, "universe", "list").stdout
    assert "mine" in listing and "sim-large" not in listing


def test_cli006_export_extra_windows_columns_and_values(demo_dir: Path) -> None:
    """--windows/--hl-weeks add their columns after the default ones (which do not change);
    a window's columns equal those of --fast N; 52 weeks and 50/200 are not repeated."""
    base = run_cli(demo_dir, "export", "breadth", "--universe", "sim-large")
    assert base.returncode == 0, base.stderr
    res = run_cli(
        demo_dir,
        "export",
        "breadth",
        "--universe",
        "sim-large",
        "--windows",
        "200,20,50,100,20",
        "--hl-weeks",
        "52,4,13,26",
    )
    assert res.returncode == 0, res.stderr
    head, base_head = res.stdout.splitlines()[0], base.stdout.splitlines()[0]
    added = [
        "pct_above_20dma",
        "eligible_20dma",
        "pct_above_100dma",
        "eligible_100dma",
        *(
            f"{k}_{w}w"
            for w in (4, 13, 26)
            for k in ("new_highs", "new_lows", "pct_new_highs", "pct_new_lows")
        ),
    ]
    # the demo has volume: the volume breadth columns close both (docs/INDICATORS.md)
    vol = ",up_volume,down_volume,ad_volume_line,up_volume_pct,arms_index"
    assert base_head.startswith(EXPORT_HEAD) and base_head.endswith(",cum_net_new_highs" + vol)
    assert head == base_head.removesuffix(vol) + "," + ",".join(added) + vol
    many = pd.read_csv(io.StringIO(res.stdout))
    plain = pd.read_csv(io.StringIO(base.stdout))
    pd.testing.assert_frame_equal(many[plain.columns], plain)
    res100 = run_cli(demo_dir, "export", "breadth", "--universe", "sim-large", "--fast", "100")
    fast100 = pd.read_csv(io.StringIO(res100.stdout))
    pd.testing.assert_series_equal(many["pct_above_100dma"], fast100["pct_above_100dma"])
    pd.testing.assert_series_equal(many["eligible_100dma"], fast100["eligible_100dma"])
    assert many["new_highs_4w"].sum() > many["new_highs_13w"].sum() > 0
    assert (many["new_highs_4w"] >= many["new_highs_26w"]).mean() > 0.9
