"""Divergence marks in a real browser: present on the benchmark and participation charts with
``dv`` on (the default), absent with ``dv=off`` (the link or the switch under the benchmark
chart), and replaced in place (no reload) when only the divergence fields change (the
callback's Patch)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from components.ids import Ids
from data.store import Store
from service.breadth import BreadthQuery, BreadthService
from service.divergences import divergence_frame
from tests.browser.shots import SCREENSHOTS
from tests.browser.test_page import open_page, wait_for

pytestmark = pytest.mark.browser

MARKS_JS = """
var out = {};
arguments[0].forEach(function (id) {
  var gd = document.querySelector('#' + id + ' .js-plotly-plot');
  out[id] = (gd && gd._fullData ? gd._fullData : []).filter(function (t) {
    return /divergence/.test(t.name || '');
  }).map(function (t) {
    return {name: t.name, visible: t.visible, n: t.x ? t.x.length : 0};
  });
});
return out;
"""
GRAPHS = [str(Ids.BENCHMARK), str(Ids.PARTICIPATION)]
POP_JS = (
    "history.pushState({}, '', arguments[0]);window.dispatchEvent(new PopStateEvent('popstate'));"
)


def marks(duo: Any) -> dict[str, list[dict[str, Any]]]:
    return duo.driver.execute_script(MARKS_JS, GRAPHS)  # type: ignore[no-any-return]


def shown(duo: Any) -> dict[str, int]:
    """Visible bearish marks per chart."""
    return {
        g: sum(t["n"] for t in traces if t["visible"] is True and t["name"].startswith("Bear"))
        for g, traces in marks(duo).items()
    }


def test_div_br001_marks_follow_dv(dash_duo: Any, breadth_app: Any, demo_store: Path) -> None:
    _, frame = divergence_frame(BreadthService(Store(demo_store)), BreadthQuery("sim-large"))
    runs = int(frame["bearish_start"].sum())
    assert runs > 0
    open_page(dash_duo, breadth_app, "?u=sim-large")
    got = wait_for(dash_duo, lambda: (s := shown(dash_duo)) and all(s.values()) and s)
    assert got == {g: runs for g in GRAPHS}
    names = {t["name"] for t in marks(dash_duo)[str(Ids.BENCHMARK)]}
    assert names == {"Bearish divergence", "Bullish divergence"}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.set_window_size(1300, 1000)
    card = dash_duo.find_element(f"#{Ids.BENCHMARK}")
    card.screenshot(str(SCREENSHOTS / "divergences-benchmark-demo.png"))
    # the switch under the chart: dv=off in the link, the traces stay (positions) but hidden
    switch = dash_duo.find_element(f"#{Ids.DIV_MARKS}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", switch)
    switch.click()
    wait_for(dash_duo, lambda: "dv=off" in dash_duo.driver.current_url)
    wait_for(dash_duo, lambda: not any(shown(dash_duo).values()))
    assert all(len(traces) == 2 for traces in marks(dash_duo).values())
    # the link's dv on again (Back/forward, no reload): marks back
    dash_duo.driver.execute_script(POP_JS, "/?u=sim-large")
    wait_for(dash_duo, lambda: shown(dash_duo) == {g: runs for g in GRAPHS})
    assert dash_duo.find_element(f"#{Ids.DIV_MARKS}").is_selected()
    # back on, with a wider threshold: more runs than the default
    _, wide = divergence_frame(
        BreadthService(Store(demo_store)), BreadthQuery("sim-large"), near_pct=5
    )
    dash_duo.driver.execute_script(POP_JS, "/?u=sim-large&dvn=5")
    want = int(wide["bearish_start"].sum())
    assert want != runs
    wait_for(dash_duo, lambda: shown(dash_duo) == {g: want for g in GRAPHS})
    assert dash_duo.find_element(f"#{Ids.DIV_NEAR}").get_attribute("value") == "5"
    # a page opened with dv=off has none
    dash_duo.driver.get(dash_duo.server_url + "/?u=sim-large&dv=off")
    wait_for(dash_duo, lambda: all(len(t) == 2 for t in marks(dash_duo).values()), timeout=30)
    assert shown(dash_duo) == {g: 0 for g in GRAPHS}
    assert not [x for x in dash_duo.get_logs() or [] if x.get("level") == "SEVERE"]
