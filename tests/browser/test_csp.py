"""The page under its Content-Security-Policy in headless Chromium: every chart of every tab
draws and the browser logs no error at all (a CSP violation is a SEVERE console entry); an
injected inline script is refused; a client over its cold-view budget sees the message in the
chart area and the notice, and the page keeps working."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests

from components.charts import LINKED_GRAPHS
from components.ids import Ids
from tests.browser.test_page import all_drawn, graphs, open_page, wait_for
from tests.browser.test_tabs import GRAPH_JS, click_tab

TABS = {"Rotation (RRG)": Ids.RRG, "Analogs": Ids.ANALOG_FORWARD}
"""Tab label -> a chart that tab draws (Claim check is a table)."""


def severe(duo: Any) -> list[dict[str, Any]]:
    return [e for e in duo.driver.get_log("browser") if e.get("level") == "SEVERE"]


def tab_graph(duo: Any, graph_id: str) -> dict[str, Any] | None:
    result: dict[str, Any] | None = duo.driver.execute_script(GRAPH_JS, graph_id)
    return result


def test_csp001_every_chart_draws_under_the_csp_without_console_errors(
    dash_duo: Any, breadth_app: Any
) -> None:
    open_page(dash_duo, breadth_app)
    head = requests.get(dash_duo.server_url + "/", timeout=10).headers
    csp = head["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in csp and "'unsafe-inline'" not in csp.split(";")[1]
    assert "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
    assert dash_duo.driver.execute_script("return document.documentElement.lang") == "en"
    g = graphs(dash_duo)
    assert set(g) == {str(i) for i in LINKED_GRAPHS} and all_drawn(dash_duo)
    for label, graph_id in TABS.items():
        click_tab(dash_duo, label)
        drawn = wait_for(dash_duo, lambda gid=graph_id: (x := tab_graph(dash_duo, gid)) and x)
        assert drawn["traces"] >= 1 and max(drawn["points"]) > 0, (label, drawn)
    click_tab(dash_duo, "Claim check")
    wait_for(dash_duo, lambda: dash_duo.find_elements("tr[data-claim]"))
    time.sleep(0.5)  # anything late (a lazy chunk, a style rule) has logged by now
    assert severe(dash_duo) == []

    # the policy is enforced, not only sent: an injected inline script does not run
    dash_duo.driver.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.__pwned = 1;';"
        "document.body.appendChild(s);"
    )
    assert dash_duo.driver.execute_script("return window.__pwned === undefined") is True
    refused = wait_for(dash_duo, lambda: severe(dash_duo), timeout=5)
    assert any("Content Security Policy" in e["message"] for e in refused), refused


@pytest.fixture()
def limited_app(demo_store: Path, tmp_path: Path) -> Any:
    from app import create_app
    from settings import load_settings

    return create_app(
        load_settings(
            env={}, data_dir=demo_store, cache_dir=tmp_path / "cache", rate_cold_views="2/minute"
        )
    )


def test_csp002_over_the_cold_view_budget_the_chart_says_so(
    dash_duo: Any, limited_app: Any
) -> None:
    open_page(dash_duo, limited_app)  # the default view: warmed in the background, free
    message = "Too many new views from your address; try again in"
    seen = ""
    for fast in (20, 21, 22, 23, 24):  # new windows: views nobody has computed
        dash_duo.driver.get(f"{dash_duo.server_url}/?fast={fast}")
        time.sleep(0.3)
        seen = wait_for(
            dash_duo,
            lambda: (
                dash_duo.find_element(f"#{Ids.PARTICIPATION}").text
                if tab_graph(dash_duo, str(Ids.PARTICIPATION))
                else ""
            ),
            timeout=30,
        )
        if message in seen:
            break
    assert message in seen, seen
    notice = wait_for(dash_duo, lambda: dash_duo.find_element(f"#{Ids.NOTICES}").text)
    assert message in notice
    stats = requests.get(dash_duo.server_url + "/healthz", timeout=10).json()["rate_limits"]
    assert stats["counted"]["cold-views"] == 2 and stats["refused"]["cold-views"] >= 1
    # the page still works: a warm view (the default) draws every chart again
    dash_duo.driver.get(dash_duo.server_url + "/")
    wait_for(dash_duo, lambda: all_drawn(dash_duo), timeout=30)
    assert severe(dash_duo) == []
