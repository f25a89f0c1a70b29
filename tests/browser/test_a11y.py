"""Accessibility in a real browser (issue #14 items 4-6): the tabs by keyboard, text contrast
from computed styles, named hovers and a shared hover date, and axe-core on every tab."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.keys import Keys

from components.ids import Ids
from tests.browser.test_tabs import graph, open_at, tabs_app, tabs_store, wait_for

__all__ = ["tabs_app", "tabs_store"]  # fixtures

TABS_JS = """
return Array.from(document.querySelectorAll('[role=tablist] [role=tab]')).map(function (t) {
  var panel = document.getElementById(t.getAttribute('aria-controls'));
  return {id: t.id, text: t.textContent, selected: t.getAttribute('aria-selected'),
          tabindex: t.getAttribute('tabindex'),
          panel: panel && panel.getAttribute('role'),
          labelled: panel && panel.getAttribute('aria-labelledby') === t.id,
          shown: !!panel && !panel.hidden && panel.offsetHeight > 0};
});
"""
FOCUS_JS = "var e = document.activeElement; return e && (e.textContent || '').trim();"


def tabs(duo: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = duo.driver.execute_script(TABS_JS)
    return result


def selected(duo: Any) -> list[str]:
    return [t["text"] for t in tabs(duo) if t["selected"] == "true"]


def tab_query(duo: Any) -> list[str] | None:
    return parse_qs(urlparse(duo.driver.current_url).query).get("tab")


def press(duo: Any, key: str) -> None:
    duo.driver.switch_to.active_element.send_keys(key)


def test_ax001_tabs_are_reached_and_switched_by_keyboard(dash_duo: Any, tabs_app: Any) -> None:
    open_at(dash_duo, tabs_app, "")
    wait_for(lambda: graph(dash_duo, Ids.PARTICIPATION))
    assert dash_duo.driver.execute_script("return document.documentElement.lang") == "en"
    strip = tabs(dash_duo)
    assert [t["text"] for t in strip] == ["Breadth", "Rotation (RRG)", "Claim check", "Analogs"]
    assert len({t["id"] for t in strip}) == 4 and all(t["id"] for t in strip)
    assert all(t["panel"] == "tabpanel" and t["labelled"] for t in strip), strip
    assert [t["tabindex"] for t in strip] == ["0", "-1", "-1", "-1"]  # roving tabindex
    assert [t["shown"] for t in strip] == [True, False, False, False]
    # Tab from the last report button lands on the selected tab, not in a chart toolbar
    dash_duo.driver.execute_script(
        "document.getElementById(arguments[0]).focus();", str(Ids.REPORT_PNG)
    )
    press(dash_duo, Keys.TAB)
    assert dash_duo.driver.execute_script(FOCUS_JS) == "Breadth"
    assert dash_duo.driver.switch_to.active_element.get_attribute("role") == "tab"
    # the arrow keys move to the next tab and select it: URL, panel and focus follow
    press(dash_duo, Keys.ARROW_RIGHT)
    wait_for(lambda: selected(dash_duo) == ["Rotation (RRG)"])
    wait_for(lambda: tab_query(dash_duo) == ["rrg"])
    wait_for(lambda: (x := graph(dash_duo, Ids.RRG)) and x["traces"] >= 10)
    assert dash_duo.driver.execute_script(FOCUS_JS) == "Rotation (RRG)"
    assert [t["shown"] for t in tabs(dash_duo)] == [False, True, False, False]
    assert [t["tabindex"] for t in tabs(dash_duo)] == ["-1", "0", "-1", "-1"]
    press(dash_duo, Keys.END)
    wait_for(lambda: selected(dash_duo) == ["Analogs"] and tab_query(dash_duo) == ["analogs"])
    press(dash_duo, Keys.ARROW_RIGHT)  # wraps round to the first
    wait_for(lambda: selected(dash_duo) == ["Breadth"] and tab_query(dash_duo) is None)
    press(dash_duo, Keys.ARROW_LEFT)
    wait_for(lambda: selected(dash_duo) == ["Analogs"])
    press(dash_duo, Keys.HOME)
    wait_for(lambda: selected(dash_duo) == ["Breadth"])
    # Tab leaves the strip into the selected panel (the other tabs are not Tab stops)
    press(dash_duo, Keys.TAB)
    inside = dash_duo.driver.execute_script(
        "var e = document.activeElement; var p = e.closest('[role=tabpanel]');"
        "return p && p.getAttribute('aria-labelledby');"
    )
    assert inside is not None and json.loads(inside)["tab"] == "breadth"
    # a link with tab= opens that tab selected
    dash_duo.driver.get(dash_duo.server_url + "/?tab=claims")
    wait_for(lambda: selected(dash_duo) == ["Claim check"])
    assert [t["shown"] for t in tabs(dash_duo)] == [False, False, True, False]
