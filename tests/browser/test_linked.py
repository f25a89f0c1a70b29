"""Linked zoom in a real browser: one chart's new x-range reaches every chart, and every chart
refits its y-axes to the data in that window (assets/linked_axes.js, layout.meta.yfit)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from components.breadth import views
from components.charts import LINKED_GRAPHS
from components.context import get_service
from components.ids import Ids
from components.style import y_range
from data.benchmarks import resolve_role
from tests.browser.test_page import open_page, wait_for

START, END = "2025-02-03", "2025-05-30 23:59"

AXES_JS = """
var out = {};
document.querySelectorAll('.linked-graph').forEach(function (el) {
  var gd = el.querySelector('.js-plotly-plot');
  if (!gd || !gd._fullLayout) { return; }
  var axes = {};
  Object.keys(gd._fullLayout).forEach(function (k) {
    if (/^[xy]axis\\d*$/.test(k)) { axes[k] = gd._fullLayout[k].range.slice(); }
  });
  out[el.id] = axes;
});
return out;
"""


def axes(duo: Any) -> dict[str, dict[str, list[Any]]]:
    return dict(duo.driver.execute_script(AXES_JS))


def _span(r: list[float]) -> float:
    return float(r[1]) - float(r[0])


def test_lnk001_zoom_one_chart_every_x_matches_and_y_refits(
    dash_duo: Any, breadth_app: Any
) -> None:
    open_page(dash_duo, breadth_app)
    before = axes(dash_duo)
    dash_duo.driver.execute_script(
        "var gd = document.querySelector('#" + str(Ids.ADVANCE_DECLINE) + " .js-plotly-plot');"
        f"Plotly.relayout(gd, {{'xaxis.range[0]': '{START}', 'xaxis.range[1]': '{END}'}});"
    )

    def settled() -> dict[str, dict[str, list[Any]]] | None:
        now = axes(dash_duo)
        xs = {str(r[0])[:10] + "|" + str(r[1])[:10] for a in now.values() for k, r in a.items()
              if k.startswith("xaxis")}  # fmt: skip
        refit = now[str(Ids.BENCHMARK)]["yaxis"] != before[str(Ids.BENCHMARK)]["yaxis"]
        return now if xs == {"2025-02-03|2025-05-30"} and refit else None

    after = wait_for(dash_duo, settled, timeout=10)
    assert set(after) == {str(g) for g in LINKED_GRAPHS}
    # every fitted y-axis (all subplots) shows a narrower span than the 3-year view
    for graph, axis in [
        (Ids.BENCHMARK, "yaxis"),
        (Ids.HIGHS_LOWS, "yaxis2"),
        (Ids.ADVANCE_DECLINE, "yaxis"),
        (Ids.ADVANCE_DECLINE, "yaxis3"),
        (Ids.ROTATION, "yaxis"),
    ]:
        old, new = before[str(graph)][axis], after[str(graph)][axis]
        assert _span(new) < _span(old), (graph, axis, old, new)
    # the percent-of-members scale is fixed by design
    assert after[str(Ids.PARTICIPATION)]["yaxis"] == pytest.approx([0.0, 100.0])
    # symmetric oscillator, 100 inside the rotation axis
    lo, hi = after[str(Ids.ADVANCE_DECLINE)]["yaxis2"]
    assert lo == pytest.approx(-hi)
    rlo, rhi = after[str(Ids.ROTATION)]["yaxis"]
    assert rlo < 100.0 < rhi
    # the same fit as the server's y_range over that window (float32 values in the browser)
    with breadth_app.server.app_context():
        closes = views.market_closes(get_service())
    ticker = resolve_role("large", list(closes.columns))
    assert ticker is not None
    expected = y_range(closes[[ticker]], [ticker], START[:10], END[:10])
    assert expected is not None
    assert after[str(Ids.BENCHMARK)]["yaxis"] == pytest.approx(expected, rel=1e-5)


def test_lnk002_double_click_returns_every_chart_to_the_views_range(
    dash_duo: Any, breadth_app: Any
) -> None:
    """A reset (Plotly's double-click: autorange) brings every linked chart back to the view's
    range, the one in the URL, not to the whole history (#14 item 3)."""
    open_page(dash_duo, breadth_app, f"?start={START}&end={END[:10]}")
    rot = str(Ids.ROTATION)
    script = "var gd = document.querySelector('#" + rot + " .js-plotly-plot');"
    dash_duo.driver.execute_script(
        script + "Plotly.relayout(gd, {'xaxis.autorange': true, 'yaxis.autorange': true});"
        "return gd._fullLayout.xaxis.range[0];"
    )
    back = wait_for(
        dash_duo,
        lambda: (a := axes(dash_duo))[rot]["xaxis"][0][:10] == START and a,
    )
    assert {v["xaxis"][0][:10] for v in back.values()} == {START}
    assert START in dash_duo.driver.current_url  # the view did not change


@pytest.mark.parametrize(("width", "name"), [(1440, "desktop"), (390, "mobile")])
def test_lnk003_rotation_section_with_constituent_twin(
    dash_duo: Any, breadth_app: Any, width: int, name: str
) -> None:
    """The dashed equal-weight twin, its table rows and the notes, at both sizes."""
    from tests.browser.shots import SCREENSHOTS

    dash_duo.driver.set_window_size(max(width, 500), 900)
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900 if width > 500 else 844, "deviceScaleFactor": 1,
         "mobile": width < 500},
    )  # fmt: skip
    open_page(dash_duo, breadth_app)
    legend = dash_duo.driver.execute_script(
        "var gd = document.querySelector('#" + str(Ids.ROTATION) + " .js-plotly-plot');"
        "return gd._fullData.map(function (t) { return [t.name, t.line.dash]; });"
    )
    assert ["Small vs large caps (equal-weight, from constituents)", "dash"] in legend
    table = dash_duo.find_element(f"#{Ids.ROTATION_TABLE}").get_attribute("textContent")
    assert "Small caps (equal-weight, from constituents)" in table and "sim-small" in table
    notes = dash_duo.find_element(f"#{Ids.ROTATION_NOTICE}").text
    assert "Rotation notes" in notes and "Value vs growth" in notes
    dash_duo.driver.execute_script(
        "document.getElementById('" + str(Ids.ROTATION) + "').scrollIntoView();"
    )
    time.sleep(0.5)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / f"{name}-rotation.png"))
    dash_duo.driver.execute_script(
        "document.getElementById('" + str(Ids.ROTATION_TABLE) + "').scrollIntoView();"
    )
    time.sleep(0.3)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / f"{name}-rotation-table.png"))
