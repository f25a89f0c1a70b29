"""Divergences of SPY against the Russell 3000 proxy's % above the 200-day average on the
real close file (../shared/data), and ``cli.py export divergences`` end to end (demo and
real stores). Run with -s to print the bearish episodes of 2021–2025."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.jobs import import_files
from data.model import UniverseInfo
from data.store import Store
from indicators.divergences import DivergenceParams, divergences
from service.breadth import BreadthQuery, BreadthService
from service.divergences import DIVERGENCE_COLUMNS, divergence_frame
from tests.conftest import run_cli
from tests.unit.test_divergences import naive_divergences

HEAD = ",".join(c.format(n=200) for c in DIVERGENCE_COLUMNS)


@pytest.fixture(scope="module")
def real_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = shared_data / "us_close_2013_2026"
    root = tmp_path_factory.mktemp("real-div")
    store = Store(root)
    import_files(store, [folder / "prices.parquet"], replace=False)
    flags = pd.read_parquet(folder / "tickers.parquet")
    r3k = sorted(flags.loc[flags["in_russell3000_proxy"], "ticker"])
    info = UniverseInfo(
        "russell3000", "Russell 3000 proxy", point_in_time=False, source="tickers.parquet"
    )
    intervals = pd.DataFrame({"ticker": r3k, "start_date": pd.Timestamp("2013-01-01"),
                              "end_date": pd.NaT})  # fmt: skip
    store.write_universe(info, intervals)
    return root


def episodes(flags: pd.Series, gap: int = 10) -> list[tuple[str, str, int]]:
    """(first, last, flagged sessions) of flagged sessions no more than ``gap`` apart."""
    pos = np.flatnonzero(flags.to_numpy())
    if not len(pos):
        return []
    ids = np.cumsum(np.r_[True, np.diff(pos) > gap])
    out = []
    for i in range(1, ids.max() + 1):
        p = pos[ids == i]
        out.append((f"{flags.index[p[0]]:%Y-%m-%d}", f"{flags.index[p[-1]]:%Y-%m-%d}", len(p)))
    return out


@pytest.mark.realdata
def test_divreal001_spy_vs_russell3000_proxy(real_dir: Path) -> None:
    svc = BreadthService(Store(real_dir))
    query = BreadthQuery(universe="russell3000", intraday=False)
    ticker, frame = divergence_frame(svc, query)
    assert ticker == "SPY"
    # July 2025: SPY 0.8% under its high of 2025-07-25 while participation fell from 55.9%
    d = frame.loc["2025-07-31"]
    assert bool(d["bearish"]) and bool(d["bearish_start"])
    assert d["prev_high_date"] == pd.Timestamp("2025-07-25")
    assert d["pct_from_high"] == pytest.approx(0.788, abs=0.005)
    assert d["breadth"] == pytest.approx(47.05, abs=0.01)
    assert d["breadth_trail"] == pytest.approx(47.87, abs=0.01)
    assert d["breadth_at_prev_high"] == pytest.approx(55.87, abs=0.01)
    # late 2021: the index at highs while fewer stocks held their 200-day average
    late_2021 = frame.loc["2021-11-01":"2022-01-14", "bearish"]
    assert late_2021.sum() == 22 and bool(frame.loc["2021-12-07", "bearish_start"])
    # no bullish divergence with the defaults: at every 52-week low the share above the
    # 200-day was below its 50-session average (it had been falling into the low) ...
    assert not frame["bullish"].any()
    # ... a short trail (10 sessions) finds the October 2022 low's
    _, short = divergence_frame(svc, query, trail=10)
    assert list(short.index[short["bullish_start"]].strftime("%Y-%m-%d")) == [
        "2022-05-23",
        "2022-10-07",
    ]
    assert short.loc["2022-10-07", "breadth"] > short.loc["2022-10-07", "breadth_at_prev_low"]
    # the vectorised flags equal the naive per-session loop on the real series
    breadth = svc.breadth(query)["pct_above_200dma"]
    closes = svc.closes(["SPY"])["SPY"]
    slow = naive_divergences(closes, breadth, DivergenceParams(), 252)
    fast = divergences(closes, breadth)
    for kind in ("bearish", "bullish"):
        assert fast[kind].tolist() == slow[kind].tolist()
    # no look-ahead on real data: the history cut at 2021-12-31 flags the same up to then
    cut = divergences(closes.loc[:"2021-12-31"], breadth.loc[:"2021-12-31"])
    pd.testing.assert_frame_equal(cut, fast.loc[:"2021-12-31"])
    found = episodes(frame.loc["2021":"2025", "bearish"])
    print("\nbearish episodes 2021-2025 (flagged sessions <= 10 apart):")
    for first, last, n in found:
        print(f"  {first} - {last}: {n} sessions")
    assert ("2025-07-31", "2025-08-11", 6) in found
    assert ("2021-11-19", "2022-01-12", 22) in found
    assert frame["bearish"].sum() == 603 and frame["bearish_start"].sum() == 155


@pytest.mark.realdata
def test_divreal002_cli_export_on_the_real_file(real_dir: Path) -> None:
    res = run_cli(
        real_dir, "export", "divergences", "--universe", "russell3000",
        "--start", "2025-07-01", "--end", "2025-08-31",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == HEAD
    table = pd.read_csv(io.StringIO(res.stdout))
    assert table["date"].tolist() == [
        "2025-07-31", "2025-08-04", "2025-08-06", "2025-08-07", "2025-08-08", "2025-08-11",
    ]  # fmt: skip
    assert set(table["kind"]) == {"bearish"} and set(table["benchmark"]) == {"SPY"}
    assert table["run_start"].tolist() == [True, True, True, False, False, False]
    assert table.loc[0, "prev_extreme_date"] == "2025-07-25"


def test_divcli001_export_divergences_on_the_demo(tmp_path: Path) -> None:
    res = run_cli(tmp_path, "demo", "--tickers", "200", "--years", "3", "--seed", "1")
    assert res.returncode == 0, res.stderr
    out = run_cli(tmp_path, "export", "divergences", "--universe", "sim-large")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == HEAD
    table = pd.read_csv(io.StringIO(out.stdout))
    _, frame = divergence_frame(BreadthService(Store(tmp_path)), BreadthQuery("sim-large"))
    assert len(table) == int(frame["bearish"].sum() + frame["bullish"].sum()) > 0
    # a file, other parameters, another window
    target = tmp_path / "div.csv"
    ok = run_cli(
        tmp_path, "export", "divergences", "--universe", "sim-large", "--near", "5",
        "--trail", "20", "--window", "100", "--benchmark", "sim:large", "--out", str(target),
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert f"wrote {target}" in ok.stderr
    assert "pct_above_100dma" in target.read_text().splitlines()[0]
    # bad input: one error line, exit 2
    for args, says in (
        (("--near", "0.1"), "--near"),
        (("--trail", "5"), "--trail"),
        (("--universe", "nope"), "nope"),
        (("--benchmark", "ZZZZ"), "benchmark ZZZZ is not in the store"),
        (("--start", "2030-01-01", "--end", "2020-01-01"), "start"),
    ):
        bad = run_cli(tmp_path, "export", "divergences", *args)
        assert bad.returncode == 2, (args, bad.stderr)
        assert says in bad.stderr, (args, bad.stderr)
