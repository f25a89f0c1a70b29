"""The Sectors tab without a browser: the callback's heatmap and table on the demo market,
the ``sw`` URL field, "Download CSV", the report section, the message when no sectors are
stored, and the colour scale under simulated colour-vision deficiencies."""

from __future__ import annotations

import io
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.colors as pc
import pytest
from dash import Dash, no_update

from data.model import Prices
from data.store import Store
from settings import load_settings
from tests.colour_vision import difference, lab, simulate


def _app(root: Path) -> Dash:
    from app import create_app

    return create_app(load_settings(env={}, data_dir=root / "store", cache_dir=root / "cache"))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dash]:
    from data.jobs import load_demo

    root = tmp_path_factory.mktemp("sectors-ui")
    load_demo(Store(root / "store"), seed=1, n_tickers=200, years=3)
    yield _app(root)


def _state(app: Dash, search: str):  # type: ignore[no-untyped-def]
    from components.context import choices, get_service
    from components.url.query import parse_query

    with app.server.app_context():
        return parse_query(search, choices(get_service()))


def test_sectui101_callback_draws_heatmap_and_sorted_table(app: Dash) -> None:
    from components.report.dashhtml import find_table
    from components.sectors.callbacks import update_sectors
    from components.url.query import to_store

    state, notices = _state(app, "?u=sim-all&tab=sectors&sw=50")
    assert not notices and state.sector_window == 50
    with app.server.app_context():
        fig, style, table, message = update_sectors(to_store(state))
        assert update_sectors(to_store(_state(app, "?u=sim-all")[0])) == (no_update,) * 4
    heat = fig.data[0]
    assert heat.type == "heatmap" and len(heat.y) == 11 and style.get("display") != "none"
    assert heat.zmid == 50 and heat.zmin == 0 and heat.zmax == 100
    assert "50-day" in fig.layout.title.text and "members with data" in heat.hovertemplate
    weeks = pd.DatetimeIndex(heat.x)
    assert weeks.is_monotonic_increasing and (weeks.to_period("W").value_counts() == 1).all()
    assert message is None  # every demo stock has a sector: no Unassigned row
    rows = find_table(table).children[1].children
    values = [float(r.children[1].children.rstrip("%")) for r in rows]
    assert len(rows) == 11 and values == sorted(values, reverse=True)


def test_sectui102_window_field_parses_and_round_trips(app: Dash) -> None:
    from components.url.query import to_query

    state, notices = _state(app, "?tab=sectors&sw=100")
    assert state.sector_window == 200 and notices and "sw='100' ignored" in notices[0]
    fifty, _ = _state(app, "?tab=sectors&sw=50")
    assert "sw=50" in to_query(fifty)
    assert "sw=" not in to_query(state)  # the default stays out of the link


def test_sectui103_download_csv_is_the_export_table(app: Dash) -> None:
    from components.context import get_service
    from components.sectors.export import file_name, view_csv
    from service.sectors import export_frame

    state, _ = _state(app, "?u=sim-all&tab=sectors&start=2025-01-02&end=2025-03-31")
    with app.server.app_context():
        svc = get_service()
        got = pd.read_csv(io.StringIO(view_csv(svc, state)))
        ref = export_frame(svc, "sim-all", 200, state.start, state.end)
    assert list(got.columns) == [
        "date", "sector", "members_with_data", "pct_above_200dma",
        "view", "data_version", "simulated",
    ]  # fmt: skip
    assert len(got) == len(ref) and got["date"].min() >= "2025-01-02"
    assert got["members_with_data"].tolist() == ref["members_with_data"].tolist()
    assert file_name(state) == "sectors-sim-all-200dma.csv"


def test_sectui104_report_section_has_heatmap_and_table(app: Dash) -> None:
    from components.context import choices, get_service
    from components.report.sections import tab_view

    state, _ = _state(app, "?u=sim-all&tab=sectors")
    with app.server.app_context():
        svc = get_service()
        view = tab_view(svc, state, choices(svc))
    assert [s.key for s in view.sections] == ["sector_heatmap", "sector_table"]
    assert "Information Technology" in view.sections[1].body


def test_sectui105_no_sectors_says_how_to_add_them(tmp_path: Path) -> None:
    from components.context import get_service
    from components.sectors.callbacks import update_sectors
    from components.sectors.export import view_csv
    from components.url.query import parse_query, to_store
    from components.url.values import Choices

    idx = pd.bdate_range("2024-01-01", periods=30, name="date")
    close = pd.DataFrame(np.linspace(10, 20, 60).reshape(30, 2), index=idx, columns=["A", "B"])
    Store(tmp_path / "store").write_prices(
        Prices(close=close), source_kind="files", source_label="t"
    )
    app = _app(tmp_path)
    state, _ = parse_query("?tab=sectors", Choices())
    with app.server.app_context():
        _, style, table, message = update_sectors(to_store(state))
        csv = view_csv(get_service(), state)
    assert style == {"display": "none"} and table is None
    assert "python cli.py universe sectors FILE" in str(message.children)
    assert csv.splitlines()[0].startswith("date,sector,members_with_data,pct_above_200dma")
    assert len(csv.splitlines()) == 1


def test_sectui106_colour_scale_is_readable_under_cvd() -> None:
    """PuOr: under normal vision, protanopia and deuteranopia, cells the same distance
    below and above 50 % stay apart (CIEDE2000 ≥ 15 from ±15 points on), and lightness
    falls monotonically from the centre to both ends (so a reader who sees no hue still
    reads the distance from 50 %)."""
    from components.sectors.figures import COLORSCALE

    scale = pc.get_colorscale(COLORSCALE)
    sample = pc.sample_colorscale(scale, [v / 100 for v in range(0, 101, 5)])
    rgb = [np.array(pc.unlabel_rgb(c), dtype=float) for c in sample]
    as_hex = ["#" + "".join(f"{round(x):02x}" for x in c) for c in rgb]
    for kind in (None, "protanopia", "deuteranopia"):
        for d in range(15, 55, 5):  # value 50 - d against 50 + d
            lo, hi = as_hex[(50 - d) // 5], as_hex[(50 + d) // 5]
            assert difference(lo, hi, kind) >= 15, (kind, d)
        light = [lab(simulate(c, kind) if kind else c)[0] for c in rgb]
        assert all(a <= b + 0.5 for a, b in pairwise(light[:11])), kind  # 0 % .. 50 %
        assert all(a >= b - 0.5 for a, b in pairwise(light[10:])), kind  # 50 % .. 100 %


def test_sectui107_universe_without_priced_members_says_so(app: Dash) -> None:
    from dataclasses import replace

    from components.context import get_service
    from components.sectors.view import sectors_panel
    from data.errors import InputError
    from service.sectors import sectors

    state, _ = _state(app, "?tab=sectors")
    with app.server.app_context():
        svc = get_service()
        with pytest.raises(InputError, match="no member of the universe 'dow30' has prices"):
            sectors(svc, "dow30")
        _, table, message = sectors_panel(svc, replace(state, universe="dow30"))
    assert table is None and "no member of the universe 'dow30'" in str(message.children)
