"""The registries: every URL field, chart and tab declared once; old links open the same view;
every app built in a process gets every callback, without Dash's private registries."""

from __future__ import annotations

import ast
from dataclasses import fields, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from components.charts import BY_KEY, CHARTS, LINKED_GRAPHS, charts_of
from components.tabs import TAB_LIST
from components.url.fields import FIELDS, KEYS, TABS, ViewState
from components.url.query import parse_query, to_query
from components.url.values import Choices

ROOT = Path(__file__).resolve().parents[2]
CHOICES = Choices(
    universes=("all", "sim-all", "sim-large", "sim-small", "sp500"),
    default_universe="sim-large",
    first=date(2013, 1, 2),
    last=date(2026, 3, 31),
)

# (query, ViewState fields that differ from ViewState(), notices, canonical query), computed
# with the code before the URL registry (components/urlstate.py at 1cb093f) over CHOICES.
OLD_LINKS: list[tuple[str, dict[str, Any], list[str], str]] = [
    (
        "",
        {"universe": "sim-large", "start": "2023-03-31", "end": "2026-03-31"},
        [],
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic",
    ),
    (
        "?u=sp500",
        {"universe": "sp500", "start": "2023-03-31", "end": "2026-03-31"},
        [],
        "?u=sp500&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic",
    ),
    (
        "?u=sp500&cmp=sim-small&start=2020-01-02&end=2021-06-30&fast=20&slow=100&highs=close&mcc=ratio",
        {
            "universe": "sp500",
            "start": "2020-01-02",
            "end": "2021-06-30",
            "fast": 20,
            "slow": 100,
            "intraday": False,
            "ratio_adjusted": True,
            "compare": "sim-small",
        },
        [],
        "?u=sp500&cmp=sim-small&start=2020-01-02&end=2021-06-30&fast=20&slow=100&highs=close&mcc=ratio",
    ),
    (
        "?u=sim-small&cmp=&start=2024-01-02",
        {"universe": "sim-small", "start": "2024-01-02", "end": "2026-03-31"},
        [],
        "?u=sim-small&start=2024-01-02&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic",
    ),
    (
        "?fast=0&slow=abc&u=nope",
        {"universe": "sim-large", "start": "2023-03-31", "end": "2026-03-31"},
        [
            "u='nope' ignored (unknown universe)",
            "fast='0' ignored (outside 5–400 sessions)",
            "slow='abc' ignored (not a whole number of sessions)",
        ],
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic",
    ),
    (
        "?start=2022-01-01&end=2021-01-01",
        {"universe": "sim-large", "start": "2023-03-31", "end": "2026-03-31"},
        ["start 2022-01-01 is after end 2021-01-01; using the default range"],
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic",
    ),
    (
        "?u=sim-large&cmp=sim-large",
        {"universe": "sim-large", "start": "2023-03-31", "end": "2026-03-31"},
        ["comparison universe equals the universe; comparison dropped"],
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic",
    ),
    (
        "?highs=intraday&mcc=classic&fast=10&slow=30",
        {
            "universe": "sim-large",
            "start": "2023-03-31",
            "end": "2026-03-31",
            "fast": 10,
            "slow": 30,
        },
        [],
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=10&slow=30&highs=intraday&mcc=classic",
    ),
    (
        "?tab=rrg&tail=12&freq=D&rrgend=2026-01-09",
        {
            "universe": "sim-large",
            "start": "2023-03-31",
            "end": "2026-03-31",
            "tab": "rrg",
            "rrg_tail": 12,
            "rrg_freq": "D",
            "rrg_end": "2026-01-09",
        },
        [],
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic&tab=rrg&tail=12&freq=D&rrgend=2026-01-09",
    ),
    (
        "?tab=rrg&start=2025-01-02&end=2025-12-31&rrgend=2020-01-01",
        {"universe": "sim-large", "start": "2025-01-02", "end": "2025-12-31", "tab": "rrg"},
        ["RRG end 2020-01-01 is outside the selected range; using its end"],
        "?u=sim-large&start=2025-01-02&end=2025-12-31&fast=50&slow=200&highs=intraday&mcc=classic&tab=rrg",
    ),
    (
        "?tab=claims&asof=2025-07-28&cu=sim-small&ccmp=sim-large",
        {
            "universe": "sim-large",
            "start": "2023-03-31",
            "end": "2026-03-31",
            "tab": "claims",
            "asof": "2025-07-28",
            "claim_universe": "sim-small",
            "claim_compare": "sim-large",
        },
        [],
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic&tab=claims&asof=2025-07-28&cu=sim-small&ccmp=sim-large",
    ),
    (
        "?tab=claims&cu=sim-all&ccmp=sim-all",
        {
            "universe": "sim-large",
            "start": "2023-03-31",
            "end": "2026-03-31",
            "tab": "claims",
            "claim_universe": "sim-all",
        },
        ["claim comparison universe equals its universe; comparison dropped"],
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic&tab=claims&cu=sim-all",
    ),
    (
        "?tab=analogs&gap=2.5&near=7&marks=off",
        {
            "universe": "sim-large",
            "start": "2023-03-31",
            "end": "2026-03-31",
            "tab": "analogs",
            "analog_gap": 2.5,
            "analog_near": 7.0,
        },
        [],
        # marks=off is the default since issue #14 item 7 (shading off): left out
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic&tab=analogs&gap=2.5&near=7",
    ),
    (
        "?tab=analogs&gap=nan&near=31&marks=yes",
        {"universe": "sim-large", "start": "2023-03-31", "end": "2026-03-31", "tab": "analogs"},
        [
            "gap='nan' ignored (outside 0–50)",
            "near='31' ignored (outside 0–30)",
            "marks='yes' ignored (expected on or off)",
        ],
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic&tab=analogs",
    ),
    (
        "?tab=nope&tail=0&freq=M",
        {"universe": "sim-large", "start": "2023-03-31", "end": "2026-03-31"},
        [
            "tab='nope' ignored (expected one of breadth, sectors, rrg, claims, analogs)",
            "tail='0' ignored (outside 1–52 periods)",
            "freq='M' ignored (expected W (weekly) or D (daily))",
        ],
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic",
    ),
    (
        "?u=sp500&u=all&zzz=1",
        {"universe": "sim-large", "start": "2023-03-31", "end": "2026-03-31"},
        ["u given 2 times; using the default", "unknown parameter 'zzz' ignored"],
        "?u=sim-large&start=2023-03-31&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic",
    ),
    (
        "?asof=1999-01-01&end=2030-01-01&start=1990-01-01",
        {"universe": "sim-large", "start": "2013-01-02", "end": "2026-03-31"},
        [
            "start 1990-01-01 is before the stored data; using 2013-01-02",
            "end 2030-01-01 is after the stored data; using 2026-03-31",
            "as-of 1999-01-01 is outside the stored data; using the latest session",
        ],
        "?u=sim-large&start=2013-01-02&end=2026-03-31&fast=50&slow=200&highs=intraday&mcc=classic",
    ),
    (
        "?u=sim-all&start=2025-03-03&end=2025-09-30&fast=21&slow=63&tab=rrg&tail=4&freq=W&rrgend=2025-06-27&asof=2025-07-28&cu=sp500&ccmp=sim-small&gap=0&near=5&marks=on",
        {
            "universe": "sim-all",
            "start": "2025-03-03",
            "end": "2025-09-30",
            "fast": 21,
            "slow": 63,
            "tab": "rrg",
            "rrg_tail": 4,
            "rrg_end": "2025-06-27",
            "asof": "2025-07-28",
            "claim_universe": "sp500",
            "claim_compare": "sim-small",
            "analog_marks": True,
        },
        [],
        # marks=on is no longer the default (issue #14 item 7): the canonical query keeps it
        "?u=sim-all&start=2025-03-03&end=2025-09-30&fast=21&slow=63&highs=intraday&mcc=classic&tab=rrg&tail=4&rrgend=2025-06-27&asof=2025-07-28&cu=sp500&ccmp=sim-small&marks=on",
    ),
]


def _state(changed: dict[str, Any]) -> ViewState:
    dates = {"start", "end", "rrg_end", "asof"}
    values = {k: date.fromisoformat(v) if k in dates else v for k, v in changed.items()}
    return replace(ViewState(), **values)


@pytest.mark.parametrize(("query", "changed", "notices", "canonical"), OLD_LINKS)
def test_reg001_old_links_open_the_same_view(
    query: str, changed: dict[str, Any], notices: list[str], canonical: str
) -> None:
    state, said = parse_query(query, CHOICES)
    assert state == _state(changed)
    assert said == notices
    assert to_query(state) == canonical
    assert parse_query(canonical, CHOICES) == (state, [])


def test_reg002_every_field_is_declared_once() -> None:
    assert [name for name, _ in FIELDS] == [f.name for f in fields(ViewState)]
    assert len(set(KEYS)) == len(KEYS) == len(FIELDS)
    controls = [(str(s.control.id), s.control.prop) for _, s in FIELDS if s.control]
    assert len(set(controls)) == len(controls)


def test_reg003_tabs_and_charts_registries_agree() -> None:
    assert [t.name for t in TAB_LIST] == list(TABS)
    assert {c.tab for c in CHARTS} <= set(TABS)
    assert len(BY_KEY) == len(CHARTS)
    assert tuple(c.graph for c in charts_of("breadth")) == LINKED_GRAPHS
    assert all(c.draw is not None and c.redraw is not None for c in charts_of("breadth"))
    assert all(c.columns is not None for c in charts_of("breadth"))


def test_reg003b_every_tab_folder_has_its_parts() -> None:
    """A tab is its folder: layout, callbacks and CSV export found by name, with the
    signatures the page calls them with."""
    import inspect

    from components.page.tabs import parts

    for tab in TAB_LIST:
        found = parts(tab.name)
        assert list(inspect.signature(found.layout).parameters) == ["choices", "infos"]
        assert list(inspect.signature(found.register).parameters) == ["app"]
        assert list(inspect.signature(found.view_csv).parameters) == ["svc", "state"]
        assert list(inspect.signature(found.file_name).parameters) == ["state"]


def _callbacks(app: Any) -> set[str]:
    return {str(key) for key in app.callback_map}


def test_reg004_every_app_gets_every_callback(tmp_path: Path) -> None:
    from app import create_app
    from settings import load_settings

    apps = [
        create_app(load_settings(env={}, data_dir=tmp_path / "s", cache_dir=tmp_path / f"c{i}"))
        for i in range(2)
    ]
    first, second = (_callbacks(a) for a in apps)
    assert first == second and len(first) >= 12
    assert any("chart-participation.figure" in k for k in first)
    assert any("url.search" in k for k in first)


def test_reg004b_each_tab_view_fires_from_its_own_store(tmp_path: Path) -> None:
    """Every tab has one callback whose input is its own store (``view_store``), and no
    server callback takes ``TAB_STATE`` as an input: a tab click or a tab control then asks
    the server for the active tab's outputs only (``tabs.route`` fills the stores)."""
    from app import create_app
    from components.ids import Ids
    from components.page.tabs import dom_id
    from components.tabs import view_store
    from settings import load_settings

    app = create_app(load_settings(env={}, data_dir=tmp_path / "s", cache_dir=tmp_path / "c"))
    server_inputs = [  # a clientside callback has no Python function
        {i["id"] for i in cb["inputs"]} for cb in app.callback_map.values() if "callback" in cb
    ]
    assert not [i for i in server_inputs if str(Ids.TAB_STATE) in i]
    for tab in TAB_LIST:
        assert sum(dom_id(view_store(tab.name)) in i for i in server_inputs) == 1, tab.name


def test_reg005_no_private_dash_modules_and_no_global_callbacks() -> None:
    """Callbacks are registered per app (``register(app)`` with ``app.callback``)."""
    hits = []
    for path in sorted((ROOT / "components").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            private = isinstance(node, ast.ImportFrom) and (
                (node.module or "").startswith("dash._")
                or (
                    node.module == "dash"
                    and bool({a.name for a in node.names} & {"callback", "clientside_callback"})
                )
            )
            if private:
                hits.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}")
            if isinstance(node, ast.Attribute) and node.attr in (
                "_callback_list",
                "GLOBAL_CALLBACK_MAP",
                "GLOBAL_CALLBACK_LIST",
            ):
                hits.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
    assert hits == []
