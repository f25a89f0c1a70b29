"""Open the dashboard in headless Chromium and check that every visible chart has data.

Usage: ``python scripts/first_run_check.py URL [--timeout S] [--screenshot PNG]``.
Exit 0 when, within the timeout, the page shows at least one chart, every visible Plotly chart
has a trace with at least one finite point, and the page says its data is simulated (an empty
store starts on the demo market). Exit 1 otherwise, with one line per failing chart.
Needs selenium (the test requirements) and Debian's chromium + chromedriver.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

CHARTS_JS = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).filter(function (gd) {
  return gd.offsetParent !== null && gd.getBoundingClientRect().height > 0;
}).map(function (gd) {
  var host = gd.closest('[id]');
  var points = 0;
  (gd._fullData || gd.data || []).forEach(function (t) {
    if (t.visible === false) { return; }
    ['y', 'r', 'z', 'values'].forEach(function (k) {
      var v = t[k];
      if (v && typeof v.length === 'number') {
        for (var i = 0; i < v.length; i++) {
          if (v[i] !== null && v[i] !== undefined && v[i] === v[i]) { points++; }
        }
      }
    });
  });
  return {id: host ? host.id : '?', traces: (gd._fullData || gd.data || []).length, points: points};
});
"""


def charts(driver: Any) -> list[dict[str, Any]]:
    """Each visible Plotly chart: its host id, trace count and finite points."""
    return list(driver.execute_script(CHARTS_JS) or [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds")
    parser.add_argument("--screenshot", default="", help="PNG path to save the page to")
    args = parser.parse_args(argv)

    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1440,900",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(args.url)
        end = time.monotonic() + args.timeout
        found: list[dict[str, Any]] = []
        while time.monotonic() < end:
            found = charts(driver)
            if found and all(c["points"] > 0 for c in found):
                break
            time.sleep(0.5)
        if args.screenshot:
            driver.save_screenshot(args.screenshot)
        body = driver.find_element("tag name", "body").text
        failures = [
            f"chart {c['id']}: {c['traces']} traces, no data point"
            for c in found
            if c["points"] == 0
        ]
        if not found:
            failures.append(f"no visible chart on {args.url} after {args.timeout:.0f} s")
        if "simulated" not in body.lower():
            failures.append("the page does not say its data is simulated")
        for line in failures:
            print(f"first-run check: {line}", file=sys.stderr)
        if failures:
            return 1
        print(f"first-run check: {len(found)} visible charts, all with data")
        return 0
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
