"""The Parquet store: round trip, merge semantics, versions, atomicity, locking, failures."""

from __future__ import annotations

import errno
import fcntl
import os
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.errors import InputError, StoreError
from data.model import Prices, UniverseInfo
from data.store import Store


def panel(dates: list[str], data: dict[str, list[float]]) -> pd.DataFrame:
    index = pd.DatetimeIndex(pd.to_datetime(dates).as_unit("ns"), name="date")
    frame = pd.DataFrame(data, index=index, dtype=np.float32)
    frame.columns = pd.Index(list(frame.columns), name="ticker")
    return frame


DATES = ["2022-12-29", "2022-12-30", "2023-01-03", "2023-01-04"]
NAN = float("nan")


def ohlc() -> Prices:
    close = panel(DATES, {"AAA": [10.1, 10.2, 10.3, 10.4], "BBB": [NAN, 20.5, 20.25, 20.125]})
    vol = close.astype(np.float64) * 1000 + 0.5
    return Prices(close=close, high=close + 1, low=close - 1, open=close - 0.5, volume=vol)


def universe() -> tuple[UniverseInfo, pd.DataFrame]:
    iv = pd.DataFrame(
        {
            "ticker": ["AAA", "BBB"],
            "start_date": pd.to_datetime(["2020-01-01", "2022-12-30"]).as_unit("ns"),
            "end_date": pd.to_datetime([None, "2023-01-03"]).as_unit("ns"),
        }
    )
    return UniverseInfo("u1", "Universe one", point_in_time=True, source="test"), iv


@pytest.fixture()
def store(data_dir: Path) -> Store:
    s = Store(data_dir / "s")
    info = pd.DataFrame(
        {"ticker": ["AAA"], "name": ["A Inc"], "sector": ["Tech"], "kind": ["stock"]}
    )
    s.write_prices(
        ohlc(), source_kind="files", source_label="a.csv", ticker_info=info, universes=[universe()]
    )
    return s


def read_all(s: Store) -> Prices:
    return s.read_prices(fields=("open", "high", "low", "close", "volume"))


def test_store001_empty_store_creates_nothing(data_dir: Path) -> None:
    s = Store(data_dir / "nothing")
    assert s.is_empty() and s.version == "" and s.manifest() == {}
    assert s.read_prices().close.shape == (0, 0)
    assert not (data_dir / "nothing").exists()


def test_store002_round_trip_exact(store: Store) -> None:
    got, given = read_all(store), ohlc()
    for field in ("open", "high", "low", "close"):
        pd.testing.assert_frame_equal(getattr(got, field), getattr(given, field))
        assert getattr(got, field).dtypes.eq(np.float32).all()
    pd.testing.assert_frame_equal(got.volume, given.volume)
    assert got.volume.dtypes.eq(np.float64).all()
    assert got.close.index.is_monotonic_increasing and got.close.index.name == "date"
    m = store.manifest()
    assert m["source"] == {"kind": "files", "label": "a.csv"} and not m["simulated"]
    assert (m["first_date"], m["last_date"], m["n_tickers"]) == ("2022-12-29", "2023-01-04", 2)
    assert m["fields"] == ["open", "high", "low", "close", "volume"] and not m["close_only"]


def test_store003_fields_absent_are_none_and_filters(data_dir: Path) -> None:
    s = Store(data_dir / "c")
    s.write_prices(Prices(close=ohlc().close), source_kind="files", source_label="c")
    p = s.read_prices(tickers=["BBB", "ZZZ"], start=pd.Timestamp("2022-12-30").date(),
                      end=pd.Timestamp("2023-01-03").date())  # fmt: skip
    assert p.high is None and p.low is None and p.close_only and s.manifest()["close_only"]
    assert list(p.close.columns) == ["BBB"]
    assert p.close["BBB"].tolist() == [np.float32(20.5), np.float32(20.25)]


def test_store004_merge_overwrites_non_nan_and_extends(store: Store) -> None:
    new = panel(["2023-01-04", "2023-01-05"], {"AAA": [NAN, 11.0], "CCC": [5.0, 5.5]})
    v0 = store.version
    v1 = store.write_prices(Prices(close=new), source_kind="yahoo", source_label="Yahoo")
    assert v1 != v0 and store.version == v1
    p = read_all(store)
    assert list(p.close.columns) == ["AAA", "BBB", "CCC"]
    assert p.close.loc["2023-01-04", "AAA"] == np.float32(10.4)  # NaN given: kept
    assert p.close.loc["2023-01-05", "AAA"] == np.float32(11.0)
    assert np.isnan(p.high.loc["2023-01-05", "AAA"])  # close-only write: no new high
    assert p.high.loc["2023-01-04", "AAA"] == np.float32(11.4)  # old high kept
    assert store.manifest()["source"]["kind"] == "mixed"
    assert store.last_dates().to_dict() == {
        "AAA": pd.Timestamp("2023-01-05"), "BBB": pd.Timestamp("2023-01-04"),
        "CCC": pd.Timestamp("2023-01-05"),
    }  # fmt: skip


def test_store005_replace_tickers_drops_whole_history(store: Store) -> None:
    new = panel(["2023-01-04"], {"BBB": [99.0]})
    store.write_prices(
        Prices(close=new), source_kind="files", source_label="b", replace_tickers=["BBB"]
    )
    p = read_all(store)
    assert p.close["BBB"].notna().sum() == 1 and p.close.loc["2023-01-04", "BBB"] == 99.0
    assert p.high["BBB"].isna().all()  # the old 2022 highs went with the history
    assert p.close["AAA"].tolist() == [np.float32(v) for v in (10.1, 10.2, 10.3, 10.4)]
    assert store.last_dates()["BBB"] == pd.Timestamp("2023-01-04")


def test_store006_replace_all_and_universes(store: Store) -> None:
    new = panel(["2024-02-01"], {"ZZZ": [1.0]})
    store.write_prices(Prices(close=new), source_kind="demo", source_label="d", simulated=True,
                       replace_all=True)  # fmt: skip
    assert list(read_all(store).close.columns) == ["ZZZ"]
    assert [u.name for u in store.list_universes()] == ["u1"]  # kept without drop_universes
    assert store.read_ticker_info()["ticker"].tolist() == ["ZZZ"]
    assert store.manifest()["source"]["kind"] == "demo" and store.manifest()["simulated"]
    store.write_prices(Prices(close=new), source_kind="demo", source_label="d", replace_all=True,
                       drop_universes=True)  # fmt: skip
    assert store.list_universes() == []


def test_store007_universe_round_trip_and_unknown(store: Store) -> None:
    info, iv = universe()
    got_info, got = store.read_universe("u1")
    assert got_info == info
    pd.testing.assert_frame_equal(got[["ticker", "start_date", "end_date"]], iv,
                                  check_dtype=False)  # fmt: skip
    with pytest.raises(InputError, match="u1"):
        store.read_universe("nope")
    v = store.version
    info2 = UniverseInfo("u2", "Two", point_in_time=False)
    assert store.write_universe(info2, iv.iloc[:1]) != v
    assert [u.name for u in store.list_universes()] == ["u1", "u2"]
    assert store.read_universe("u2")[0].survivorship_note


def test_store008_ticker_info_upsert(store: Store) -> None:
    info = pd.DataFrame({"ticker": ["AAA", "BBB"], "name": ["A2", "B"], "sector": ["x", "y"],
                         "kind": ["stock", "etf"], "extra": [1, 2]})  # fmt: skip
    store.write_prices(Prices(close=panel(["2023-01-05"], {"AAA": [1.0]})), source_kind="files",
                       source_label="x", ticker_info=info)  # fmt: skip
    got = store.read_ticker_info()
    assert list(got.columns[:4]) == ["ticker", "name", "sector", "kind"] and "extra" in got
    assert got.set_index("ticker")["name"].to_dict() == {"AAA": "A2", "BBB": "B"}


def test_store009_version_changes_on_every_write(store: Store) -> None:
    seen = {store.version}
    seen.add(store.set_refresh_summary({"ok": 3, "failed": 0}))
    assert store.manifest()["refresh"] == {"ok": 3, "failed": 0}
    seen.add(store.write_universe(*universe()))
    seen.add(store.write_prices(ohlc(), source_kind="files", source_label="a.csv"))
    assert len(seen) == 4 and "" not in seen


def test_store010_incremental_write_touches_current_year_only(store: Store) -> None:
    parts = store.root / "parts"
    before = {p.name: p.stat().st_mtime_ns for p in parts.iterdir()}
    store.write_prices(Prices(close=panel(["2023-01-05"], {"AAA": [12.0]})), source_kind="files",
                       source_label="x")  # fmt: skip
    m = store._manifest()["files"]["prices"]
    assert m["close"]["2022"] in before  # 2022 file carried over by name
    assert m["close"]["2023"] not in before


def test_store011_reader_during_writes_sees_old_or_new(data_dir: Path) -> None:
    s = Store(data_dir / "r")
    base = ohlc()
    s.write_prices(base, source_kind="files", source_label="a")
    expected = {0.0}
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for k in range(1, 15):
                bumped = Prices(close=base.close + k, high=base.high + k, low=base.low + k)
                s.write_prices(bumped, source_kind="files", source_label="a")
                expected.add(float(k))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            stop.set()

    t = threading.Thread(target=writer)
    t.start()
    reads = 0
    while not stop.is_set() or reads < 5:
        p = Store(data_dir / "r").read_prices()
        shift = p.close - base.close
        k = float(shift.stack().dropna().iloc[0])
        assert np.allclose(shift.stack().dropna(), k, atol=1e-3)  # one version, never a mix
        assert np.allclose((p.high - base.high).stack().dropna(), k, atol=1e-3)
        reads += 1
    t.join()
    assert not errors and reads >= 5


def test_store012_lock_contention(store: Store) -> None:
    fd = os.open(store.root / ".lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        store.lock_wait = 0.2
        with pytest.raises(StoreError, match="another refresh is running"):
            store.set_refresh_summary({"x": 1})
        assert read_all(store).close.shape == (4, 2)  # readers are not blocked
    finally:
        os.close(fd)
    store.set_refresh_summary({"x": 1})  # released: works again


def test_store013_not_a_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match=r"cannot write|read-only"):
        Store(blocker / "store").write_prices(ohlc(), source_kind="files", source_label="a")


@pytest.mark.parametrize(
    ("code", "words"), [(errno.ENOSPC, "disk full"), (errno.EROFS, "read-only")]
)
def test_store014_write_failure_keeps_previous(
    store: Store, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    version, before = store.version, read_all(store)
    files_before = sorted(os.listdir(store.root / "parts"))
    calls = {"n": 0}
    real = os.replace

    def failing(src: str | Path, dst: str | Path) -> None:
        calls["n"] += 1
        if calls["n"] >= 2:  # fail mid-write, after one file landed
            raise OSError(code, os.strerror(code))
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    bigger = Prices(close=ohlc().close * 2, high=ohlc().high * 2, low=ohlc().low * 2)
    with pytest.raises(StoreError, match=words):
        store.write_prices(bigger, source_kind="files", source_label="b")
    monkeypatch.undo()
    assert store.version == version
    pd.testing.assert_frame_equal(read_all(store).close, before.close)
    assert sorted(os.listdir(store.root / "parts")) == files_before  # temps cleaned
    assert not list(store.root.glob(".*.tmp"))


def test_store015_corrupt_or_missing_file(store: Store) -> None:
    name = store._manifest()["files"]["prices"]["close"]["2023"]
    (store.root / "parts" / name).write_bytes(b"PAR1 garbage")
    with pytest.raises(StoreError, match=name):
        store.read_prices()
    (store.root / "parts" / name).unlink()
    with pytest.raises(StoreError, match=rf"{name}.*missing"):
        store.read_prices()
    (store.root / "manifest.json").write_text("{not json")
    with pytest.raises(StoreError, match="corrupt"):
        store.manifest()


def test_store016_old_versions_collected(store: Store) -> None:
    for k in range(5):
        store.set_refresh_summary({"k": k})
        store.write_prices(Prices(close=panel(["2023-01-05"], {"AAA": [float(k + 1)]})),
                           source_kind="files", source_label="x")  # fmt: skip
    m = store._manifest()
    keep = set()
    for names in m["recent"]:
        keep.update(names)
    on_disk = set(os.listdir(store.root / "parts"))
    assert on_disk <= keep | {n for y in m["files"]["prices"].values() for n in y.values()} | {
        m["files"]["tickers"],
        m["files"]["info"],
        *(u["file"] for u in m["files"]["universes"].values()),
    }
    assert len(m["recent"]) == 2
