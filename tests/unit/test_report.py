"""Reports of a view (every tab): what the HTML says, PNG sizes (kaleido), ``cli.py report``."""

from __future__ import annotations

import struct
from datetime import date
from pathlib import Path

import pytest

from components.report.build import BREADTH_KEYS, DEFINITIONS, build_report
from components.report.export import export_report
from components.report.html import render_html
from data.store import Store
from service.breadth import BreadthService

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
    assert [c.key for c in report.charts] == list(BREADTH_KEYS) == [s.key for s in report.sections]
    assert report.state.fast == 20 and report.state.slow == 100 and report.state.ratio_adjusted
    text = render_html(report)
    assert "Simulated data." in text and "id='simulated-data'" in text
    assert "(sim-large)" in text and "2025-01-02 to 2026-06-30" in text
    assert "coverage" in text and report.coverage in text
    assert f"As of {store.manifest()['last_date']}" in text
    assert "moving averages 20/100 days" in text and "ratio-adjusted McClellan" in text
    for key in BREADTH_KEYS:
        assert DEFINITIONS[key].replace("'", "&#x27;") in text
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
        "windows.png",
        "highs-lows.png",
        "net-highs.png",
        "advance-decline.png",
        "volume.png",
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


# -- the other tabs: RRG, Claim check, Analogs (issue 8: a report of any view) -------------

ASOF = date(2026, 6, 30)
ANALOGS = "?u=sim-all&tab=analogs&near=10&gap=0"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> BreadthService:
    from data.jobs import load_demo

    root = tmp_path_factory.mktemp("report-tabs") / "store"
    load_demo(Store(root), seed=1, n_tickers=300, years=4)
    return BreadthService(Store(root))


def test_report005_rrg_tab_is_the_pages_rrg(demo: BreadthService) -> None:
    from components.rrg import data as rd
    from components.rrg.view import rrg_panel

    report = build_report(demo, "?tab=rrg&tail=5&freq=W")
    assert report.state.tab == "rrg" and report.state.rrg_tail == 5
    assert [s.key for s in report.sections] == ["rrg", "rrg_positions"]
    page_fig, end_label, _, _ = rrg_panel(demo, report.state)
    fig = report.charts[0].figure
    assert [t.name for t in fig.data] == [t.name for t in page_fig.data]
    data = rd.rrg_data(demo, report.state)
    series = [t for t in fig.data if t.showlegend]  # then one head label each
    assert len(series) == len(data.labels) >= 10 and len(fig.data) == 2 * len(series)
    assert all(len(t.x) <= 6 for t in series)  # head + 5-period tail
    text = render_html(report)
    assert text.startswith("<!DOCTYPE html>") and "Rotation (RRG) report — sim-large" in text
    assert 'id="chart-rrg"' in text and "id='table-rrg_positions'" in text
    assert end_label in text and "5-period tails" in text and "weekly periods" in text
    assert "Simulated data." in text and report.as_of in text
    table = text[text.index("id='table-rrg_positions'") :]
    for trace in series:  # every drawn series is in the table, with its head's position
        ticker = trace.name.split(" · ")[0]
        assert f"<code>{ticker}</code>" in table
        assert f"{trace.x[-1]:.2f}" in table and f"{trace.y[-1]:.2f}" in table
    assert "SIM:XLK" in table and "IWN (Small value)" in text  # drawn; missing, named


def test_report006_claims_tab_holds_the_claim_table(demo: BreadthService) -> None:
    from components.claims.view import VERDICT_TEXT, fmt_percentile, fmt_value
    from components.context import rotation_service

    report = build_report(demo, f"?u=sim-all&tab=claims&asof={ASOF}")
    assert [s.key for s in report.sections] == ["claims"] and report.charts == []
    assert report.universe == "sim-all" and report.title.endswith(f"as of {ASOF}")
    expected = rotation_service(demo).claims(ASOF, "sim-all", "sim-large")
    text = render_html(report)
    assert "Claim check report — sim-all, as of 2026-06-30" in text
    assert "Simulated data." in text and "compared with sim-large" in text
    assert "coverage" in report.coverage and "30 Jun 2026" in report.coverage
    assert "Figures as of 2026-06-30" in text and "<script" not in text  # tables only
    rows = text.split('data-claim="')[1:]
    assert [r.split('"')[0] for r in rows] == expected["claim"].tolist()
    for row, r in zip(rows, expected.itertuples(), strict=True):
        assert fmt_value(r.claim, r.value) in row
        assert fmt_value(r.claim, r.long_run_average) in row
        assert fmt_percentile(r.percentile) in row and f"{int(r.members_with_data):,}" in row
        assert str(r.definition).split(" (")[0].replace("'", "&#x27;") in row
    assert "low on 2025-07-14" in text  # a caveat column value
    # the PNG picture of the same table: one header, one row per claim, same values
    figure = report.sections[0].figure
    cells = figure.data[0].cells.values
    assert figure.data[0].type == "table" and len(cells) == 9
    assert [v.replace("<br>", " ") for v in cells[2]] == [
        fmt_value(r.claim, r.value) for r in expected.itertuples()
    ]
    # what the note said and the verdict (sim-all and the SIM: series are not what the note
    # spoke of; the last two rows are forecasts)
    assert [v.replace("<br>", " ").startswith(str(r.note_said)[:12]) for v, r in
            zip(cells[3], expected.itertuples(), strict=True)] == [True] * 7  # fmt: skip
    verdicts = [VERDICT_TEXT[v][0] for v in expected["verdict"]]
    assert [v.replace("<br>", " ") for v in cells[4]] == verdicts
    assert expected["verdict"].tolist() == ["other_subject"] * 5 + ["no_figure"] * 2


def test_report007_analogs_tab_plot_summary_episodes(demo: BreadthService) -> None:
    from components.style import fmt_pct

    report = build_report(demo, ANALOGS)
    keys = ["analog_forward", "analog_summary", "analog_episodes"]
    assert [s.key for s in report.sections] == keys
    fig = report.charts[0].figure
    assert {t.name for t in fig.data if t.showlegend is not False} >= {
        "Small vs large caps (SIM:SMALL/SIM:LARGE)"
    }
    assert any(len(t.y) > 0 for t in fig.data)
    text = render_html(report)
    assert "Analogs report — sim-all" in text and "within 10% of its 52-week high" in text
    summary = text[text.index("id='table-analog_summary'") : text.index("id='table-analog_ep")]
    # median · hit rate (n) of small vs large at 1m and 3m, as the page writes them
    assert f"{fmt_pct(-1.491857016440279)} · 0% (1)" in summary
    assert f"{fmt_pct(10.007525438762265)} · 100% (1)" in summary
    episodes = text[text.index("id='table-analog_episodes'") :]
    assert episodes.count("<tr>") == 2  # header + the one episode


def test_report008_pngs_of_each_tab(demo: BreadthService, tmp_path: Path) -> None:
    for query, names in [
        ("?tab=rrg", ["rrg.png", "rrg-positions.png"]),
        (ANALOGS, ["analog-forward.png", "analog-summary.png", "analog-episodes.png"]),
    ]:
        report, paths = export_report(demo, query, tmp_path / query[5:9])
        assert [p.name for p in paths] == ["report.html", *names]
        for section, path in zip(report.sections, paths[1:], strict=True):
            assert path.stat().st_size > 10_000
            assert png_size(path) == (1200, section.height)
        table_height = report.sections[-1].height
        assert table_height > 150


def test_report009_cli_report_of_the_claims_tab(
    demo: BreadthService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli import main

    monkeypatch.setenv("BREADTH_DATA_DIR", str(demo.store.root))
    out = tmp_path / "claims"
    assert main(["report", "--url-query", "tab=claims&asof=2026-06-30", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["claims.png", "report.html"]
    text = (out / "report.html").read_text()
    assert 'data-claim="pct_above_200dma"' in text and "Simulated data." in text
    width, height = png_size(out / "claims.png")
    assert width == 1200 and height > 600  # seven rows with their definitions
    assert (out / "claims.png").stat().st_size > 50_000


def test_report012_the_status_line_names_the_tab_it_reports(demo: BreadthService) -> None:
    """#14 item 9: on the Claim check the page's report status said 'Report of sp500, <range>'."""
    from components.report.callbacks import html_report

    data, status = html_report(demo, f"?u=sim-all&tab=claims&asof={ASOF}")
    assert status == "Claim check report — sim-all, as of 2026-06-30."
    assert data["filename"].endswith(".html") and "claims" in data["filename"]


def test_report013_one_browser_kept_and_a_dead_one_restarted(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PNGs reuse one kaleido browser per process; a server whose thread was stopped (as
    dash_duo stops threads) is reset and started again instead of waited on forever."""
    import threading

    import kaleido

    from components.report.images import keep_browser

    export_report(BreadthService(store), "", tmp_path / "a", png=True)
    server = kaleido._global_server
    assert server.is_running() and server._thread.is_alive()
    first = server._thread
    _, paths = export_report(BreadthService(store), "", tmp_path / "b", png=True)
    assert server._thread is first  # the same browser served the second report
    assert all(p.stat().st_size > 1000 for p in paths if p.suffix == ".png")

    class Dead:
        def __init__(self) -> None:
            self._initialized = True
            self._thread = threading.Thread(target=lambda: None)
            self._thread.start()
            self._thread.join()
            self.started = 0

        def is_running(self) -> bool:
            return self._initialized

    dead = Dead()
    monkeypatch.setattr(kaleido, "_global_server", dead)

    def start(**_: object) -> None:
        dead.started += 1
        dead._initialized = True

    monkeypatch.setattr(kaleido, "start_sync_server", start)
    assert keep_browser() and dead.started == 1  # reset, then started anew
