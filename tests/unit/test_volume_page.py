"""Volume breadth through the service, ``export breadth``, the Breadth tab's chart and CSV,
and the report (issue #15 item 4): the columns exist exactly when the store has volume."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from data.model import Prices
from data.store import Store
from service.breadth import VOLUME_COLUMNS, BreadthQuery, BreadthService
from service.exports import export_breadth_csv
from tests.reference_volume import reference_volume_breadth


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from data.jobs import load_demo

    root = tmp_path_factory.mktemp("volume-demo") / "store"
    load_demo(Store(root), seed=5, n_tickers=120, years=2)
    return Store(root)


@pytest.fixture(scope="module")
def close_only(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store imported from a close-only file (no volume field at all)."""
    root = tmp_path_factory.mktemp("volume-close") / "store"
    idx = pd.bdate_range("2024-01-01", periods=30, name="date")
    rng = np.random.default_rng(3)
    close = pd.DataFrame(
        np.exp(rng.normal(0, 0.02, (30, 4)).cumsum(axis=0)) * 50,
        index=idx,
        columns=["AAA", "BBB", "CCC", "DDD"],
        dtype="float32",
    )
    Store(root).write_prices(Prices(close=close), source_kind="files", source_label="t")
    return Store(root)


def _y(trace: go.Scatter) -> np.ndarray:
    """A trace's y values (Dash's base64 typed-array form when the figure went through JSON)."""
    y = trace.y
    if isinstance(y, dict):
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).astype("float64")
    return np.asarray(y, dtype="float64")


def _csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), index_col="date", parse_dates=["date"])


def test_vpg001_export_has_the_volume_columns_exactly_when_the_store_has_volume(
    demo: Store, close_only: Store, tmp_path: Path
) -> None:
    table = _csv(export_breadth_csv(demo, universe="sim-large"))
    assert list(table.columns[-5:]) == list(VOLUME_COLUMNS)
    assert "arms_index_10d" not in table.columns  # the chart's average is not exported
    frame = BreadthService(demo).volume(BreadthQuery(universe="sim-large"))
    np.testing.assert_allclose(
        table[list(VOLUME_COLUMNS)].to_numpy(), frame[list(VOLUME_COLUMNS)].to_numpy(), rtol=1e-12
    )
    assert table["up_volume"].notna().sum() > 400 and (table["arms_index"] > 0).sum() > 400
    # --start/--end cut the rows, not the running sum
    cut = _csv(export_breadth_csv(demo, universe="sim-large", start=table.index[100].date()))
    assert cut["ad_volume_line"].iloc[0] == pytest.approx(table["ad_volume_line"].iloc[100])
    # a close-only store: no volume columns at all
    plain = _csv(export_breadth_csv(close_only, universe="all"))
    assert not set(VOLUME_COLUMNS) & set(plain.columns) and "advances" in plain.columns
    # a volume field, but none on these members (the demo's benchmark indexes are close-only)
    listed = tmp_path / "bench.txt"
    listed.write_text("SIM:LARGE\nSIM:SMALL\n")
    bench = _csv(export_breadth_csv(demo, tickers_file=listed))
    assert not set(VOLUME_COLUMNS) & set(bench.columns) and "advances" in bench.columns


def test_vpg002_service_uses_point_in_time_membership_and_one_key_per_members(
    demo: Store,
) -> None:
    """The service's frame equals the naive reference over the universe's membership panel;
    its cache key ignores windows and options, not the universe or the data version."""
    from data.universes import get_universe, membership_panel

    svc = BreadthService(demo)
    _, intervals = get_universe(demo, "sim-small")
    prices = demo.read_prices(sorted(set(intervals["ticker"])), fields=("close", "volume"))
    assert prices.volume is not None
    member = membership_panel(intervals, prices.dates, prices.tickers)
    assert not member.to_numpy().all()  # membership changes over time
    ref = reference_volume_breadth(prices.close, prices.volume, member)
    got = svc.volume(BreadthQuery(universe="sim-small"))
    pd.testing.assert_frame_equal(got[list(VOLUME_COLUMNS)], ref, check_freq=False, rtol=1e-12)
    breadth = svc.breadth(BreadthQuery(universe="sim-small"))
    assert got.index.equals(breadth.index)
    a = BreadthQuery(universe="sim-small")
    b = BreadthQuery(universe="sim-small", fast=20, slow=100, intraday=False, windows=(5, 10))
    assert a.volume_key() == b.volume_key() != BreadthQuery(universe="sim-large").volume_key()
    assert a.volume_key() != BreadthQuery(tickers=("AAA",)).volume_key()
    svc.volume(b)
    assert svc.stats["computed"] == 2  # breadth and volume once each; b was a hit


def test_vpg003_chart_traces_and_log_arms_axis(demo: Store, close_only: Store) -> None:
    from components.charts import BY_KEY
    from components.context import choices
    from components.url.query import parse_query

    svc = BreadthService(demo)
    state, notices = parse_query("?u=sim-large&start=2025-03-03&end=2025-09-30", choices(svc))
    assert not notices
    fig = go.Figure(BY_KEY["volume"].draw(svc, state)["volume"])
    drawn = {t.name: t for t in fig.data}
    assert {
        "Up-volume %",
        "Arms index (daily)",
        "Arms index, 10-day average",
        "A/D volume line",
    } <= set(drawn)
    assert drawn["Arms index (daily)"].yaxis == "y2" and drawn["A/D volume line"].yaxis == "y3"
    assert fig.layout.yaxis2.type == "log"
    lo, hi = fig.layout.yaxis2.range
    assert lo == pytest.approx(-hi) and np.log10(2) < hi <= 1.06  # symmetric about 1
    assert list(fig.layout.yaxis.range) == [0.0, 100.0]
    assert fig.layout.xaxis.range[0].startswith("2025-03-03")
    frame = svc.volume(BreadthQuery(universe="sim-large"))
    np.testing.assert_allclose(
        _y(drawn["Arms index, 10-day average"]),
        frame["arms_index_10d"].to_numpy(),
        rtol=1e-6,
    )  # float32 on the wire
    # the range patch re-ranges the same axes
    patch = BY_KEY["volume"].redraw(svc, state)["volume"]
    assert patch.to_plotly_json()["operations"]
    # a store without volume: the chart says so
    empty_svc = BreadthService(close_only)
    state2, _ = parse_query("", choices(empty_svc))
    text = go.Figure(BY_KEY["volume"].draw(empty_svc, state2)["volume"]).layout.annotations[0].text
    assert text.startswith("No volume in this store")


def test_vpg004_breadth_csv_columns_and_report(demo: Store, close_only: Store) -> None:
    from components.breadth.export import view_frame
    from components.context import choices
    from components.report.build import BREADTH_KEYS, DEFINITIONS, build_report
    from components.report.html import render_html
    from components.url.query import parse_query

    svc = BreadthService(demo)
    state, _ = parse_query("?u=sim-large&start=2025-03-03&end=2025-09-30", choices(svc))
    csv = view_frame(svc, state)
    assert [c for c in csv.columns if c in VOLUME_COLUMNS or "volume" in c or "arms" in c] == (
        list(VOLUME_COLUMNS)
    )
    assert csv.index[0] == pd.Timestamp("2025-03-03") and csv["arms_index"].notna().all()
    plain = BreadthService(close_only)
    state2, _ = parse_query("", choices(plain))
    assert not set(VOLUME_COLUMNS) & set(view_frame(plain, state2).columns)
    # the report draws the chart with its definition, after the A/D chart
    assert "volume" in BREADTH_KEYS
    report = build_report(svc, "?u=sim-large&start=2025-03-03&end=2025-09-30")
    keys = [c.key for c in report.charts]
    assert keys.index("volume") == keys.index("advance_decline") + 1
    text = render_html(report)
    assert 'id="chart-volume"' in text and "Arms index (daily)" in text
    assert DEFINITIONS["volume"].replace("'", "&#x27;") in text


def test_vpg005_a_store_without_volume_is_not_read_twice(
    close_only: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No volume field stored: the volume frame (no columns, the breadth frame's sessions)
    comes without a second panel read (it was a whole read of the universe per cold view)."""
    svc = BreadthService(close_only)
    q = BreadthQuery(universe="all")
    breadth = svc.breadth(q)
    reads: list[tuple[str, ...]] = []
    real = close_only.read_prices

    def counting(tickers: list[str], fields: tuple[str, ...] = ("close",)) -> Prices:
        reads.append(tuple(fields))
        return real(tickers, fields=fields)

    monkeypatch.setattr(close_only, "read_prices", counting)
    vol = svc.volume(q)
    assert reads == [] and list(vol.columns) == [] and vol.index.equals(breadth.index)
