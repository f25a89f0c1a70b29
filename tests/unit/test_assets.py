"""assets/: the vendored plotly.js cartesian bundle matches the Python plotly and draws every
trace type the page builds."""

from __future__ import annotations

import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

from components.breadth.layout import GRAPH_CONFIG

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "assets" / f"00-plotly-cartesian-{get_plotlyjs_version()}.min.js"
PAGE_CODE = [p for p in (ROOT / "components").rglob("*.py") if "report" not in p.parts]
"""The page's figure code (the reports are drawn by kaleido/plotly.py's own bundle)."""


def _head() -> str:
    with BUNDLE.open(encoding="utf-8") as fh:
        return fh.read(400)


def test_asset001_bundle_is_the_plotly_version_python_plotly_expects() -> None:
    bundles = sorted((ROOT / "assets").glob("*plotly*.js"))
    assert bundles == [BUNDLE], bundles  # one bundle, named after the version plotly.py ships
    assert f"plotly.js (cartesian - minified) v{get_plotlyjs_version()}" in _head()
    assert "Licensed under the MIT license" in _head()


def test_asset002_every_trace_type_the_page_builds_is_in_the_bundle() -> None:
    text = BUNDLE.read_text(encoding="utf-8")
    registered = set(re.findall(r'moduleType:"trace",name:"([a-z0-9]+)"', text))
    assert {"scatter", "heatmap", "bar"} <= registered and "table" not in registered
    used = set()
    for path in PAGE_CODE:
        src = path.read_text(encoding="utf-8")
        used |= {m.lower() for m in re.findall(r"\bgo\.([A-Z][A-Za-z0-9]*)\(", src)}
        used |= set(re.findall(r"""["']type["']\s*:\s*["']([a-z0-9]+)["']""", src))
    traces = used - {"figure", "layout", "date", "rect", "line", "log", "linear", "category"}
    assert traces and traces <= registered, traces - registered


def test_asset003_double_click_autoranges() -> None:
    # linked_axes.js turns an autorange into the view's range; Plotly's default double-click
    # first resets to the range a figure was first drawn with, stale once the dates changed
    assert GRAPH_CONFIG["doubleClick"] == "autosize"


def test_asset004_page_scripts_without_babel_polyfill(tmp_path: Path) -> None:
    """server/http.py drops Dash's @babel/polyfill from the page; the vendored regenerator
    runtime (the one global dash-renderer and dcc need from it) loads before dash-renderer."""
    from app import create_app
    from settings import load_settings

    runtimes = sorted((ROOT / "assets").glob("00-regenerator-runtime-*.js"))
    assert len(runtimes) == 1 and "globalThis.regeneratorRuntime = runtime" in runtimes[
        0
    ].read_text(encoding="utf-8")
    app = create_app(load_settings(env={}, data_dir=tmp_path / "store", cache_dir=tmp_path / "c"))
    html = app.server.test_client().get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts and not [s for s in scripts if "polyfill" in s], scripts
    names = [s.split("/")[-1] for s in scripts]
    at = {n.split("?")[0]: i for i, n in enumerate(names)}
    renderer = next(i for n, i in at.items() if n.startswith("dash_renderer"))
    dcc = next(i for n, i in at.items() if n.startswith("dash_core_components"))
    assert at[runtimes[0].name] < min(renderer, dcc), names
    assert any(n.startswith("react-dom@") for n in at), names  # the other deps stay
