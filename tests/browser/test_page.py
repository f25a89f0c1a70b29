"""The page in a real browser: charts drawn, presets, linked zoom, URL round trip, notices."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from plotly.offline import get_plotlyjs_version
from selenium.webdriver.common.keys import Keys

from components.charts import LINKED_GRAPHS
from components.ids import Ids
from tests.browser.duo import busy, start
from tests.browser.shots import SCREENSHOTS

GRAPHS_JS = """
return Array.from(document.querySelectorAll('.linked-graph')).map(function (el) {
  var gd = el.querySelector('.js-plotly-plot');
  if (!gd || !gd.data) { return {id: el.id, traces: 0, points: 0, range: null, bound: false}; }
  var pts = gd.calcdata && gd.calcdata[0] ? gd.calcdata[0].length : 0;
  var r = gd._fullLayout && gd._fullLayout.xaxis ? gd._fullLayout.xaxis.range : null;
  // dcc.Graph listens to the chart's zooms once its first drawing has resolved: until then
  // a zoom (relayout) is drawn but never reaches Dash (CI once zoomed in that gap)
  var ev = gd._ev && gd._ev._events;
  return {id: el.id, traces: gd.data.length, points: pts, range: r,
          bound: !!(ev && ev.plotly_relayout)};
});
"""

TOPS_JS = """
var out = {};
document.querySelectorAll('.linked-graph .js-plotly-plot').forEach(function (gd) {
  out[gd.parentElement.id] = [gd.layout.margin.t, gd._fullLayout._size.t];
});
return out;
"""


SHIFTS_JS = """
window.__shifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) {
    if (!e.hadRecentInput) { window.__shifts.push(e.value); }
  });
}).observe({type: 'layout-shift', buffered: true});
"""
"""Records the page's layout shifts from its first byte (CDP: before any of its scripts)."""


def graphs(duo: Any) -> dict[str, dict[str, Any]]:
    return {g["id"]: g for g in duo.driver.execute_script(GRAPHS_JS)}


def wait_for(duo: Any, check: Any, timeout: float = 15.0) -> Any:
    end = time.time() + timeout
    last = None
    while time.time() < end:
        try:
            last = check()
            if last:
                return last
        except Exception:  # the DOM may be mid-render
            pass
        time.sleep(0.2)
    state = graphs(duo)
    raise AssertionError(f"condition not met within {timeout}s (last: {last}; graphs: {state})")


def all_drawn(duo: Any) -> bool:
    g = graphs(duo)
    return len(g) == len(LINKED_GRAPHS) and all(
        v["traces"] > 0 and v["points"] > 100 and v["bound"] for v in g.values()
    )


def open_page(duo: Any, app: Any, query: str = "") -> None:
    start(duo, app, query)
    wait_for(duo, lambda: all_drawn(duo), timeout=30)
    wait_for(duo, lambda: idle(duo), timeout=30)


def idle(duo: Any) -> bool:
    """Every callback answered (e.g. the analog shading patch: a figure that lands later would
    reset a zoom made before it, so interact as a user would, after load), and no chart being
    resized (dcc.Graph's responsive resize relayouts it: a zoom made then can reach Dash as
    that {autosize} relayout instead of the zoom)."""
    return not busy(duo)


def starts(duo: Any) -> set[str]:
    return {str(v["range"][0])[:10] for v in graphs(duo).values() if v["range"]}


def test_br001_every_chart_has_data_and_the_demo_banner(dash_duo: Any, breadth_app: Any) -> None:
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SHIFTS_JS})
    open_page(dash_duo, breadth_app)
    # nothing jumps while the charts load: each chart's room is kept before dcc.Graph's lazy
    # code has loaded (components.page.graphs.held; without it 0.85 on the bench page, where
    # ≤ 0.1 is "good" for Cumulative Layout Shift)
    shifts = dash_duo.driver.execute_script("return window.__shifts")
    assert shifts is not None and sum(shifts) <= 0.1, shifts
    g = graphs(dash_duo)
    assert set(g) == {str(i) for i in LINKED_GRAPHS}
    banner = dash_duo.find_element(f"#{Ids.BANNER}")
    assert "Simulated data" in banner.text
    # the charts run on the page's own plotly.js bundle (assets/, scripts/plotly_bundle);
    # Dash's full plotly.min.js (3.7x the bytes) is never fetched
    assert dash_duo.driver.execute_script("return Plotly.version") == get_plotlyjs_version()
    fetched = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert any("/assets/00-plotly-page-" in u for u in fetched), fetched
    assert not [u for u in fetched if "plotly.min.js" in u], fetched
    # no @babel/polyfill (server/http.py): the native String trim, regeneratorRuntime from
    # the vendored asset, and every chart above drew with them
    assert not [u for u in fetched if "polyfill" in u], fetched
    assert dash_duo.driver.execute_script(
        "return typeof regeneratorRuntime.mark === 'function'"
        " && String.prototype.trim.toString().indexOf('[native code]') >= 0"
    )
    assert dash_duo.get_logs() in ([], None) or not [
        x for x in dash_duo.get_logs() if x.get("level") == "SEVERE"
    ]
    # each chart was drawn with the top margin its figure gives (components.frame.top_margin):
    # had the legend or the y-axis labels pushed it, Plotly would have drawn the chart twice
    tops = dash_duo.driver.execute_script(TOPS_JS)
    assert len(tops) == len(LINKED_GRAPHS), tops
    assert all(abs(given - drawn) <= 1 for given, drawn in tops.values()), tops


def test_br002_preset_moves_every_x_range(dash_duo: Any, breadth_app: Any) -> None:
    open_page(dash_duo, breadth_app)
    before = starts(dash_duo)
    dash_duo.find_element('button[id*=\'"preset":"6M"\']').click()
    after = wait_for(
        dash_duo, lambda: (s := starts(dash_duo)) != before and len(s) == 1 and s, timeout=30
    )
    assert len(after) == 1  # every chart shows the same start
    query = parse_qs(urlparse(dash_duo.driver.current_url).query)
    assert query["range"] == ["6M"] and "start" not in query  # a rolling range


def test_br003_zoom_on_one_chart_moves_the_others(dash_duo: Any, breadth_app: Any) -> None:
    open_page(dash_duo, breadth_app)
    dash_duo.driver.execute_script(
        "var gd = document.querySelector('#" + str(Ids.PARTICIPATION) + " .js-plotly-plot');"
        "Plotly.relayout(gd, {'xaxis.range[0]': '2025-02-03', 'xaxis.range[1]': '2025-05-30'});"
    )
    wait_for(dash_duo, lambda: starts(dash_duo) == {"2025-02-03"})


def test_br004_url_round_trip(dash_duo: Any, breadth_app: Any) -> None:
    query = (
        "?u=sim-small&cmp=sim-large&start=2024-03-01&end=2025-09-30&fast=20&slow=100"
        "&highs=close&mcc=ratio"
    )
    open_page(dash_duo, breadth_app, query)
    wait_for(dash_duo, lambda: dash_duo.find_element(f"#{Ids.FAST}").get_attribute("value") == "20")
    assert dash_duo.find_element(f"#{Ids.SLOW}").get_attribute("value") == "100"
    assert "2024-03-01" in starts(dash_duo) or starts(dash_duo) == {"2024-03-01"}
    assert "Simulated small caps" in dash_duo.find_element(f"#{Ids.UNIVERSE}").text
    # a control -> the URL
    box = dash_duo.find_element(f"#{Ids.SLOW}")
    dash_duo.clear_input(box)
    box.send_keys("150" + Keys.ENTER)
    wait_for(dash_duo, lambda: "slow=150" in dash_duo.driver.current_url)
    url = parse_qs(urlparse(dash_duo.driver.current_url).query)
    assert url["u"] == ["sim-small"] and url["fast"] == ["20"] and url["cmp"] == ["sim-large"]
    # the copied link reproduces the view in a fresh page
    dash_duo.driver.get(dash_duo.driver.current_url)
    wait_for(
        dash_duo, lambda: dash_duo.find_element(f"#{Ids.SLOW}").get_attribute("value") == "150"
    )


def test_br005_bad_url_shows_a_notice(dash_duo: Any, breadth_app: Any) -> None:
    open_page(dash_duo, breadth_app, "?u=nope&fast=0&start=2024-13-45&%F0%9F%92%A5=1")
    notice = wait_for(dash_duo, lambda: dash_duo.find_element(f"#{Ids.NOTICES}").text)
    assert "ignored" in notice and "unknown universe" in notice and "fast" in notice


@pytest.mark.parametrize(
    ("width", "height", "name"), [(1440, 900, "desktop"), (390, 844, "mobile")]
)
def test_br006_screenshots(
    dash_duo: Any, breadth_app: Any, width: int, height: int, name: str
) -> None:
    dash_duo.driver.set_window_size(max(width, 500), height)  # headless windows are >= 500 wide
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
    )
    open_page(dash_duo, breadth_app, "?u=sim-large&cmp=sim-small")
    time.sleep(1.0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / f"{name}-top.png"))
    dash_duo.driver.execute_script(
        "document.getElementById('" + str(Ids.ADVANCE_DECLINE) + "').scrollIntoView();"
    )
    time.sleep(0.5)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / f"{name}-lower.png"))
    overflow = dash_duo.driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    assert overflow <= 1, f"horizontal overflow of {overflow}px at {width}px"
