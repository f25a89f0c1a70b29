"""The header's alerts badge (issue #15 item 6) in a real browser: a rules file on the demo
store; the badge lists the rule that fired on the view's end date, and goes when a zoom
moves the end to a session where it does not fire. Screenshots on a desktop and a phone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from components.ids import Ids
from tests.browser.test_a11y import axe_results, contrasts, serious
from tests.browser.test_page import open_page, wait_for
from tests.browser.test_phone import PHONE, overflow, shot, window


@pytest.fixture()
def dates(demo_store: Path) -> tuple[date, date, float]:
    """(fires, quiet, threshold): the session of 2025 where % of sim-large above its 200-day
    average is highest, one where it is lowest, and that highest value (the rule is >= it, so
    it fires on the first and only where the series equals its high)."""
    from data.store import Store
    from service.breadth import BreadthQuery, BreadthService

    frame = BreadthService(Store(demo_store)).breadth(BreadthQuery(universe="sim-large"))
    year = frame.loc["2025-01-01":"2025-12-31", "pct_above_200dma"]
    return year.idxmax().date(), year.idxmin().date(), float(year.max())


@pytest.fixture()
def alerts_app(demo_store: Path, tmp_path: Path, dates: tuple[date, date, float]) -> Iterator[Any]:
    from app import create_app
    from settings import load_settings

    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rule]]\nname = "Large caps at their 2025 high"\nuniverse = "sim-large"\n'
        f'series = "pct_above_200dma"\ncomparator = ">="\nthreshold = {dates[2]!r}\n'
    )
    settings = load_settings(
        env={}, data_dir=demo_store, cache_dir=tmp_path / "cache", alert_rules=rules
    )
    yield create_app(settings)


def badge_text(duo: Any) -> str:
    return str(duo.find_element(f"#{Ids.ALERTS}").text)


def test_alerts001_badge_follows_the_views_end_date(
    dash_duo: Any, alerts_app: Any, dates: tuple[date, date, float]
) -> None:
    fires, quiet, threshold = dates
    open_page(dash_duo, alerts_app, f"?u=sim-large&start=2024-06-03&end={fires}")
    summary = wait_for(dash_duo, lambda: dash_duo.find_element(f"#{Ids.ALERTS} summary"))
    assert summary.text.endswith(f"1 alert fired on {fires}")
    title = summary.get_attribute("title")
    assert title == (
        f"Large caps at their 2025 high [sim-large]: pct_above_200dma >= {threshold:g}, "
        f"value {threshold:.2f}"
    )
    summary.click()  # opens the list
    item = dash_duo.find_element(f"#{Ids.ALERTS} li")
    assert item.is_displayed() and item.text == title
    shown = contrasts(dash_duo, f"#{Ids.ALERTS} summary, #{Ids.ALERTS} li")
    assert len(shown) == 2 and all(got >= need for _, got, need in shown), shown
    shot(dash_duo, "alerts-desktop")  # before axe, which scrolls the page as it checks
    assert not serious(axe_results(dash_duo))  # axe-core, with the list open
    # a zoom ending where the rule does not fire: the badge goes
    dash_duo.driver.execute_script(
        "var gd = document.querySelector('#" + str(Ids.PARTICIPATION) + " .js-plotly-plot');"
        f"Plotly.relayout(gd, {{'xaxis.range[0]': '2024-06-03', 'xaxis.range[1]': '{quiet}'}});"
    )
    wait_for(dash_duo, lambda: f"end={quiet}" in dash_duo.driver.current_url)
    wait_for(dash_duo, lambda: badge_text(dash_duo) == "")
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{Ids.ALERTS} summary") == []
    # Back returns to the end date where it fired
    dash_duo.driver.back()
    wait_for(dash_duo, lambda: "1 alert fired" in badge_text(dash_duo))


def test_alerts002_badge_on_a_phone(
    dash_duo: Any, alerts_app: Any, dates: tuple[date, date, float]
) -> None:
    window(dash_duo, *PHONE)
    open_page(dash_duo, alerts_app, f"?u=sim-large&start=2024-06-03&end={dates[0]}")
    summary = wait_for(dash_duo, lambda: dash_duo.find_element(f"#{Ids.ALERTS} summary"))
    summary.click()
    item = dash_duo.find_element(f"#{Ids.ALERTS} li")
    assert item.is_displayed() and item.rect["x"] + item.rect["width"] <= PHONE[0]
    assert overflow(dash_duo) == 0
    shot(dash_duo, "alerts-phone")
