"""Issue #15 items 1 and 2 in a real browser: ``mw`` and ``hw`` in the link draw "Participation
across windows" and "New highs − new lows (%)" with one line per window (and its long-run
average) and per week count; the header's controls write the sets back into the URL."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from components.ids import Ids
from tests.browser.shots import SCREENSHOTS
from tests.browser.test_page import open_page, wait_for

TRACES_JS = """
var gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
if (!gd || !gd.data) { return null; }
var legend = Array.from(gd.querySelectorAll('.legendtext')).map(function (t) {
  return t.textContent; });
return {names: gd.data.map(function (t) { return t.name; }), legend: legend,
        title: gd._fullLayout.title.text};
"""


def chart(duo: Any, graph: Ids) -> dict[str, Any] | None:
    return duo.driver.execute_script(TRACES_JS, str(graph))


def names_are(duo: Any, graph: Ids, legend: list[str]) -> dict[str, Any] | None:
    """The chart when its legend reads ``legend`` (in order) and it draws exactly those."""
    got = chart(duo, graph)
    ok = got and got["legend"] == legend and sorted(got["names"]) == sorted(legend)
    return got if ok else None


def shoot(duo: Any, graph: Ids, name: str) -> None:
    duo.driver.execute_script(f"document.getElementById('{graph}').scrollIntoView();")
    time.sleep(0.6)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    duo.driver.save_screenshot(str(SCREENSHOTS / name))


def test_wpb001_window_sets_from_the_link_and_back(dash_duo: Any, breadth_app: Any) -> None:
    open_page(dash_duo, breadth_app, "?u=sim-large&mw=20,100&hw=4,52")
    windows = wait_for(dash_duo, lambda: chart(dash_duo, Ids.WINDOWS))
    names = windows["legend"]  # the legend: longest window first, each with its average
    assert len(names) == 4 and sorted(windows["names"]) == sorted(names)
    assert names[0] == "% above 100-day avg" and names[2] == "% above 20-day avg"
    assert names[1].startswith("100-day long-run avg ") and "(all data, " in names[1]
    assert names[3].startswith("20-day long-run avg ")
    net = names_are(
        dash_duo,
        Ids.NET_HIGHS,
        ["NH − NL, 52 weeks", "NH − NL, 4 weeks", "Cumulative net 52-week highs"],
    )
    assert net is not None and "(intraday highs and lows)" in net["title"]
    box = dash_duo.find_element(f"#{Ids.MA_WINDOWS}")
    assert box.get_attribute("value") == "20, 100"
    checked = dash_duo.driver.execute_script(
        f"return Array.from(document.querySelectorAll('#{Ids.HL_WEEKS} input'))"
        ".filter(function (i) { return i.checked; }).length;"
    )
    assert checked == 2
    shoot(dash_duo, Ids.WINDOWS, "windows-demo.png")
    shoot(dash_duo, Ids.NET_HIGHS, "net-highs-demo.png")

    # the typed windows -> the URL and the chart
    dash_duo.clear_input(box)
    box.send_keys("30, 10" + Keys.ENTER)
    wait_for(dash_duo, lambda: "mw=10%2C30" in dash_duo.driver.current_url
             or "mw=10,30" in dash_duo.driver.current_url)  # fmt: skip
    wait_for(
        dash_duo,
        lambda: (chart(dash_duo, Ids.WINDOWS) or {}).get("legend", [""])[0] == "% above 30-day avg",
    )
    # a checkbox -> the URL and the chart (keyboard: focus the box, press Space)
    box13 = dash_duo.driver.find_element(
        By.XPATH, f"//*[@id='{Ids.HL_WEEKS}']//label[normalize-space()='13']"
    )
    target = dash_duo.driver.find_element(By.ID, box13.get_attribute("for"))
    target.send_keys(Keys.SPACE)
    wait_for(
        dash_duo,
        lambda: parse_qs(urlparse(dash_duo.driver.current_url).query).get("hw") == ["4,13,52"],
    )
    wait_for(
        dash_duo,
        lambda: names_are(
            dash_duo,
            Ids.NET_HIGHS,
            [
                "NH − NL, 52 weeks",
                "NH − NL, 13 weeks",
                "NH − NL, 4 weeks",
                "Cumulative net 52-week highs",
            ],
        ),
    )
    url = parse_qs(urlparse(dash_duo.driver.current_url).query)
    assert url["mw"] == ["10,30"] and url["u"] == ["sim-large"]
