"""The volume breadth chart in a real browser: drawn with its traces on the demo store (which
has volume), on the linked date axis; screenshots of it on the demo and on the real OHLCV set
(S&P 500, March 2020)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from components.charts import LINKED_GRAPHS
from components.ids import Ids
from tests.browser.duo import start
from tests.browser.shots import SCREENSHOTS
from tests.browser.test_page import open_page, wait_for

TRACES_JS = (
    """
var gd = document.querySelector('#"""
    + str(Ids.VOLUME)
    + """ .js-plotly-plot');
if (!gd || !gd._fullData || !gd._fullLayout.yaxis2) { return null; }
return {
  traces: gd._fullData.map(function (t) {
    var n = 0; for (var i = 0; i < t.y.length; i++) { if (isFinite(t.y[i])) { n++; } }
    return [t.name, t.yaxis, n];
  }),
  arms: [gd._fullLayout.yaxis2.type, gd._fullLayout.yaxis2.range.slice()],
  x: gd._fullLayout.xaxis.range.slice()
};
"""
)


def volume_chart(duo: Any) -> dict[str, Any]:
    """The drawn traces (name, y axis, finite points), the Arms axis and the x-range."""
    return dict(wait_for(duo, lambda: duo.driver.execute_script(TRACES_JS), timeout=30))


def shoot(duo: Any, name: str) -> Path:
    duo.driver.execute_script(f"document.getElementById('{Ids.VOLUME}').scrollIntoView();")
    time.sleep(0.5)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    duo.driver.save_screenshot(str(path))
    return path


def test_vbr001_volume_chart_renders_its_traces_on_the_linked_axis(
    dash_duo: Any, breadth_app: Any
) -> None:
    assert Ids.VOLUME in LINKED_GRAPHS
    open_page(dash_duo, breadth_app, "?start=2025-01-02&end=2026-06-30")
    chart = volume_chart(dash_duo)
    drawn = {name: (axis, n) for name, axis, n in chart["traces"]}
    assert drawn["Up-volume %"] == ("y", drawn["Up-volume %"][1])
    assert drawn["Up-volume %"][1] > 700  # four years of sessions, whole history sent
    assert drawn["Arms index (daily)"][0] == "y2" and drawn["Arms index (daily)"][1] > 700
    assert drawn["Arms index, 10-day average"][0] == "y2"
    assert drawn["A/D volume line"][0] == "y3" and drawn["A/D volume line"][1] > 700
    kind, (lo, hi) = chart["arms"]
    assert kind == "log" and lo == pytest.approx(-hi) and hi > 0.3
    assert str(chart["x"][0])[:10] == "2025-01-02"  # the view's dates, like every chart
    text = dash_duo.find_element(f"#{Ids.VOLUME}").text
    assert "Volume breadth" in text
    shoot(dash_duo, "desktop-volume")


@pytest.mark.realdata
def test_vbr002_volume_chart_on_the_real_ohlcv_set(
    dash_duo: Any, shared_data: Path, tmp_path: Path
) -> None:
    """The S&P 500 (point in time) from the real OHLCV file, around the March 2020 crash."""
    from app import create_app
    from data.jobs import import_files
    from data.store import Store
    from settings import load_settings

    root = tmp_path / "store"
    root.mkdir()
    import_files(Store(root), [shared_data / "us_stocks_ohlcv_2013_2024" / "prices.parquet"],
                 replace=False)  # fmt: skip
    app = create_app(load_settings(env={}, data_dir=root, cache_dir=tmp_path / "cache"))
    start(dash_duo, app, "?u=sp500&start=2019-10-01&end=2020-09-30")
    chart = volume_chart(dash_duo)
    drawn = {name: n for name, _, n in chart["traces"]}
    assert drawn["Up-volume %"] > 2500 and drawn["Arms index, 10-day average"] > 2500
    assert str(chart["x"][0])[:10] == "2019-10-01"
    shoot(dash_duo, "real-sp500-volume-2020")
