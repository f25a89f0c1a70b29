"""The Sectors tab in a real browser: the heatmap (11+ sector rows) and the end-date table
render, the 50/200-day choice round-trips through the URL (``sw``); on real data (the
Russell 3000 proxy with sectors from the holdings snapshot) a screenshot of the tab."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from components.ids import Ids
from tests.browser.shots import SCREENSHOTS
from tests.browser.test_tabs import click_tab, open_at, query, wait_for

HEATMAP_JS = """
var gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot')
      || document.getElementById(arguments[0]);
if (!gd || !gd.data || !gd.data.length) { return null; }
var t = gd.data[0];
return {type: t.type, rows: (t.y || []).length, cols: (t.x || []).length,
        title: gd.layout.title && gd.layout.title.text,
        labels: Array.from(document.querySelectorAll('#' + arguments[0] + ' .ytick text'))
                  .map(function (e) { return e.textContent; })};
"""


def heatmap(duo: Any) -> dict[str, Any] | None:
    result: dict[str, Any] | None = duo.driver.execute_script(HEATMAP_JS, str(Ids.SECTOR_HEATMAP))
    return result


def table_rows(duo: Any) -> list[Any]:
    return list(duo.driver.find_elements(By.CSS_SELECTOR, ".sector-table tbody tr"))


def test_sectui001_heatmap_table_and_window_in_the_url(dash_duo: Any, breadth_app: Any) -> None:
    open_at(dash_duo, breadth_app, "")
    click_tab(dash_duo, "Sectors")
    wait_for(lambda: query(dash_duo).get("tab") == ["sectors"])
    h = wait_for(lambda: (x := heatmap(dash_duo)) and x["rows"] >= 11 and x)
    assert h["type"] == "heatmap" and h["cols"] > 20 and "200-day" in h["title"]
    assert len(h["labels"]) >= 11 and "Information Technology" in h["labels"]
    rows = wait_for(lambda: len(table_rows(dash_duo)) >= 11 and table_rows(dash_duo))
    assert rows[0].text and "%" in rows[0].text
    dash_duo.find_element(f"#{Ids.SECTOR_WINDOW} input[value='50']").click()
    wait_for(lambda: query(dash_duo).get("sw") == ["50"])
    wait_for(lambda: "50-day" in (heatmap(dash_duo) or {}).get("title", ""))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / "sectors-demo.png"))
    # the link reopens the same view
    dash_duo.driver.get(dash_duo.driver.current_url)
    wait_for(lambda: "50-day" in (heatmap(dash_duo) or {}).get("title", ""))


@pytest.fixture()
def real_app(shared_data: Path, tmp_path: Path) -> Iterator[Any]:
    from app import create_app
    from settings import load_settings
    from tests.integration.test_sectors_real import build_store

    root = build_store(shared_data, tmp_path / "store")
    yield create_app(load_settings(env={}, data_dir=root, cache_dir=tmp_path / "cache"))


@pytest.mark.realdata
def test_sectui002_real_data_screenshot(dash_duo: Any, real_app: Any) -> None:
    open_at(dash_duo, real_app, "?u=r3k-proxy&start=2024-01-02&end=2025-07-28&tab=sectors")
    wait_for(lambda: (x := heatmap(dash_duo)) and x["rows"] == 11, timeout=90)
    wait_for(lambda: len(table_rows(dash_duo)) == 11, timeout=30)
    # holdings-based universe: the Breadth tab's survivorship caveat is shown here too
    assert dash_duo.driver.find_elements(
        By.CSS_SELECTOR, f"#{Ids.SECTOR_MESSAGE} .survivorship-note"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.set_window_size(1400, 1400)
    dash_duo.driver.execute_script(
        "document.getElementById(arguments[0]).scrollIntoView();", str(Ids.SECTOR_HEATMAP)
    )
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / "sectors-real.png"))
