"""#14's shareable view in a real browser: no third-party share button, a first-party
"Copy link", rolling presets in the link, a zoom that is part of the view (URL, picker,
rebase; Back undoes it; double-click returns to the view's range)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.action_chains import ActionChains

from components.ids import Ids
from tests.browser.duo import RECORD_JS
from tests.browser.test_page import open_page, starts, wait_for

MODEBAR_TITLES_JS = """
return Array.from(document.querySelectorAll('.modebar-btn')).map(function (b) {
  return b.getAttribute('data-title') || '';
});
"""
LAYOUT_TEXT_JS = """
var gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
return gd && gd.layout ? JSON.stringify(gd.layout) : '';
"""


def query(duo: Any) -> dict[str, list[str]]:
    return parse_qs(urlparse(duo.driver.current_url).query)


def test_view001_no_toolbar_sends_a_chart_to_the_cloud(dash_duo: Any, breadth_app: Any) -> None:
    open_page(dash_duo, breadth_app)
    titles = dash_duo.driver.execute_script(MODEBAR_TITLES_JS)
    assert "Download plot as a PNG" in titles  # the toolbars are there
    assert not [t for t in titles if "share" in t.lower() or "cloud" in t.lower()], titles
    for tab in ("rrg", "analogs"):
        dash_duo.driver.get(dash_duo.server_url + f"/?tab={tab}")
        graph = Ids.RRG if tab == "rrg" else Ids.ANALOG_FORWARD
        wait_for(dash_duo, lambda g=graph: dash_duo.driver.execute_script(LAYOUT_TEXT_JS, g))
        titles = dash_duo.driver.execute_script(MODEBAR_TITLES_JS)
        assert not [t for t in titles if "share" in t.lower() or "cloud" in t.lower()], titles


def test_view002_copy_link_copies_the_address_and_says_so(dash_duo: Any, breadth_app: Any) -> None:
    open_page(dash_duo, breadth_app, "?u=sim-small&fast=20&slow=100")
    dash_duo.driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {
            "origin": dash_duo.server_url,
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
        },
    )
    dash_duo.find_element(f"#{Ids.COPY_LINK}").click()
    status = wait_for(dash_duo, lambda: dash_duo.find_element(f"#{Ids.COPY_STATUS}").text)
    assert status == "Link copied"
    copied = dash_duo.driver.execute_async_script(
        "var done = arguments[0]; navigator.clipboard.readText().then(done, function (e) {"
        " done('error: ' + e); });"
    )
    assert copied == dash_duo.driver.current_url and "u=sim-small" in copied


def test_view003_a_preset_is_a_rolling_range_in_the_link(dash_duo: Any, breadth_app: Any) -> None:
    open_page(dash_duo, breadth_app, "?u=sim-large")
    dash_duo.find_element('button[id*=\'"preset":"1Y"\']').click()
    wait_for(dash_duo, lambda: query(dash_duo).get("range") == ["1Y"])
    assert "start" not in query(dash_duo) and "end" not in query(dash_duo)
    active = wait_for(
        dash_duo,
        lambda: dash_duo.find_elements("button.active[id*='preset']"),
    )
    assert [b.text for b in active] == ["1Y"]
    # the shared link opens rolling, with its preset highlighted
    dash_duo.driver.get(dash_duo.driver.current_url)
    wait_for(
        dash_duo,
        lambda: [b.text for b in dash_duo.find_elements("button.active[id*='preset']")] == ["1Y"],
    )


def test_view004_a_zoom_is_part_of_the_view(dash_duo: Any, breadth_app: Any) -> None:
    open_page(dash_duo, breadth_app, "?u=sim-large&start=2024-06-03&end=2026-06-30")
    dash_duo.driver.execute_script(
        "var gd = document.querySelector('#" + str(Ids.PARTICIPATION) + " .js-plotly-plot');"
        "Plotly.relayout(gd, {'xaxis.range[0]': '2025-02-03 09:00',"
        " 'xaxis.range[1]': '2025-05-30 15:00'});"
    )
    # the URL and the date picker follow; the rotation chart is rebased at the new start
    wait_for(dash_duo, lambda: query(dash_duo).get("start") == ["2025-02-03"])
    assert query(dash_duo)["end"] == ["2025-05-30"]
    picker = dash_duo.find_element(f"#{Ids.DATES}")  # the start date's input
    wait_for(dash_duo, lambda: picker.get_attribute("value") == "2025-02-03")
    wait_for(
        dash_duo,
        lambda: "03 Feb 2025" in dash_duo.driver.execute_script(LAYOUT_TEXT_JS, Ids.ROTATION),
    )
    assert starts(dash_duo) == {"2025-02-03"}
    # Back undoes the zoom
    dash_duo.driver.back()
    wait_for(dash_duo, lambda: query(dash_duo).get("start") == ["2024-06-03"])
    wait_for(dash_duo, lambda: starts(dash_duo) == {"2024-06-03"})
    # a double-click after a zoom returns every chart to the view's (the URL's) range
    dash_duo.driver.execute_script(
        "var gd = document.querySelector('#" + str(Ids.HIGHS_LOWS) + " .js-plotly-plot');"
        "Plotly.relayout(gd, {'xaxis.range[0]': '2025-08-01', 'xaxis.range[1]': '2025-09-30'});"
    )
    wait_for(dash_duo, lambda: query(dash_duo).get("start") == ["2025-08-01"])
    graph = dash_duo.find_element(f"#{Ids.ADVANCE_DECLINE} .nsewdrag")
    ActionChains(dash_duo.driver).double_click(graph).perform()
    wait_for(dash_duo, lambda: starts(dash_duo) == {"2025-08-01"})
    assert query(dash_duo).get("start") == ["2025-08-01"]


def test_view005_one_universe_drives_every_tab(dash_duo: Any, breadth_app: Any) -> None:
    """#14 item 1: the Claim check and Analogs analyse the page's universe (named by its label);
    the Claim check may override it, visibly and in the link."""
    open_page(dash_duo, breadth_app, "?u=sim-small&tab=analogs&near=20")
    setup = wait_for(dash_duo, lambda: dash_duo.find_element(f"#{Ids.ANALOG_SETUP}").text)
    assert "of Simulated small caps" in setup, setup
    dash_duo.driver.get(dash_duo.server_url + "/?u=sim-small&tab=claims")
    line = wait_for(dash_duo, lambda: dash_duo.find_element(".claims-universe").text)
    assert line.startswith("Universe: Simulated small caps") and "(the page's universe)" in line
    dash_duo.driver.get(dash_duo.server_url + "/?u=sim-small&tab=claims&cu=sim-large")
    wait_for(dash_duo, lambda: "set on this tab" in dash_duo.find_element(".claims-universe").text)
    assert "cu=sim-large" in dash_duo.driver.current_url


def test_view006_download_csv_follows_the_tab(
    dash_duo: Any, breadth_app: Any, tmp_path: Any
) -> None:
    """#14 item 9: on the Claim check, "Download CSV" saves the claim table (not the Breadth
    table), with the view's link in a column rather than a comment row."""
    dash_duo.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    open_page(dash_duo, breadth_app, "?u=sim-large&tab=claims&asof=2026-06-30")
    wait_for(dash_duo, lambda: dash_duo.driver.find_elements("css selector", "tr[data-claim]"))
    dash_duo.find_element(f"#{Ids.DOWNLOAD_BUTTON}").click()
    saved = wait_for(dash_duo, lambda: list(tmp_path.glob("claims-2026-06-30.csv")))
    text = saved[0].read_text()
    header = text.splitlines()[0].split(",")
    assert header[0] == "claim" or "claim" in header
    assert header[-3:] == ["view", "data_version", "simulated"]
    assert not text.startswith("#") and "pct_above_200dma" in text


def test_view007_coverage_at_the_views_end_and_empty_ranges(
    dash_duo: Any, breadth_app: Any
) -> None:
    """#14 item 10: the coverage badge refers to the view's end date; a range without sessions
    says so."""
    open_page(dash_duo, breadth_app, "?u=sim-large&start=2025-01-06&end=2025-08-29")
    badge = wait_for(dash_duo, lambda: dash_duo.find_element(f"#{Ids.COVERAGE}").text)
    assert badge.endswith("have a bar on 29 Aug 2025)"), badge
    dash_duo.driver.get(dash_duo.server_url + "/?u=sim-large&start=2025-08-30&end=2025-08-31")
    wait_for(
        dash_duo,
        lambda: "no sessions from 30 Aug 2025" in dash_duo.find_element(f"#{Ids.COVERAGE}").text,
    )


def test_view007_a_first_load_is_the_links_view_without_a_url_sync(
    dash_duo: Any, breadth_app: Any
) -> None:
    """#16 T3: the layout is the URL sync's answer for the page's address (the layout
    request's Referer), so a first load asks only for its views; the address bar then shows
    the link in canonical form. A browser that sends no usable Referer gets the link's view
    all the same, through the sync."""
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_JS})
    open_page(dash_duo, breadth_app, "?fast=20&u=sim-small")
    sent = [a[0] for a in driver.execute_script("return window.__answers")]
    assert sent and not [o for o in sent if "url.search" in o], sent
    assert any("chart-participation.figure" in o for o in sent), sent
    assert dash_duo.find_element(f"#{Ids.FAST}").get_attribute("value") == "20"
    link = wait_for(dash_duo, lambda: "start" in query(dash_duo) and query(dash_duo))
    assert link["fast"] == ["20"] and link["u"] == ["sim-small"] and link["slow"] == ["200"]
    # the layout request's Referer without the address's query: the layout is the default
    # view's, and the sync reads the address (a Referer sent as the origin alone)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.setExtraHTTPHeaders", {"headers": {"Referer": dash_duo.server_url + "/"}}
    )
    try:
        driver.get(dash_duo.server_url + "/?fast=30&u=sim-small&tab=claims")
        wait_for(dash_duo, lambda: query(dash_duo).get("fast") == ["30"], timeout=30)
        line = wait_for(dash_duo, lambda: dash_duo.find_element(".claims-universe").text)
        assert line.startswith("Universe: Simulated small caps"), line
        assert dash_duo.find_element(f"#{Ids.FAST}").get_attribute("value") == "30"
        sent = [a[0] for a in driver.execute_script("return window.__answers")]
        assert [o for o in sent if "url.search" in o], sent
    finally:
        driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})
