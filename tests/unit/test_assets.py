"""assets/: the page's plotly.js bundle (built by scripts/plotly_bundle) matches the Python
plotly and registers exactly the trace types the page builds."""

from __future__ import annotations

import json
import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

from components.breadth.layout import GRAPH_CONFIG

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "assets" / f"00-plotly-page-{get_plotlyjs_version()}.min.js"
BUILD = ROOT / "scripts" / "plotly_bundle"
PAGE_CODE = [p for p in (ROOT / "components").rglob("*.py") if "report" not in p.parts]
"""The page's figure code (the reports are drawn by kaleido/plotly.py's own bundle)."""


def _head() -> str:
    with BUNDLE.open(encoding="utf-8") as fh:
        return fh.read(400)


def test_asset001_bundle_is_the_plotly_version_python_plotly_expects() -> None:
    bundles = sorted((ROOT / "assets").glob("*plotly*.js"))
    assert bundles == [BUNDLE], bundles  # one bundle, named after the version plotly.py ships
    assert f"plotly.js (scatter, heatmap - minified) v{get_plotlyjs_version()}" in _head()
    assert "Licensed under the MIT license" in _head()
    # built from the npm plotly.js that plotly.py's version names, as pinned for the build
    assert f"Built from npm plotly.js@{get_plotlyjs_version()}" in _head()
    package = json.loads((BUILD / "package.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["plotly.js"] == get_plotlyjs_version()
    lock = json.loads((BUILD / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/plotly.js"]["version"] == get_plotlyjs_version()


def test_asset002_the_bundle_registers_the_trace_types_the_page_builds() -> None:
    text = BUNDLE.read_text(encoding="utf-8")
    registered = set(re.findall(r'moduleType:"trace",name:"([a-z0-9]+)"', text))
    assert registered == {"scatter", "heatmap"}, registered
    # the build's entry registers them (scatter is plotly.js's core)
    entry = (BUILD / "entry.js").read_text(encoding="utf-8")
    assert set(re.findall(r"require\('plotly.js/lib/([a-z0-9]+)'\)", entry)) == {
        "core",
        *(registered - {"scatter"}),
    }
    used = set()
    for path in PAGE_CODE:
        src = path.read_text(encoding="utf-8")
        used |= {m.lower() for m in re.findall(r"\bgo\.([A-Z][A-Za-z0-9]*)\(", src)}
        used |= set(re.findall(r"""["']type["']\s*:\s*["']([a-z0-9]+)["']""", src))
    traces = used - {"figure", "layout", "date", "rect", "line", "log", "linear", "category"}
    # every type drawn is in the bundle, and the bundle carries no type the page never draws
    assert traces == registered, (traces - registered, registered - traces)


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
