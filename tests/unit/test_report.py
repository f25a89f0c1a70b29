"""Reports of a view: what the HTML says, PNG sizes (kaleido), and ``cli.py report``."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from data.store import Store
from reports.build import DEFINITIONS, build_report
from reports.export import export_report
from reports.html import render_html
from service import BreadthService

QUERY = "?u=sim-large&start=2025-01-02&end=2026-06-30&fast=20&slow=100&mcc=ratio"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from data.jobs import load_demo

    root = tmp_path_factory.mktemp("report") / "store"
    load_demo(Store(root), seed=3, n_tickers=120, years=3)
    return Store(root)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def test_report001_html_says_what_the_view_is(store: Store) -> None:
    report = build_report(BreadthService(store), QUERY)
    assert [c.key for c in report.charts] == list(DEFINITIONS)
    assert report.state.fast == 20 and report.state.slow == 100 and report.state.ratio_adjusted
    text = render_html(report)
    assert "Simulated data." in text and "id='simulated-data'" in text
    assert "(sim-large)" in text and "2025-01-02 to 2026-06-30" in text
    assert "coverage" in text and report.coverage in text
    assert f"As of {store.manifest()['last_date']}" in text
    assert "moving averages 20/100 days" in text and "ratio-adjusted McClellan" in text
    for definition in DEFINITIONS.values():
        assert definition.replace("'", "&#x27;") in text
    for chart in report.charts:
        assert f'id="chart-{chart.key}"' in text
    # plotly.js inlined exactly once, nothing fetched from the network
    assert text.count("plotly.js v") >= 1 and text.count("<script src=") == 0
    assert len(text) > 3_000_000


def test_report002_pngs_have_the_expected_size(store: Store, tmp_path: Path) -> None:
    report, paths = export_report(BreadthService(store), QUERY, tmp_path)
    assert [p.name for p in paths] == [
        "report.html",
        "benchmark.png",
        "participation.png",
        "highs-lows.png",
        "advance-decline.png",
        "rotation.png",
    ]
    for chart, path in zip(report.charts, paths[1:], strict=True):
        assert path.stat().st_size > 20_000  # a drawn chart, not a blank frame
        assert png_size(path) == (1200, chart.height)


def test_report003_cli_report_writes_the_same(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli import main

    monkeypatch.setenv("BREADTH_DATA_DIR", str(store.root))
    out = tmp_path / "out"
    code = main(["report", "--url-query", "http://h/" + QUERY, "--out", str(out), "--no-png"])
    assert code == 0
    text = (out / "report.html").read_text()
    assert "Simulated data." in text and "2025-01-02 to 2026-06-30" in text
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]


def test_report004_bad_query_falls_back_with_a_notice(store: Store) -> None:
    report = build_report(BreadthService(store), "?u=nope&fast=0")
    assert report.state.universe == "sim-large"
    assert any("unknown universe" in n for n in report.notices)
    assert "unknown universe" in render_html(report)
