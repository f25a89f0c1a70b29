"""data.refresh against the real Parquet store and a fake yfinance download; all offline."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from data.benchmarks import REFRESH_BENCHMARKS
from data.errors import InputError
from data.model import Prices, UniverseInfo
from data.refresh import run_refresh, run_refresh_cli
from data.refresh.plan import RefreshProgress, plan_refresh
from data.store import Store
from tests.fakes.yahoo import FakeYahoo, make_history, sessions

NOW = datetime(2024, 3, 1, 23, 0, tzinfo=UTC)  # Friday 18:00 New York: the day's bar is final
DAYS = sessions("2023-12-01", "2024-03-01")
STORED_UNTIL = "2024-02-23"


def _fake() -> FakeYahoo:
    n = len(DAYS)
    return FakeYahoo(
        histories={
            "AAA": make_history(DAYS, np.linspace(10, 20, n)),
            "BRK-B": make_history(DAYS, np.linspace(300, 330, n)),
            "NEW": make_history(DAYS[10:], np.linspace(5, 6, n - 10)),
        }
    )


def _seed(store: Store, fake: FakeYahoo, tickers: tuple[str, ...] = ("AAA", "BRK-B")) -> str:
    """Store the fake's bars up to STORED_UNTIL, as an earlier refresh would have."""
    panels: dict[str, dict[str, pd.Series]] = {f: {} for f in ("open", "high", "low", "close")}
    panels["volume"] = {}
    for t in tickers:
        h = fake.histories[t]
        h = h[h.index.tz_localize(None) <= pd.Timestamp(STORED_UNTIL)]
        for f in panels:
            panels[f][t] = pd.Series(h[f.title()].to_numpy(float), index=h.index.tz_localize(None))
    frames = {f: pd.DataFrame(s).rename_axis("date") for f, s in panels.items()}
    return store.write_prices(Prices(**frames), source_kind="yahoo", source_label="seed")


def _run(store: Store, fake: FakeYahoo, tickers: list[str], **kw: object):  # type: ignore[no-untyped-def]
    opts: dict = dict(download=fake, now=NOW, sleep=lambda s: None, backoff_s=0.01)
    opts.update(kw)
    return run_refresh(store, tickers, **opts)


def test_refresh001_plan_new_incremental_up_to_date_full() -> None:
    last = pd.Series({"AAA": pd.Timestamp("2024-02-23"), "UP": pd.Timestamp("2024-03-01")})
    plans = plan_refresh(last, ["AAA", "UP", "NEW", "AAA"], date(2024, 3, 2), overlap=5)
    got = {p.ticker: (p.action, p.start) for p in plans}
    assert got == {
        "AAA": ("incremental", date(2024, 2, 16)),
        "UP": ("up_to_date", None),
        "NEW": ("new", date(2000, 1, 1)),
    }
    full = plan_refresh(last, ["AAA"], date(2024, 3, 2), full=True)
    assert full[0].action == "full" and full[0].start == date(2000, 1, 1)


def test_refresh002_incremental_writes_one_version_with_only_new_bars(data_dir: Path) -> None:
    store, fake = Store(data_dir), _fake()
    _seed(store, fake)
    summary = _run(store, fake, ["AAA", "brk.b", "NEW"])
    assert summary.failed == {} and summary.fetched == ["AAA", "BRK-B", "NEW"]
    assert summary.version == store.version and summary.exit_code == 0
    starts = sorted(c["start"] for c in fake.calls)
    assert starts == ["2000-01-01", "2024-02-16"]  # one call per start date
    last = store.last_dates()
    assert (last == pd.Timestamp("2024-03-01")).all()
    close = store.read_prices(["AAA", "NEW"], fields=("close",)).close
    expected = fake.histories["AAA"]["Close"].to_numpy()
    np.testing.assert_allclose(close["AAA"].to_numpy(), expected, rtol=1e-6)
    assert close["NEW"].first_valid_index() == DAYS[10]
    info = store.read_ticker_info().set_index("ticker")
    assert info.loc["NEW", "kind"] == "stock"
    assert store.manifest()["refresh"]["fetched"] == ["AAA", "BRK-B", "NEW"]
    again = _run(store, fake, ["AAA", "BRK-B", "NEW"])
    assert again.version is None and again.up_to_date == ["AAA", "BRK-B", "NEW"]


def test_refresh003_split_inside_overlap_refetches_whole_history(data_dir: Path) -> None:
    store, fake = Store(data_dir), _fake()
    _seed(store, fake)
    fake.apply_split("AAA", on="2024-02-21", ratio=2.0)
    summary = _run(store, fake, ["AAA", "BRK-B"])
    assert summary.refetched_full == ["AAA"] and summary.failed == {}
    assert [c["start"] for c in fake.calls][-1] == "2000-01-01"
    close = store.read_prices(["AAA"], fields=("close",)).close["AAA"]
    np.testing.assert_allclose(close.to_numpy(), fake.histories["AAA"]["Close"], rtol=1e-6)
    assert close.iloc[0] == pytest.approx(5.0, rel=1e-6)  # early history halved


def test_refresh004_whole_refresh_rate_limited_leaves_store_unchanged(data_dir: Path) -> None:
    store, fake = Store(data_dir), _fake()
    before = _seed(store, fake)
    fake.raise_rate_limit = 1000
    summary = _run(store, fake, ["AAA", "BRK-B", "NEW"], max_retries=2)
    assert store.version == before and summary.version is None
    assert set(summary.failed) == {"AAA", "BRK-B", "NEW"}
    assert all("Rate limited" in r for r in summary.failed.values())
    assert summary.exit_code == 1 and "store is unchanged" in summary.report()


def test_refresh005_cancel_leaves_store_at_old_version(data_dir: Path) -> None:
    store, fake = Store(data_dir), _fake()
    before = _seed(store, fake)
    polls = iter([False, True, True, True])
    summary = _run(store, fake, ["AAA", "BRK-B", "NEW"], cancel=lambda: next(polls))
    assert summary.cancelled and summary.version is None and store.version == before
    assert len(fake.calls) == 1


def test_refresh006_progress_reported_in_order(data_dir: Path) -> None:
    store, fake = Store(data_dir), _fake()
    _seed(store, fake)
    seen: list[RefreshProgress] = []
    ticks = iter(range(100))
    _run(store, fake, ["AAA", "BRK-B", "NEW", "BAD"], batch_size=1, progress=seen.append,
         clock=lambda: float(next(ticks)))  # fmt: skip
    assert [p.batches_done for p in seen] == [1, 2, 3, 4]
    assert {p.batches_total for p in seen} == {4}
    assert seen[-1].tickers_failed == 1 and seen[-1].eta_s == 0.0
    assert seen[0].eta_s is not None and seen[0].eta_s > 0


def test_refresh007_partial_day_and_delisted(data_dir: Path) -> None:
    store, fake = Store(data_dir), _fake()
    fake.histories["GONE"] = make_history(DAYS[:40], np.full(40, 7.0))
    _seed(store, fake, ("AAA", "GONE"))
    intraday = datetime(2024, 3, 1, 16, 0, tzinfo=UTC)
    summary = _run(store, fake, ["AAA", "GONE"], now=intraday)
    assert summary.fetched == ["AAA"] and summary.up_to_date == ["GONE"]
    assert store.last_dates()["AAA"] == pd.Timestamp("2024-02-29")


def test_refresh008_real_data_replaces_simulated_store(data_dir: Path) -> None:
    store, fake = Store(data_dir), _fake()
    demo = pd.DataFrame({"SIM:A": [1.0, 2.0]}, index=pd.DatetimeIndex(DAYS[:2], name="date"))
    store.write_prices(Prices(close=demo), source_kind="demo", source_label="demo", simulated=True)
    summary = _run(store, fake, ["AAA", "SIM:A"])
    assert summary.replaced_simulated and summary.fetched == ["AAA"]
    assert store.manifest()["simulated"] is False
    assert list(store.last_dates().index) == ["AAA"]


def test_refresh009_cli_universe_tickers_benchmarks(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, fake = Store(data_dir), _fake()
    _seed(store, fake)
    for t in REFRESH_BENCHMARKS:
        fake.histories[t] = make_history(DAYS, np.linspace(50, 60, len(DAYS)))
    members = pd.DataFrame({"ticker": ["AAA"], "start_date": [pd.Timestamp("2020-01-01")],
                            "end_date": [pd.NaT]})  # fmt: skip
    store.write_universe(UniverseInfo("mine", "Mine", point_in_time=True), members)
    settings = SimpleNamespace(yahoo_batch_size=50, yahoo_max_retries=0, yahoo_backoff=0.0)
    code = run_refresh_cli(store, settings, ["mine"], ["NEW,brk.b"], full=False,
                           progress=False, download=fake)  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert {"AAA", "BRK-B", "NEW", "SPY", "^GSPC"} <= set(store.last_dates().index)
    assert "failed: 0" in out
    with pytest.raises(InputError, match="unknown universe"):
        run_refresh_cli(store, settings, ["nope"], [], full=False, progress=False, download=fake)
    fake.histories.pop("NEW")
    code = run_refresh_cli(store, settings, [], ["NEW"], full=True, progress=True, download=fake)
    assert code == 1 and "NEW:" in capsys.readouterr().out


def test_refresh010_cli_resolves_builtin_universes(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cli.py refresh --universe dow30` asks for the built-in point-in-time members (the
    README's `--universe sp500` once failed with 'unknown universe')."""
    from data.universes import universe_members

    store, fake = Store(data_dir), _fake()
    _seed(store, fake)
    settings = SimpleNamespace(yahoo_batch_size=500, yahoo_max_retries=0, yahoo_backoff=0.0)
    run_refresh_cli(store, settings, ["dow30"], [], full=False, progress=False, download=fake)
    asked = {t for call in fake.calls for t in call["tickers"]}
    dow = universe_members(store, "dow30")
    assert len(dow) >= 30 and set(dow) <= asked
    assert "AAPL" in dow
    capsys.readouterr()


def test_refresh_lock001_one_refresh_at_a_time(tmp_path: Path) -> None:
    """A second refresh while one holds the lock fails at once and writes nothing."""
    from data.errors import StoreError
    from data.refresh import run_refresh
    from data.store import Store

    store = Store(tmp_path / "locked")
    with store.refresh_lock():
        with pytest.raises(StoreError, match="another refresh"):
            run_refresh(store, ["AAA"], download=lambda *a, **k: None)
        assert store.version == ""
    with store.refresh_lock():  # released when the holder leaves (or dies: flock)
        pass
