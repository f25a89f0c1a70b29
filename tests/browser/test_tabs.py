"""The tabs in a real browser: RRG, Claim check and Analogs render with data on a small demo
store, their controls round-trip through the URL, the note's-date button sets the as-of date,
and the analog episodes shade the participation chart. Screenshots of each tab."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from components.ids import Ids
from components.page.controls import WEEKS_GROUP
from tests.browser.duo import RECORD_JS, settle, start
from tests.browser.shots import SCREENSHOTS
from tests.browser.test_page import idle

GRAPH_JS = """
var gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
if (!gd || !gd.data) { return null; }
return {traces: gd.data.length,
        points: (gd.calcdata || []).map(function (c) { return c ? c.length : 0; }),
        shapes: (gd.layout.shapes || []).length,
        visible: gd.getBoundingClientRect().width,
        title: gd.layout.title ? gd.layout.title.text : null,
        names: gd.data.filter(function (t) { return t.showlegend; })
                      .map(function (t) { return t.name; })};
"""


@pytest.fixture(scope="module")
def tabs_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small simulated market of the brief (seed 1, 300 tickers × 4 years)."""
    from data.jobs import load_demo
    from data.store import Store

    root = tmp_path_factory.mktemp("tabs") / "store"
    load_demo(Store(root), seed=1, n_tickers=300, years=4)
    return root


@pytest.fixture()
def tabs_app(tabs_store: Path, tmp_path: Path) -> Iterator[Any]:
    from app import create_app
    from settings import load_settings

    yield create_app(load_settings(env={}, data_dir=tabs_store, cache_dir=tmp_path / "cache"))


def wait_for(check: Any, timeout: float = 20.0) -> Any:
    end, last = time.time() + timeout, None
    while time.time() < end:
        try:
            last = check()
            if last:
                return last
        except Exception:  # the DOM may be mid-render
            pass
        time.sleep(0.2)
    raise AssertionError(f"condition not met within {timeout}s (last: {last})")


def graph(duo: Any, graph_id: str) -> dict[str, Any] | None:
    result: dict[str, Any] | None = duo.driver.execute_script(GRAPH_JS, graph_id)
    return result


def query(duo: Any) -> dict[str, list[str]]:
    return parse_qs(urlparse(duo.driver.current_url).query)


def open_at(duo: Any, app: Any, search: str) -> None:
    start(duo, app, search)


def click_tab(duo: Any, label: str) -> None:
    link = duo.driver.find_element(By.XPATH, f"//*[@role='tab'][normalize-space()='{label}']")
    duo.driver.execute_script("arguments[0].click();", link)  # even when scrolled away


def test_tb001_rrg_renders_and_round_trips(dash_duo: Any, tabs_app: Any) -> None:
    open_at(dash_duo, tabs_app, "?tab=rrg&tail=4")
    g = wait_for(lambda: (x := graph(dash_duo, Ids.RRG)) and x["traces"] >= 10 and x)
    assert g["shapes"] == 4  # the quadrants
    assert max(g["points"]) == 5 and g["visible"] > 300  # tail of 4 + the head
    notice = dash_duo.find_element(f"#{Ids.RRG_NOTICE}").text
    assert "IWN" in notice and "IWO" in notice  # styles the demo does not simulate
    label = dash_duo.find_element(f"#{Ids.RRG_END_LABEL}").text
    # step the end date back with the keyboard: the URL gets rrgend, the label moves
    dash_duo.find_element(f"#{Ids.RRG_END} [role=slider]").send_keys(Keys.ARROW_LEFT)
    wait_for(lambda: "rrgend" in query(dash_duo))
    wait_for(lambda: dash_duo.find_element(f"#{Ids.RRG_END_LABEL}").text != label)
    end = query(dash_duo)["rrgend"][0]
    # daily periods: the URL says so and the tail is still 4 + 1 points
    dash_duo.find_element(f"#{Ids.RRG_FREQ} input[value='D']").click()
    wait_for(lambda: query(dash_duo).get("freq") == ["D"])
    assert query(dash_duo)["tail"] == ["4"] and query(dash_duo)["tab"] == ["rrg"]
    # the copied link reproduces the view in a fresh page
    url = dash_duo.driver.current_url
    dash_duo.driver.get(url)
    wait_for(lambda: (x := graph(dash_duo, Ids.RRG)) and x["traces"] >= 10)
    assert dash_duo.find_element(f"#{Ids.RRG_TAIL}").get_attribute("value") == "4"
    assert query(dash_duo).get("rrgend") in ([end], None)  # daily may snap to its own period
    # back to the Breadth tab through the tab bar: the URL drops tab=
    click_tab(dash_duo, "Breadth")
    wait_for(lambda: "tab" not in query(dash_duo))
    assert query(dash_duo)["tail"] == ["4"]


def test_tb002_claims_note_date_sets_the_as_of(dash_duo: Any, tabs_app: Any) -> None:
    open_at(dash_duo, tabs_app, "?tab=claims")
    rows = wait_for(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "tr[data-claim]"))
    claims = {r.get_attribute("data-claim") for r in rows}
    assert {"pct_above_200dma", "pct_new_highs_52w", "index_gain_from_12m_low"} <= claims
    dash_duo.find_element(f"#{Ids.CLAIM_NOTE_DATE}").click()
    wait_for(lambda: query(dash_duo).get("asof") == ["2025-07-28"])
    wait_for(
        lambda: dash_duo.find_element(".claims-asof").get_attribute("data-asof") == "2025-07-28"
    )
    value = dash_duo.find_element("tr[data-claim=pct_above_200dma] .claim-value").text
    assert value.endswith("%") and value != "–"
    shown = dash_duo.driver.execute_script(
        "var el = document.getElementById(arguments[0]);"
        "var i = el.tagName === 'INPUT' ? el : el.querySelector('input');"
        "return i ? i.value : el.outerHTML.slice(0, 400);",
        str(Ids.CLAIM_ASOF),
    )
    assert shown == "2025-07-28"


def test_tb003_analogs_and_episode_bands(dash_duo: Any, tabs_app: Any) -> None:
    open_at(dash_duo, tabs_app, "?tab=analogs&near=20")
    wait_for(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".analog-episodes tbody tr"))
    fwd = wait_for(lambda: (x := graph(dash_duo, Ids.ANALOG_FORWARD)) and x["traces"] and x)
    assert sum(fwd["points"]) > 0
    assert "near" in dash_duo.find_element(f"#{Ids.ANALOG_NEAR}").get_attribute("id")
    assert dash_duo.find_element(f"#{Ids.ANALOG_NEAR}").get_attribute("value") == "20"
    # shading is off by default (it once covered most of the chart): no bands on Breadth
    switch = dash_duo.find_element(f"#{Ids.ANALOG_MARKS}")
    assert not switch.is_selected()
    click_tab(dash_duo, "Breadth")
    g = wait_for(lambda: (x := graph(dash_duo, Ids.PARTICIPATION)) and x["traces"] and x)
    time.sleep(1.0)  # a late patch of the bands would land by now
    assert graph(dash_duo, Ids.PARTICIPATION)["shapes"] == 0 and g["shapes"] == 0
    # the switch turns them on, and the URL says so
    click_tab(dash_duo, "Analogs")
    dash_duo.driver.execute_script("arguments[0].click();", switch)
    wait_for(lambda: query(dash_duo).get("marks") == ["on"])
    click_tab(dash_duo, "Breadth")
    wait_for(lambda: (x := graph(dash_duo, Ids.PARTICIPATION)) and x["shapes"] >= 1)
    assert query(dash_duo)["near"] == ["20"]


CUT_TITLES_JS = """
var cut = [];
document.querySelectorAll('[role="tabpanel"]:not([hidden]) .js-plotly-plot').forEach(function (gd) {
  var g = gd.getBoundingClientRect();
  if (!g.width) { return; }
  gd.querySelectorAll('.gtitle, .g-xtitle text, .g-ytitle text').forEach(function (t) {
    var r = t.getBoundingClientRect();
    if (r.width && (r.left < g.left - 1 || r.right > g.right + 1)) { cut.push(t.textContent); }
  });
});
return cut;
"""
"""The chart and axis titles of the shown tab that run past their graph's edges."""


def test_tb004_tab_screenshots(dash_duo: Any, tabs_app: Any) -> None:
    open_at(dash_duo, tabs_app, "?tab=rrg&near=20")  # the demo has an episode at 20%
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ready = {
        "rrg": lambda: (x := graph(dash_duo, Ids.RRG)) and x["traces"] >= 10,
        "claims": lambda: dash_duo.find_elements("tr[data-claim]"),
        "analogs": lambda: graph(dash_duo, Ids.ANALOG_FORWARD),
    }
    anchors = {"rrg": Ids.RRG, "claims": Ids.CLAIM_TABLE, "analogs": Ids.ANALOG_FORWARD}
    labels = {"rrg": "Rotation (RRG)", "claims": "Claim check", "analogs": "Analogs"}
    wait_for(ready["rrg"])
    wait_for(lambda: idle(dash_duo), timeout=30)
    # from here on, every callback's answer is recorded
    dash_duo.driver.execute_script(RECORD_JS, str(Ids.PARTICIPATION))
    for width, height, name in ((1440, 900, "desktop"), (390, 844, "mobile")):
        dash_duo.driver.set_window_size(max(width, 500), height)
        dash_duo.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
        )
        for tab in ("rrg", "claims", "analogs"):
            click_tab(dash_duo, labels[tab])
            wait_for(ready[tab])
            time.sleep(0.4)
            dash_duo.driver.execute_script(
                "document.getElementById(arguments[0]).scrollIntoView({block: 'center'});",
                str(anchors[tab]),
            )
            time.sleep(0.2)
            dash_duo.driver.save_screenshot(str(SCREENSHOTS / f"{name}-tab-{tab}.png"))
            cut = dash_duo.driver.execute_script(CUT_TITLES_JS)
            assert not cut, f"titles cut at {width}px on {tab}: {cut}"
            overflow = dash_duo.driver.execute_script(
                "return document.documentElement.scrollWidth"
                " - document.documentElement.clientWidth;"
            )
            assert overflow <= 1, f"horizontal overflow of {overflow}px on {tab} at {width}px"
    # a tab click sends the Breadth charts again to nobody: the view did not change (the URL
    # sync once rewrote the view store on every tab click, and 1 MB of figures came back)
    answers = dash_duo.driver.execute_script("return window.__answers")
    assert any("chart-rrg.figure" in out for out, *_ in answers), answers
    resent = [out[:60] for out, figure, *_ in answers if figure]
    assert not resent, resent


@pytest.fixture(scope="module")
def note_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo market with its universes also stored as russell3000 and sp500, so the Claim
    check has the note's universes to give verdicts on (simulated figures, real verdicts)."""
    from data.jobs import load_demo
    from data.model import UniverseInfo
    from data.store import Store
    from data.universes import get_universe

    root = tmp_path_factory.mktemp("note") / "store"
    store = Store(root)
    load_demo(store, seed=1, n_tickers=300, years=4)
    for name, like in (("russell3000", "sim-all"), ("sp500", "sim-large")):
        _, intervals = get_universe(store, like)
        store.write_universe(UniverseInfo(name, f"{like} as {name}", point_in_time=True), intervals)
    return root


@pytest.fixture()
def note_app(note_store: Path, tmp_path: Path) -> Iterator[Any]:
    from app import create_app
    from settings import load_settings

    yield create_app(load_settings(env={}, data_dir=note_store, cache_dir=tmp_path / "cache"))


def shown(duo: Any, id_: str) -> bool:
    return bool(duo.driver.execute_script(
        "var el = document.getElementById(arguments[0]);"
        "return !!el && el.offsetParent !== null;", id_))  # fmt: skip


def test_tb005_claims_say_what_the_note_said_and_idle_controls_hide(
    dash_duo: Any, note_app: Any
) -> None:
    """Issue #14 item 8: the note's figure and a verdict on each row; the header's date range
    and options, which change nothing on the Claim check and Analogs tabs, are hidden there
    (with a line saying why) and back on the Breadth tab."""
    open_at(dash_duo, note_app, "?tab=claims&asof=2025-07-28")
    rows = wait_for(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "tr[data-claim]"))
    heads = [h.text for h in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".claims-table th")]
    assert "The note said" in heads and "Verdict" in heads
    cells = wait_for(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "[data-verdict]"))
    verdicts = [v.get_attribute("data-verdict") for v in cells]
    assert len(verdicts) == len(rows) == 7
    assert set(verdicts[:3]) <= {"matches", "differs"}  # the note's universes, on its date
    assert verdicts[5:] == ["no_figure", "no_figure"]  # forecasts
    said = dash_duo.find_element("tr[data-claim=pct_above_200dma] .claim-said").text
    assert "~55% of Russell 3000 stocks" in said and "±1 pp" in said
    for id_ in (Ids.DATE_CONTROLS, Ids.OPTION_CONTROLS):
        assert not shown(dash_duo, id_)
    assert shown(dash_duo, Ids.IDLE_CONTROLS_NOTE) and shown(dash_duo, Ids.UNIVERSE)
    click_tab(dash_duo, "Breadth")
    wait_for(lambda: shown(dash_duo, Ids.DATE_CONTROLS) and shown(dash_duo, Ids.OPTION_CONTROLS))
    assert not shown(dash_duo, Ids.IDLE_CONTROLS_NOTE)
    click_tab(dash_duo, "Analogs")
    wait_for(lambda: not shown(dash_duo, Ids.DATE_CONTROLS))
    assert not shown(dash_duo, Ids.OPTION_CONTROLS) and shown(dash_duo, Ids.IDLE_CONTROLS_NOTE)
    click_tab(dash_duo, "Sectors")  # the dates stay; the Breadth-only options and weeks go
    wait_for(lambda: shown(dash_duo, Ids.DATE_CONTROLS))
    assert not shown(dash_duo, Ids.OPTION_CONTROLS) and not shown(dash_duo, WEEKS_GROUP)
    note = dash_duo.find_element(f"#{Ids.IDLE_CONTROLS_NOTE}").text
    assert "its own 200- or 50-day window" in note
    click_tab(dash_duo, "Claim check")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wait_for(lambda: dash_duo.find_elements("[data-verdict]"))
    dash_duo.driver.execute_script("window.scrollTo(0, 0);")
    time.sleep(0.3)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / "desktop-claims-verdicts-top.png"))
    dash_duo.driver.execute_script(
        "document.getElementById(arguments[0]).scrollIntoView({block: 'start'});",
        str(Ids.CLAIM_TABLE),
    )
    time.sleep(0.3)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / "desktop-claims-verdicts.png"))


VIEWS = {  # one output of each tab's view callback
    "breadth": f"{Ids.PARTICIPATION}.figure",
    "sectors": f"{Ids.SECTOR_HEATMAP}.figure",
    "rrg": f"{Ids.RRG}.figure",
    "claims": f"{Ids.CLAIM_TABLE}.children",
    "analogs": f"{Ids.ANALOG_FORWARD}.figure",
}


def asked_after(duo: Any, label: str, drawn: Any) -> set[str]:
    """The tabs whose view callback the page sent to the server after a click on the tab
    ``label``, once ``drawn`` holds and no callback is in flight (each asked once)."""
    settle(duo)
    duo.driver.execute_script(RECORD_JS, str(Ids.RRG))
    click_tab(duo, label)
    wait_for(drawn)
    settle(duo)
    outputs = [out for out, *_ in duo.driver.execute_script("return window.__answers")]
    asked = " ".join(outputs)
    views = {tab for tab, output in VIEWS.items() if output in asked}
    assert all(sum(VIEWS[tab] in out for out in outputs) == 1 for tab in views), outputs
    return views


def test_tb006_a_tab_click_asks_the_server_for_that_tab_only(dash_duo: Any, tabs_app: Any) -> None:
    """A tab click sends one view callback, the new tab's: each tab's callback reads its own
    store, which the page's state reaches only while that tab is active (before, all five
    fired and four answered nothing)."""
    open_at(dash_duo, tabs_app, "")
    wait_for(lambda: (x := graph(dash_duo, Ids.PARTICIPATION)) and x["traces"])
    rrg = asked_after(
        dash_duo, "Rotation (RRG)", lambda: (x := graph(dash_duo, Ids.RRG)) and x["traces"] >= 10
    )
    assert rrg == {"rrg"}
    # the view was asked for at the click, not after the URL sync's answer (tabs.select)
    answers = dash_duo.driver.execute_script("return window.__answers")
    synced = [done for out, _, _, done, _ in answers if f"{Ids.URL}.search" in out]
    asked = [sent for out, _, sent, _, _ in answers if VIEWS["rrg"] in out]
    assert len(synced) == 1 and asked[0] < synced[0], answers
    claims = asked_after(dash_duo, "Claim check", lambda: dash_duo.find_elements("[data-verdict]"))
    assert claims == {"claims"}
    back = asked_after(dash_duo, "Breadth", lambda: "tab" not in query(dash_duo))
    assert back == {"breadth"}  # the bands and marks follow the tab state (a Patch)


DRAWN_AT_JS = """
var gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
window.__drawnAt = [];
// the figure drawn before dcc.Graph's resize of the empty graph (its timers lose the race
// when the answer is quick, as on a warm server): no resize in this page from now on
window.Plotly.Plots.resize = function () { return Promise.resolve(); };
gd.on('plotly_afterplot', function () {
  if ((gd.data || []).length >= 10) {
    window.__drawnAt.push([gd._fullLayout.width, Math.round(gd.getBoundingClientRect().width)]);
  }
});
"""
"""Records (drawn width, the graph's width) at each drawing of the graph ``arguments[0]``
with its series (``window.__drawnAt``); the page resizes no graph afterwards."""


def test_tb007_the_rrg_is_laid_out_for_the_window_it_opens_in(dash_duo: Any, tabs_app: Any) -> None:
    """A click on the RRG tab asks for its view at once (tabs.select), before the tab change
    is measured: a window resized since the load is measured when it is resized
    (assets/rrg.js), so the labels are placed for the graph's width as drawn; and the graph,
    first drawn empty in its hidden tab, draws the series at its own width."""
    dash_duo.driver.set_window_size(1400, 900)
    open_at(dash_duo, tabs_app, "")
    wait_for(lambda: (x := graph(dash_duo, Ids.PARTICIPATION)) and x["traces"])
    settle(dash_duo)
    dash_duo.driver.set_window_size(900, 900)
    time.sleep(0.8)  # the resize is measured 250 ms after the last resize event
    dash_duo.driver.execute_script(RECORD_JS, str(Ids.RRG))
    dash_duo.driver.execute_script(DRAWN_AT_JS, str(Ids.RRG))
    click_tab(dash_duo, "Rotation (RRG)")
    wait_for(lambda: (x := graph(dash_duo, Ids.RRG)) and x["traces"] >= 10)
    settle(dash_duo)
    # every drawing of the series was as wide as the graph (plotly.js kept the 700 px of the
    # graph's first, hidden, drawing, then drew it again once dcc.Graph saw it resized)
    drawings = dash_duo.driver.execute_script("return window.__drawnAt")
    assert drawings and all(abs(w - box) <= 2 for w, box in drawings), drawings
    answers = dash_duo.driver.execute_script("return window.__answers")
    sent = [s["value"] for *_, states in answers for s in states if s["id"] == Ids.RRG_WIDTH]
    drawn = dash_duo.driver.execute_script(
        "return Math.round(document.getElementById(arguments[0]).getBoundingClientRect().width)",
        str(Ids.RRG),
    )
    assert sent and 500 < drawn < 900 and abs(sent[0] - drawn) <= 2, (sent, drawn)


def selected(duo: Any) -> str:
    """The label of the tab shown (aria-selected), when exactly one panel is visible."""
    tabs = [t.text for t in duo.driver.find_elements(By.CSS_SELECTOR, "[role=tab]")
            if t.get_attribute("aria-selected") == "true"]  # fmt: skip
    panels = [p for p in duo.driver.find_elements(By.CSS_SELECTOR, "[role=tabpanel]")
              if p.is_displayed()]  # fmt: skip
    return tabs[0] if len(tabs) == 1 and len(panels) == 1 else ""


def test_tb008_back_and_forward_across_tab_clicks(dash_duo: Any, tabs_app: Any) -> None:
    """A click shows its tab at once and the URL sync follows (tabs.select); Back and Forward
    then go through the URL: each step shows the tab the link names, with its view."""
    open_at(dash_duo, tabs_app, "?near=20")
    wait_for(lambda: (x := graph(dash_duo, Ids.PARTICIPATION)) and x["traces"])
    click_tab(dash_duo, "Rotation (RRG)")
    wait_for(lambda: (x := graph(dash_duo, Ids.RRG)) and x["traces"] >= 10)
    wait_for(lambda: query(dash_duo).get("tab") == ["rrg"])
    assert selected(dash_duo) == "Rotation (RRG)"
    click_tab(dash_duo, "Claim check")
    wait_for(lambda: dash_duo.find_elements("[data-verdict]"))
    wait_for(lambda: query(dash_duo).get("tab") == ["claims"])
    dash_duo.driver.back()
    wait_for(
        lambda: query(dash_duo).get("tab") == ["rrg"] and selected(dash_duo) == "Rotation (RRG)"
    )
    assert graph(dash_duo, Ids.RRG)["traces"] >= 10 and query(dash_duo)["near"] == ["20"]
    dash_duo.driver.back()
    wait_for(lambda: "tab" not in query(dash_duo) and selected(dash_duo) == "Breadth")
    dash_duo.driver.forward()
    wait_for(
        lambda: query(dash_duo).get("tab") == ["rrg"] and selected(dash_duo) == "Rotation (RRG)"
    )
    settle(dash_duo)


def test_tb009_the_rrg_is_laid_out_again_when_its_width_changes(
    dash_duo: Any, tabs_app: Any
) -> None:
    """The RRG's labels, legend and title are laid out for a width (a phone's: tickers only,
    the title on two lines). A window narrowed while the RRG is shown (a phone or tablet
    turned), or narrowed just before a click on its tab (not yet measured, assets/rrg.js),
    has it asked for once more, at the new width; a click without a resize does not."""
    layout = lambda: graph(dash_duo, Ids.RRG)  # noqa: E731
    rrg_answers = lambda: [  # noqa: E731
        states for out, figure, _, _, states in dash_duo.driver.execute_script(
            "return window.__answers") if figure]  # fmt: skip

    def phone(wide: bool) -> None:
        width = 1400 if wide else 390
        dash_duo.driver.set_window_size(max(width, 500), 900)
        dash_duo.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": not wide},
        )

    phone(wide=True)
    open_at(dash_duo, tabs_app, "?tab=rrg")
    wide = wait_for(lambda: (x := layout()) and x["names"] and x)
    assert "<br>" not in wide["title"] and " · " in wide["names"][0], wide
    settle(dash_duo)
    dash_duo.driver.execute_script(RECORD_JS, str(Ids.RRG))
    phone(wide=False)  # turned, while shown
    narrow = wait_for(lambda: (x := layout()) and "<br>" in x["title"] and x)
    assert all(" · " not in n for n in narrow["names"]) and narrow["visible"] < 400, narrow
    settle(dash_duo)
    assert len(rrg_answers()) == 1
    click_tab(dash_duo, "Breadth")  # away, wide again, and back at once
    settle(dash_duo)
    dash_duo.driver.execute_script(RECORD_JS, str(Ids.RRG))
    phone(wide=True)
    click_tab(dash_duo, "Rotation (RRG)")
    wait_for(lambda: (x := layout()) and "<br>" not in x["title"] and x["visible"] > 1000)
    settle(dash_duo)
    sent = [s["value"] for states in rrg_answers() for s in states if s["id"] == Ids.RRG_WIDTH]
    assert sent and sent[-1] > 1000, sent  # the last drawing's width is the graph's
    dash_duo.driver.execute_script(RECORD_JS, str(Ids.RRG))
    click_tab(dash_duo, "Breadth")  # no resize: the click asks for the view once
    settle(dash_duo)
    click_tab(dash_duo, "Rotation (RRG)")
    settle(dash_duo)
    assert len(rrg_answers()) == 1, rrg_answers()
