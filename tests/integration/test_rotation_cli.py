"""``cli.py export rotation|rrg|claims|analogs`` on a small synthetic store (CliRunner)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from cli import cli
from data.csvsafe import safe_frame as neutralise
from data.model import Prices, UniverseInfo
from data.store import Store
from indicators.claims import CLAIM_COLUMNS
from indicators.rrg import RrgParams, relative_rotation
from indicators.verdicts import NOTE_COLUMNS
from service.exports import ROTATION_COLUMNS, RRG_COLUMNS, to_csv

ETFS = ("SPY", "IWM", "IWD", "IWF", "RSP", "XLK", "XLF")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(6)
    idx = pd.bdate_range("2019-01-01", "2021-12-31", name="date")
    n = len(idx)
    names = [*ETFS, *(f"S{i:02d}" for i in range(40))]
    steps = rng.normal(0.0003, 0.012, (n, len(names)))
    close = pd.DataFrame(100 * np.exp(np.cumsum(steps, axis=0)), index=idx, columns=names)
    close.iloc[:300, -5:] = np.nan  # late listings
    close = close.sort_index(axis=1)
    kinds = ["etf" if t in ETFS else "stock" for t in close.columns]
    info = pd.DataFrame({"ticker": close.columns, "name": close.columns, "sector": "",
                         "kind": kinds})  # fmt: skip
    path = tmp_path_factory.mktemp("rot-store")
    store = Store(path)
    store.write_prices(Prices(close=close), source_kind="files", source_label="synthetic",
                       ticker_info=info)  # fmt: skip
    half = [f"S{i:02d}" for i in range(20)]
    store.write_universe(
        UniverseInfo("half", "first 20", point_in_time=False, note="list: survivorship bias"),
        pd.DataFrame({"ticker": half, "start_date": idx[0], "end_date": pd.NaT}),
    )
    return path


def run(store_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["export", *args], env={"BREADTH_DATA_DIR": str(store_dir)})


def _closes(store_dir: Path, tickers: list[str]) -> pd.DataFrame:
    return Store(store_dir).read_prices(tickers, fields=("close",)).close.astype("float64")


def test_rotcli001_rotation_ratio_lines(store_dir: Path) -> None:
    res = run(store_dir, "rotation", "--start", "2020-01-06", "--end", "2020-12-31")
    assert res.exit_code == 0, res.output
    table = pd.read_csv(io.StringIO(res.stdout), parse_dates=["date"])
    assert tuple(table.columns) == ROTATION_COLUMNS
    assert set(table["pair"]) == {"small_vs_large", "value_vs_growth", "equal_vs_cap"}
    assert table["date"].min() == pd.Timestamp("2020-01-06")
    first = table.groupby("pair").first()
    np.testing.assert_allclose(first["ratio_rebased"], 100.0)
    px = _closes(store_dir, ["IWM", "SPY"])
    row = table[(table["pair"] == "small_vs_large")].iloc[-1]
    day = row["date"]
    assert row["ratio"] == pytest.approx(px.at[day, "IWM"] / px.at[day, "SPY"], rel=1e-9)
    base = px.at[pd.Timestamp("2020-01-06"), "IWM"] / px.at[pd.Timestamp("2020-01-06"), "SPY"]
    assert row["ratio_rebased"] == pytest.approx(100 * row["ratio"] / base, rel=1e-9)


def test_rotcli002_rrg_matches_the_indicator(store_dir: Path) -> None:
    res = run(store_dir, "rrg", "--tickers", "xlk, XLF", "--freq", "D", "--window", "20",
              "--momentum", "5")  # fmt: skip
    assert res.exit_code == 0, res.output
    table = pd.read_csv(io.StringIO(res.stdout), parse_dates=["date"])
    assert tuple(table.columns) == RRG_COLUMNS
    assert set(table["ticker"]) == {"XLK", "XLF"} and set(table["benchmark"]) == {"SPY"}
    px = _closes(store_dir, ["SPY", "XLF", "XLK"])
    ref = relative_rotation(px[["XLK", "XLF"]], px["SPY"], RrgParams(20, 5, "D"))
    got = table[table["ticker"] == "XLK"].set_index("date")
    np.testing.assert_allclose(got["rs_ratio"], ref.ratio["XLK"].loc[got.index], rtol=1e-12)
    np.testing.assert_allclose(got["rs_momentum"], ref.momentum["XLK"].loc[got.index])
    assert len(got) == ref.momentum["XLK"].notna().sum()
    lead = (got["rs_ratio"] >= 100) & (got["rs_momentum"] >= 100)
    assert (got.loc[lead, "quadrant"] == "Leading").all()
    weekly = run(store_dir, "rrg")  # defaults: weekly, sector and style ETFs present
    assert weekly.exit_code == 0, weekly.output
    wk = pd.read_csv(io.StringIO(weekly.stdout), parse_dates=["date"])
    assert set(wk["ticker"]) == {"XLK", "XLF", "IWD", "IWF"}
    assert (wk["date"].dt.day_of_week == 4).mean() > 0.95  # Friday closes (holidays aside)


def test_rotcli003_claims_for_a_weekend_asof(store_dir: Path) -> None:
    res = run(store_dir, "claims", "--asof", "2021-06-06", "--universe", "all",
              "--compare", "half")  # fmt: skip
    assert res.exit_code == 0, res.output
    table = pd.read_csv(io.StringIO(res.stdout))
    # the note's columns are appended after the claim table's own, in their order
    assert tuple(table.columns) == CLAIM_COLUMNS + NOTE_COLUMNS
    assert (table["asof"] == "2021-06-04").all()  # the Friday before the Sunday
    # what the note said is on every row; a verdict only on the note's date (2025-07-28)
    # and only for its universes (all and half are neither russell3000 nor sp500)
    assert (
        table["verdict"].tolist() == ["other_subject"] * 3 + ["other_date"] * 2 + ["no_figure"] * 2
    )
    assert table["note_value"].tolist()[:5] == [55.0, 3.8, 9.3, 28.0, 1.2]
    assert table["tolerance"].tolist() == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0]
    assert table["claim"].tolist() == [
        "pct_above_200dma", "pct_new_highs_52w", "pct_new_highs_52w", "index_gain_from_12m_low",
        "small_caps_ytd", "value_vs_growth_since_low", "small_vs_large_since_low",
    ]  # fmt: skip
    by = table.set_index(["claim", "universe"])
    assert by.loc[("pct_new_highs_52w", "half"), "note"] == "list: survivorship bias"
    assert by.loc[("pct_above_200dma", "all"), "members_with_data"] == 40  # stocks, no ETFs
    spy = _closes(store_dir, ["SPY"])["SPY"].loc[:"2021-06-04"]
    gain = 100 * (spy.iloc[-1] / spy.iloc[-252:].min() - 1)
    assert by.loc[("index_gain_from_12m_low", "SPY"), "value"] == pytest.approx(gain)
    iwm = _closes(store_dir, ["IWM"])["IWM"]
    ytd = 100 * (iwm.loc["2021-06-04"] / iwm.loc["2020-12-31"] - 1)
    assert by.loc[("small_caps_ytd", "IWM"), "value"] == pytest.approx(ytd)


def test_rotcli004_analogs_tables_and_out_file(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "analogs.csv"
    res = run(store_dir, "analogs", "--asof", "2021-12-31", "--universe", "all",
              "--near-high", "10", "--out", str(out))  # fmt: skip
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    head = ["episode", "start", "end", "signal_date", "signal_sessions", "pct_above_200dma",
            "long_run_average", "index_off_high_pct", "contains_asof", "pair", "numerator",
            "denominator", "horizon", "horizon_label", "end_date", "numerator_return_pct",
            "denominator_return_pct", "forward_return_pct", "realised_by_asof"]  # fmt: skip
    assert list(table.columns) == head
    assert len(table) > 0 and set(table["horizon"]) == {21, 63, 126, 252}
    assert (table["signal_date"] <= "2021-12-31").all()
    summary = run(store_dir, "analogs", "--universe", "all", "--near-high", "10",
                  "--table", "summary")  # fmt: skip
    s = pd.read_csv(io.StringIO(summary.stdout))
    assert list(s.columns) == ["pair", "horizon", "horizon_label", "median", "mean",
                               "hit_rate", "n"]  # fmt: skip
    one = table[(table["pair"] == "small_vs_large") & (table["horizon"] == 21)]
    one = one[one["realised_by_asof"]]
    got = s[(s["pair"] == "small_vs_large") & (s["horizon"] == 21)].iloc[0]
    assert got["n"] == len(one)
    assert got["median"] == pytest.approx(one["forward_return_pct"].median())


@pytest.mark.parametrize(
    "args, message",
    [
        (("claims", "--asof", "2021-13-01"), "YYYY-MM-DD"),
        (("claims", "--universe", "nope"), "unknown universe"),
        (("claims", "--asof", "2000-01-03"), "before the first stored session"),
        (("rrg", "--tickers", "ZZZZ"), "not in the store"),
        (("rrg", "--freq", "M"), "M"),
        (("analogs", "--table", "bogus"), "bogus"),
    ],
)
def test_rotcli005_usage_errors_exit_2(
    store_dir: Path, args: tuple[str, ...], message: str
) -> None:
    res = run(store_dir, *args)
    assert res.exit_code == 2
    assert message in res.output


def test_rotcli006_empty_store_is_a_usage_error(tmp_path: Path) -> None:
    res = run(tmp_path, "claims")
    assert res.exit_code == 2 and "store is empty" in res.output


def test_rotcli007_csv_neutralises_formula_text_only() -> None:
    frame = pd.DataFrame({"text": ["=1+1", "+A", "-cmd", "@x", "ok", "\tx"],
                          "num": [-1.5, 2.0, -3.0, 0.0, 1.0, -0.25]})  # fmt: skip
    out = neutralise(frame)
    assert out["text"].tolist() == ["'=1+1", "'+A", "'-cmd", "'@x", "ok", "'\tx"]
    assert out["num"].tolist() == frame["num"].tolist()
    text = to_csv(frame)
    assert "\n'=1+1,-1.5\n" in text and ",-3.0\n" in text
    assert frame["text"].iloc[0] == "=1+1"  # the input is not mutated
    assert to_csv(pd.DataFrame({"=h": ["x"], "ok": [1]})).startswith("'=h,ok\n")  # headers too
