"""Phones (390 × 844) in a real browser: the controls fold behind "View settings" so the first
chart is on the first screen (desktop unchanged), the claims table becomes cards, and the RRG
legend toggles a series and highlights it on hover. Screenshots of each."""

from __future__ import annotations

import time
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from components.ids import Ids
from tests.browser.duo import start
from tests.browser.shots import SCREENSHOTS
from tests.browser.test_page import all_drawn, wait_for
from tests.browser.test_tabs import tabs_app as tabs_app  # a fixture
from tests.browser.test_tabs import tabs_store as tabs_store  # a fixture

PHONE = (390, 844)
DESKTOP = (1440, 900)

FIRST_CHART_TOP_JS = """
var g = document.querySelector('.linked-graph .js-plotly-plot');
return g ? g.getBoundingClientRect().top + window.scrollY : null;
"""


def window(duo: Any, width: int, height: int) -> None:
    """The viewport of a phone or a desktop (headless windows are at least 500 px wide)."""
    duo.driver.set_window_size(max(width, 500), height)
    duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
    )


def shot(duo: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    duo.driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def overflow(duo: Any) -> int:
    width: int = duo.driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    return width


def shown(duo: Any, css: str) -> bool:
    return bool(duo.driver.find_element(By.CSS_SELECTOR, css).is_displayed())


def test_ph001_phone_controls_fold_behind_view_settings(dash_duo: Any, breadth_app: Any) -> None:
    window(dash_duo, *PHONE)
    start(dash_duo, breadth_app)
    wait_for(dash_duo, lambda: all_drawn(dash_duo), timeout=40)
    top = dash_duo.driver.execute_script(FIRST_CHART_TOP_JS)
    # before the fold: 1064 px (the controls card alone was 563 px tall)
    assert top < PHONE[1] - 200, f"first chart starts at {top:.0f}px on a 844px screen"
    shot(dash_duo, "phone-top-folded")
    toggle = dash_duo.find_element(f"#{Ids.SETTINGS_TOGGLE}")
    assert toggle.text.startswith("View settings") and toggle.tag_name == "button"
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == str(Ids.SETTINGS)
    assert not shown(dash_duo, f"#{Ids.FAST}")
    # the keyboard opens it (Enter on the focused button), and closes it again (Space)
    toggle.send_keys(Keys.ENTER)
    wait_for(dash_duo, lambda: toggle.get_attribute("aria-expanded") == "true")
    wait_for(dash_duo, lambda: shown(dash_duo, f"#{Ids.FAST}"))
    wait_for(dash_duo, lambda: shown(dash_duo, f"#{Ids.REPORT_HTML}"))
    time.sleep(0.5)  # the opening transition
    assert dash_duo.driver.execute_script(FIRST_CHART_TOP_JS) > top + 400  # pushed down
    shot(dash_duo, "phone-top-open")
    # a control inside still works: the URL follows it
    box = dash_duo.find_element(f"#{Ids.FAST}")
    dash_duo.clear_input(box)
    box.send_keys("30" + Keys.ENTER)
    wait_for(dash_duo, lambda: "fast=30" in dash_duo.driver.current_url)
    toggle.send_keys(Keys.SPACE)
    wait_for(dash_duo, lambda: toggle.get_attribute("aria-expanded") == "false")
    wait_for(dash_duo, lambda: not shown(dash_duo, f"#{Ids.FAST}"))
    assert overflow(dash_duo) <= 1


def test_ph002_desktop_shows_the_controls_without_a_button(dash_duo: Any, breadth_app: Any) -> None:
    window(dash_duo, *DESKTOP)
    start(dash_duo, breadth_app)
    wait_for(dash_duo, lambda: all_drawn(dash_duo), timeout=40)
    assert not shown(dash_duo, f"#{Ids.SETTINGS_TOGGLE}")
    assert shown(dash_duo, f"#{Ids.FAST}") and shown(dash_duo, f"#{Ids.REPORT_HTML}")
    top = dash_duo.driver.execute_script(FIRST_CHART_TOP_JS)
    assert 400 < top < 520, top  # 475 px before the fold was added: unchanged


CLAIM_CELLS_JS = """
var heads = Array.from(document.querySelectorAll('.claims-table thead th'))
  .map(function (th) { return th.textContent.trim(); });
return Array.from(document.querySelectorAll('.claims-table tr[data-claim]')).map(function (tr) {
  var title = tr.querySelector('td:first-child .fw-semibold');
  var lh = parseFloat(getComputedStyle(title).lineHeight);
  return {claim: tr.getAttribute('data-claim'), heads: heads,
          titleLines: title.getBoundingClientRect().height / lh,
          cells: Array.from(tr.children).map(function (td) {
            var r = td.getBoundingClientRect();
            return {label: td.getAttribute('data-label'), width: r.width,
                    right: r.right, shown: r.height > 0};
          })};
});
"""


def test_ph003_phone_claims_table_is_cards(dash_duo: Any, breadth_app: Any) -> None:
    window(dash_duo, *PHONE)
    start(dash_duo, breadth_app, "?tab=claims")
    rows = wait_for(dash_duo, lambda: dash_duo.driver.execute_script(CLAIM_CELLS_JS), timeout=40)
    time.sleep(0.5)
    rows = dash_duo.driver.execute_script(CLAIM_CELLS_JS)
    assert len(rows) >= 5
    for row in rows:
        # the claim's own words: at most 3 lines (before: 7 to 9, a word or two a line)
        assert row["titleLines"] <= 3.2, row
        heads = row["heads"]
        assert len(row["cells"]) == len(heads)  # every column, whatever the columns are
        for k, cell in enumerate(row["cells"]):
            assert cell["label"] == heads[k]  # each value says what it is
            if cell["shown"]:
                assert cell["width"] >= 300, (row["claim"], cell)  # a full-width card line
                assert cell["right"] <= PHONE[0], (row["claim"], cell)
    assert overflow(dash_duo) <= 1
    dash_duo.driver.execute_script(
        "document.querySelector('.claims-table').scrollIntoView({block: 'start'});"
    )
    time.sleep(0.3)
    shot(dash_duo, "phone-claims-cards")
    # desktop: still a table with its header row
    window(dash_duo, *DESKTOP)
    time.sleep(0.5)
    assert shown(dash_duo, ".claims-table thead th")
    row_display = "return getComputedStyle(document.querySelector(arguments[0])).display"
    assert (
        dash_duo.driver.execute_script(row_display, ".claims-table tr[data-claim]") == "table-row"
    )


RRG_JS = """
var gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
if (!gd || !gd._fullData || !gd._fullData.length) { return null; }
var labels = [];
gd.querySelectorAll('.scatterlayer .trace').forEach(function (tr) {
  tr.querySelectorAll('.textpoint text').forEach(function (t) {
    if (!t.textContent) { return; }
    var r = t.getBoundingClientRect();
    labels.push({text: t.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  });
});
var pairs = [];
for (var i = 0; i < labels.length; i++) {
  for (var j = i + 1; j < labels.length; j++) {
    var a = labels[i], b = labels[j];
    var w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
    if (w > 0 && Math.min(a.y1, b.y1) > Math.max(a.y0, b.y0)) {
      pairs.push(a.text + '/' + b.text);
    }
  }
}
var opacity = {};
gd._fullData.forEach(function (t) {
  var el = gd.querySelector('.scatterlayer .trace' + t.uid);
  if (t.showlegend) { opacity[t.legendgroup] = el ? getComputedStyle(el).opacity : null; }
});
return {labels: labels.map(function (l) { return l.text; }), overlaps: pairs,
        legend: gd.querySelectorAll('.legend .traces').length,
        series: gd._fullData.filter(function (t) { return t.showlegend; }).length,
        visible: gd._fullData.map(function (t) { return [t.legendgroup, t.visible]; }),
        opacity: opacity, width: gd.getBoundingClientRect().width,
        margin: gd.layout.margin, size: gd._fullLayout._size,
        box: box(gd), title: box(gd.querySelector('.gtitle')),
        legendBox: box(gd.querySelector('.legend')),
        modebar: box(gd.querySelector('.modebar-container'))};
"""
BOX_JS = """
function box(el) {
  if (!el) { return null; }
  var r = el.getBoundingClientRect();
  return r.width || r.height ? {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom} : null;
}
"""


def rrg_state(duo: Any) -> dict[str, Any] | None:
    state: dict[str, Any] | None = duo.driver.execute_script(BOX_JS + RRG_JS, str(Ids.RRG))
    return state


def test_ph004_rrg_labels_apart_legend_toggles_and_hover_highlights(
    dash_duo: Any, tabs_app: Any
) -> None:
    window(dash_duo, *DESKTOP)
    start(dash_duo, tabs_app, "?tab=rrg&tail=4")
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        if name == "phone":  # a phone opening the same link
            window(dash_duo, *size)
            dash_duo.driver.get(dash_duo.server_url + "/?tab=rrg&tail=4")
        rrg = wait_for(dash_duo, lambda: (s := rrg_state(dash_duo)) and s["labels"] and s)
        time.sleep(0.5)
        rrg = rrg_state(dash_duo)
        assert rrg is not None
        # the plot area is where the labels were placed for: the legend did not push it
        assert rrg["margin"]["t"] == pytest.approx(rrg["size"]["t"], abs=1), rrg
        # every series labelled once, no two labels overlapping (measured in the page)
        assert sorted(rrg["labels"]) == sorted(rrg["opacity"]) and rrg["series"] >= 10
        assert rrg["overlaps"] == [], (name, rrg["overlaps"])
        assert rrg["legend"] == rrg["series"]  # one legend entry per series
        # the title is whole, above the legend; on a phone no modebar covers it (it did,
        # and the title ran past the graph's edge)
        title, legend, graph = rrg["title"], rrg["legendBox"], rrg["box"]
        assert graph["x0"] <= title["x0"] and title["x1"] <= graph["x1"] - 4, (name, rrg)
        assert title["y1"] <= legend["y0"] + 2, (name, title, legend)
        if name == "phone":
            assert rrg["modebar"] is None, rrg["modebar"]
        dash_duo.driver.execute_script(
            "document.getElementById(arguments[0]).scrollIntoView({block: 'center'});",
            str(Ids.RRG),
        )
        time.sleep(0.3)
        shot(dash_duo, f"{name}-rrg-labels")
        assert overflow(dash_duo) <= 1
    # (phone) hovering a legend entry dims every other series
    first = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{Ids.RRG} .legend .traces")[0]
    ActionChains(dash_duo.driver).move_to_element(first).perform()
    rrg = wait_for(
        dash_duo, lambda: (s := rrg_state(dash_duo)) and "0.18" in s["opacity"].values() and s
    )
    group = next(g for g, o in rrg["opacity"].items() if o == "1")
    assert sum(o == "1" for o in rrg["opacity"].values()) == 1
    ActionChains(dash_duo.driver).move_by_offset(0, -300).perform()
    wait_for(dash_duo, lambda: set(rrg_state(dash_duo)["opacity"].values()) == {"1"})
    # the mouse on the head of a series in the plot highlights that series
    third = rrg_state(dash_duo)["visible"][2][0]
    heads = dash_duo.driver.find_elements(
        By.CSS_SELECTOR, f"#{Ids.RRG} .scatterlayer .trace:nth-child(3) .point"
    )
    ActionChains(dash_duo.driver).move_to_element(heads[-1]).perform()
    wait_for(dash_duo, lambda: rrg_state(dash_duo)["opacity"].get(third) == "1"
             and "0.18" in rrg_state(dash_duo)["opacity"].values())  # fmt: skip
    shot(dash_duo, "phone-rrg-hover")
    # clicking a legend entry hides that series and its label, and only those
    first = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{Ids.RRG} .legend .traces")[0]
    first.find_element(By.CSS_SELECTOR, ".legendtoggle").click()
    rrg = wait_for(dash_duo, lambda: (s := rrg_state(dash_duo)) and group not in s["labels"] and s)
    hidden = {g for g, v in rrg["visible"] if v == "legendonly"}
    assert hidden == {group}
    assert [v for g, v in rrg["visible"] if g == group] == ["legendonly", "legendonly"]
    assert len(rrg["labels"]) == rrg["series"] - 1
