"""``cli.py alerts check`` on the real close file (../shared/data, imported in place into a
temporary store), the Russell 3000 proxy stored as a ticker-list universe, checked against an
independent pandas computation of the same definitions (calendar windows; the file's
calendar is complete but for 15 ticker-days)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.realdata

RULES = """
[[rule]]
name = "washed out"
universe = "r3k"
series = "pct_above_200dma"
comparator = "<"
threshold = 20

[[rule]]
name = "majority above"
universe = "r3k"
series = "pct_above_200dma"
comparator = ">="
threshold = 50

[[rule]]
name = "thrust"
universe = "r3k"
signal = "zweig_thrust"

[[rule]]
name = "bearish divergence"
universe = "r3k"
signal = "divergence"
kind = "bearish"

[[rule]]
name = "back above 50"
universe = "r3k"
signal = "crossing"
series = "pct_above_200dma"
level = 50
direction = "up"
"""


@pytest.fixture(scope="module")
def real(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(store, rules file): the whole close file imported, universe r3k = the proxy."""
    folder = shared_data / "us_close_2013_2026"
    tmp = tmp_path_factory.mktemp("alerts-real")
    store = tmp / "store"
    res = run_cli(store, "import", str(folder / "prices.parquet"))
    assert res.returncode == 0, res.stderr
    flags = pd.read_parquet(folder / "tickers.parquet")
    (tmp / "r3k.txt").write_text(
        "\n".join(sorted(flags.loc[flags["in_russell3000_proxy"], "ticker"]))
    )
    res = run_cli(store, "universe", "add", "r3k", str(tmp / "r3k.txt"))
    assert res.returncode == 0, res.stderr
    (tmp / "rules.toml").write_text(RULES)
    return store, tmp / "rules.toml"


@pytest.fixture(scope="module")
def naive(shared_data: Path) -> pd.DataFrame:
    """% above the 200-day average and the Zweig thrust EMA of the proxy, in plain pandas."""
    folder = shared_data / "us_close_2013_2026"
    flags = pd.read_parquet(folder / "tickers.parquet")
    r3k = sorted(flags.loc[flags["in_russell3000_proxy"], "ticker"])
    px = pd.read_parquet(folder / "prices.parquet", filters=[("ticker", "in", r3k)])
    wide = px.pivot(index="date", columns="ticker", values="adj_close").astype("float64")
    sma = wide.rolling(200).mean()
    pct = (wide > sma).where(sma.notna()).mean(axis=1) * 100
    change = wide.diff()
    adv, dec = (change > 0).sum(axis=1), (change < 0).sum(axis=1)
    ratio = (100 * adv / (adv + dec)).where(adv + dec > 0)
    thrust = ratio.ewm(span=10, adjust=False, ignore_na=True).mean()
    spy = pd.read_parquet(folder / "prices.parquet", filters=[("ticker", "==", "SPY")])
    spy_close = spy.set_index("date")["adj_close"].astype("float64").reindex(wide.index)
    return pd.DataFrame({"pct": pct, "thrust": thrust, "spy": spy_close})


def check(real: tuple[Path, Path], asof: str) -> list[str]:
    store, rules = real
    res = run_cli(store, "alerts", "check", "--rules", str(rules), "--asof", asof)
    assert res.returncode == 0 and res.stderr == "", res.stderr
    return res.stdout.splitlines()


def value(line: str) -> float:
    return float(line.split("value ")[1].split(",")[0])


def test_alertsreal001_2025_07_28_majority_above(
    real: tuple[Path, Path], naive: pd.DataFrame
) -> None:
    """54.5 % of the proxy above its 200-day average (the data README's figure)."""
    lines = check(real, "2025-07-28")
    assert lines[0].startswith("not fired  washed out [r3k] 2025-07-28: pct_above_200dma < 20")
    assert lines[1].startswith("FIRED      majority above [r3k] 2025-07-28")
    assert abs(value(lines[1]) - 54.5) < 0.1
    assert abs(value(lines[1]) - naive.loc["2025-07-28", "pct"]) < 0.1
    assert lines[2].startswith("not fired  thrust") and lines[4].startswith("not fired  back")
    assert lines[-1] == "1 of 5 rules fired: majority above"


def test_alertsreal002_2025_04_08_washed_out(real: tuple[Path, Path], naive: pd.DataFrame) -> None:
    lines = check(real, "2025-04-08")
    assert lines[0].startswith("FIRED      washed out [r3k] 2025-04-08")
    assert abs(value(lines[0]) - 14.1) < 0.1
    assert lines[-1] == "1 of 5 rules fired: washed out"


def test_alertsreal003_zweig_thrust_2025_04_24(
    real: tuple[Path, Path], naive: pd.DataFrame
) -> None:
    """The thrust fires on 2025-04-24 (the widely reported April 2025 Zweig breadth thrust),
    not the session before or after; its EMA matches the pandas computation."""
    for day, fired in (("2025-04-23", False), ("2025-04-24", True), ("2025-04-25", False)):
        line = check(real, day)[2]
        assert line.startswith("FIRED      thrust" if fired else "not fired  thrust"), line
        assert abs(value(line) - naive.loc[day, "thrust"]) < 0.01
    assert naive.loc["2025-04-24", "thrust"] > 61.5 > naive.loc["2025-04-23", "thrust"]
    assert naive.loc["2025-04-08":"2025-04-23", "thrust"].min() < 40


def test_alertsreal004_crossing_50_up_2025_07_01(
    real: tuple[Path, Path], naive: pd.DataFrame
) -> None:
    line = check(real, "2025-07-01")[4]
    assert line.startswith("FIRED      back above 50 [r3k] 2025-07-01"), line
    previous = float(line.split("previous ")[1])
    assert previous < 50 <= value(line)
    assert naive.loc[:"2025-07-01", "pct"].iloc[-2] < 50 <= naive.loc["2025-07-01", "pct"]


def test_alertsreal005_bearish_divergence_2025_07_31(
    real: tuple[Path, Path], naive: pd.DataFrame
) -> None:
    """SPY within 2 % of its 52-week (252-close) high while the proxy's % above the 200-day
    average is below its 50-session mean and below its value at SPY's previous 52-week high:
    first on 2025-07-31 after the July highs (not on 2025-07-30), as plain pandas says."""
    spy, pct = naive["spy"], naive["pct"]
    high = spy.rolling(252).max()
    at_high = spy >= high * (1 - 1e-6)
    trail = pct.rolling(50).mean()

    def bearish(day: str) -> bool:
        prev = at_high.loc[: pd.Timestamp(day) - pd.Timedelta(days=1)]
        at_prev = pct.loc[prev[prev].index[-1]]
        near = 100 * (1 - spy.loc[day] / high.loc[day]) <= 2.0
        return bool(near and pct.loc[day] < trail.loc[day] and pct.loc[day] < at_prev)

    for day, fired in (("2025-07-30", False), ("2025-07-31", True)):
        line = check(real, day)[3]
        state = "FIRED    " if fired else "not fired"
        assert line.startswith(f"{state}  bearish divergence [r3k] {day}: bearish divergence"), line
        assert bearish(day) is fired
