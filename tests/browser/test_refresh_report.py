"""Load real data from the page (fake yfinance, tiny universe) and the HTML report in Chromium."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from components.ids import Ids
from tests.browser.duo import choose, start
from tests.browser.shots import SCREENSHOTS
from tests.browser.test_page import all_drawn, wait_for

CHARTS_JS = """
return Array.from(document.querySelectorAll('section.chart')).map(function (s) {
  var gd = s.querySelector('.js-plotly-plot');
  var n = gd && gd.calcdata ? gd.calcdata.reduce(function (a, t) { return a + t.length; }, 0) : 0;
  var series = gd && gd.data ? gd.data.filter(function (t) { return t.showlegend; }).length : 0;
  return {key: s.dataset.chart, traces: gd && gd.data ? gd.data.length : 0, points: n,
          series: series, svg: s.querySelectorAll('svg.main-svg').length};
});
"""


def test_brr001_html_report_draws_every_chart_offline(dash_duo: Any, tmp_path: Path) -> None:
    from components.report.build import BREADTH_KEYS
    from components.report.export import export_report
    from data.jobs import load_demo
    from data.store import Store
    from service.breadth import BreadthService

    store = Store(tmp_path / "store")
    load_demo(store, seed=3, n_tickers=120, years=3)
    _, paths = export_report(BreadthService(store), "?u=sim-small", tmp_path / "r", png=False)
    dash_duo.driver.get(paths[0].as_uri())
    charts = wait_for(
        dash_duo,
        lambda: (
            (c := dash_duo.driver.execute_script(CHARTS_JS))
            and all(x["points"] > 100 for x in c)
            and c
        ),
    )
    assert [c["key"] for c in charts] == list(BREADTH_KEYS)
    assert all(c["traces"] > 0 and c["svg"] > 0 for c in charts)
    assert "Simulated data" in dash_duo.driver.find_element("id", "simulated-data").text


def test_brr003_rrg_report_draws_graph_and_table(dash_duo: Any, tmp_path: Path) -> None:
    from components.report.export import export_report
    from data.jobs import load_demo
    from data.store import Store
    from service.breadth import BreadthService

    store = Store(tmp_path / "store")
    load_demo(store, seed=1, n_tickers=120, years=3)
    _, paths = export_report(BreadthService(store), "?tab=rrg", tmp_path / "r", png=False)
    dash_duo.driver.get(paths[0].as_uri())
    charts = wait_for(
        dash_duo,
        lambda: (c := dash_duo.driver.execute_script(CHARTS_JS)) and c[0]["traces"] > 5 and c,
    )
    assert [c["key"] for c in charts] == ["rrg"] and charts[0]["svg"] > 0
    rows = dash_duo.driver.find_elements("css selector", "#table-rrg_positions tbody tr")
    assert len(rows) == charts[0]["series"] == charts[0]["traces"] / 2  # each with its label


def test_brr002_load_real_data_from_the_page(dash_duo: Any, tmp_path: Path) -> None:
    from app import create_app
    from components.refresh.callbacks import DOWNLOAD_KEY
    from settings import load_settings
    from tests.fakes.market import SlowFake, demo_store_with_tiny, fake_market

    root = demo_store_with_tiny(tmp_path)
    env = {"BREADTH_ALLOW_UI_REFRESH": "true", "BREADTH_REFRESH_TOKEN": "s3cret"}
    settings = load_settings(
        env=env, data_dir=root, cache_dir=tmp_path / "cache", yahoo_batch_size=3
    )
    app = create_app(settings)
    app.server.config[DOWNLOAD_KEY] = SlowFake(fake_market(datetime.now(UTC).date()), 0.25)
    start(dash_duo, app)
    wait_for(dash_duo, lambda: all_drawn(dash_duo), timeout=30)
    assert "Simulated data" in dash_duo.find_element(f"#{Ids.BANNER}").text
    dash_duo.find_element(f"#{Ids.REFRESH_OPEN}").click()
    dash_duo.wait_for_element(f"#{Ids.REFRESH_UNIVERSE}")
    choose(dash_duo, f"#{Ids.REFRESH_UNIVERSE}", index=0)  # stored: tiny
    dash_duo.find_element(f"#{Ids.REFRESH_HISTORY} input[value='1y']").click()
    dash_duo.find_element(f"#{Ids.REFRESH_TOKEN}").send_keys("s3cret")
    dash_duo.find_element(f"#{Ids.REFRESH_START}").click()
    text = wait_for(
        dash_duo,
        lambda: "batch" in (t := dash_duo.find_element(f"#{Ids.REFRESH_PROGRESS_TEXT}").text) and t,
    )
    assert "tickers failed so far" in text and "left" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / "refresh-progress.png"))
    status = wait_for(
        dash_duo, lambda: dash_duo.find_element(f"#{Ids.REFRESH_STATUS}").text, timeout=40
    )
    assert "Loaded tiny" in status and "replaced the simulated demo" in status
    # the page switched without a reload: badge, banner, universe, charts (a landing warms
    # the new version first, and callbacks wait for it: slow on a loaded 2-core CI machine)
    landed = 40.0
    wait_for(
        dash_duo,
        lambda: "Source: yahoo" in dash_duo.find_element(f"#{Ids.BADGE}").text,
        timeout=landed,
    )
    wait_for(
        dash_duo,
        lambda: not dash_duo.driver.find_elements("css selector", ".simulated-banner"),
        timeout=landed,
    )
    wait_for(
        dash_duo, lambda: "tiny" in dash_duo.find_element(f"#{Ids.UNIVERSE}").text, timeout=landed
    )
    wait_for(dash_duo, lambda: "u=tiny" in dash_duo.driver.current_url, timeout=landed)
    title = wait_for(
        dash_duo,
        lambda: (
            "SPY"
            in (
                t := dash_duo.driver.execute_script(
                    "var gd=document.querySelector('#" + str(Ids.BENCHMARK) + " .js-plotly-plot');"
                    "return gd._fullLayout.title.text;"
                )
            )
            and t
        ),
    )
    assert "SIM:" not in title
    assert "before the stored data" not in dash_duo.find_element(f"#{Ids.NOTICES}").text
    assert "Refresh data" in dash_duo.find_element(f"#{Ids.REFRESH_OPEN}").text
    assert dash_duo.driver.execute_script("return window.performance.navigation.type") == 0
    time.sleep(0.5)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / "refresh-landed.png"))
