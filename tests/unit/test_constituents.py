"""service.constituents and the rotation view's constituent-built pairs, on a small demo store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from components.breadth import views
from components.breadth.figures_market import CONSTITUENT_MARK
from components.context import choices
from components.url.query import parse_query
from data.store import Store
from service.breadth import BreadthService
from service.constituents import (
    EW_SUFFIX,
    constituent_pairs,
    equal_weight,
    ew_column,
    with_constituents,
)
from service.pairs import add_constituents, resolve_pairs, rotation_lines

jobs = pytest.importorskip("data.jobs")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    root = tmp_path_factory.mktemp("ew") / "store"
    jobs.load_demo(Store(root), seed=3, n_tickers=240, years=3)
    return Store(root)


def test_con001_demo_pairs_small_vs_large_and_value_growth_skipped(store: Store) -> None:
    pairs, notices = constituent_pairs(BreadthService(store))
    assert [(p.pair_id, p.numerator, p.denominator) for p in pairs] == [
        ("small_vs_large", "sim-small", "sim-large")
    ]
    assert pairs[0].label == f"Small vs large caps {EW_SUFFIX}"
    assert pairs[0].roles == ("small", "large") and pairs[0].survivorship == ""
    assert len(notices) == 1 and notices[0].startswith("Value vs growth")
    assert "skipped" in notices[0] and "russell1000value" in notices[0]
    assert CONSTITUENT_MARK == EW_SUFFIX  # the figure dashes exactly these lines


def test_con002_equal_weight_matches_the_demo_equal_weight_benchmark(store: Store) -> None:
    """SIM:EQUAL is the simulator's own equal-weighted sim-large (built independently, from
    the same point-in-time membership): the two indexes agree to a few basis points."""
    svc = BreadthService(store)
    ours = equal_weight(svc, "sim-large")
    theirs = svc.closes(["SIM:EQUAL"])["SIM:EQUAL"].reindex(ours.index)
    assert ours.iloc[0] == 100.0 and ours.name == ew_column("sim-large")
    rel = (ours / ours.iloc[0]) / (theirs / theirs.iloc[0]) - 1.0
    assert float(rel.abs().max()) < 2e-3
    daily = np.corrcoef(ours.pct_change().iloc[1:], theirs.pct_change().iloc[1:])[0, 1]
    assert daily > 0.9999


def test_con003_equal_weight_is_memoized_per_version(store: Store) -> None:
    svc = BreadthService(store)
    first = equal_weight(svc, "sim-small")
    computed = svc.stats["computed"]
    again = equal_weight(svc, "SIM-SMALL")  # universe names are case-insensitive
    assert again is first and svc.stats["computed"] == computed
    assert svc.stats["local_hits"] >= 1


def test_con004_russell_universes_preferred_with_survivorship_caveat(
    store: Store, tmp_path: Path
) -> None:
    from data.universes import add_universe_file

    copy = Store(tmp_path / "store")
    jobs.load_demo(copy, seed=3, n_tickers=240, years=3)
    before, _ = constituent_pairs(BreadthService(copy))
    assert [p.numerator for p in before] == ["sim-small"]
    big = copy.read_universe("sim-large")[1]["ticker"].unique()[:40]
    small = copy.read_universe("sim-small")[1]["ticker"].unique()[:40]
    for name, tickers in (("r2k", small), ("r1k", big)):
        (tmp_path / f"{name}.txt").write_text("\n".join(tickers))
    # custom names that are not built in stand for the holdings-based Russell universes
    from service import constituents as sc

    original = sc.CONSTITUENT_PAIRS
    sc.CONSTITUENT_PAIRS = {
        "small_vs_large": ("Small vs large caps", (("r2k", "r1k"), ("sim-small", "sim-large")))
    }
    try:
        add_universe_file(copy, "r2k", tmp_path / "r2k.txt")
        add_universe_file(copy, "r1k", tmp_path / "r1k.txt")
        svc = BreadthService(copy)
        pairs, notices = constituent_pairs(svc)
        assert [(p.numerator, p.denominator) for p in pairs] == [("r2k", "r1k")]
        assert "survivorship bias" in pairs[0].survivorship
        assert any("r2k vs r1k" in n and "survivorship bias" in n for n in notices)
        closes, _, _ = with_constituents(svc, svc.closes(["SIM:LARGE"]))
        assert {"EW:r2k", "EW:r1k", "SIM:LARGE"} <= set(closes.columns)
    finally:
        sc.CONSTITUENT_PAIRS = original


def test_con005_rotation_view_draws_dashed_twin_and_table_rows(store: Store) -> None:
    svc = BreadthService(store)
    state, _ = parse_query("?start=2024-01-02", choices(svc))
    panel = views.rotation(svc, state)
    names = [t.name for t in panel.figure.data]
    twin = f"Small vs large caps {EW_SUFFIX}"
    assert twin in names and "Small vs large caps" in names
    solid, dashed = (panel.figure.data[names.index(n)] for n in ("Small vs large caps", twin))
    assert dashed.line.dash == "dash" and solid.line.dash == "solid"
    assert dashed.line.color == solid.line.color
    x, y = np.asarray(dashed.x, dtype="float64"), np.asarray(dashed.y, dtype="float64")
    at_start = int(np.searchsorted(x, pd.Timestamp("2024-01-02").value / 1e6))
    assert y[at_start] == pytest.approx(100.0, abs=1e-3)  # rebased at the range start
    rows = panel.table.set_index("name")
    assert rows.loc[f"Small caps {EW_SUFFIX}", "ticker"] == "sim-small"
    assert rows.loc[f"{twin} (ratio)", "ticker"] == "sim-small/sim-large"
    assert any(n.startswith("Value vs growth") for n in panel.notices)
    # the range patch sends one y array per drawn line, in the figure's trace order
    patch = views.rotation(svc, state, patch=True).figure.to_plotly_json()
    ops = [op for op in patch["operations"] if op["location"][0] == "data"]
    assert sorted(op["location"][1] for op in ops) == list(range(len(names)))


def test_con006_ratio_of_the_twin_is_the_ratio_of_the_two_indexes(store: Store) -> None:
    svc = BreadthService(store)
    closes = svc.closes(["SIM:SMALL", "SIM:LARGE"])
    wide, pairs, _ = add_constituents(svc, closes, resolve_pairs(list(closes.columns)), [])
    anchor = pd.Timestamp("2024-03-01")
    lines = rotation_lines(wide, pairs, anchor.date())
    twin = lines[f"Small vs large caps {EW_SUFFIX}"].dropna()
    small, large = equal_weight(svc, "sim-small"), equal_weight(svc, "sim-large")
    expected = small / large
    expected = 100.0 * expected / expected.loc[anchor:].iloc[0]
    np.testing.assert_allclose(twin.to_numpy(), expected.reindex(twin.index).to_numpy())
