"""T3 the page in headless Chromium, T7 the PNG report.

T3: ``gunicorn -w 2`` on 127.0.0.1 serving the bench store (compression on, as hosted). One
browser loads the page to warm the server's caches; then a fresh browser profile (nothing
cached in the browser) loads it: navigation to every visible chart drawn, and the bytes it
transferred (Performance API ``transferSize``: the page, its scripts and styles, and the
``/_dash-update-component`` responses). One browser runs at a time: each is closed once its
load is measured (earlier loads' browsers left open slowed the next loads on the 2-core
bench machine, 1.71 s against 1.51 s in an alternating A/B of 8 loads each). The RRG tab: a
fresh load of the page, then a click on the tab, once the page is idle, until its chart is
drawn (server cache warm), timed in the page from the click event to the first frame with
the chart drawn (WebDriver's own latency, 0.05-0.3 s on a busy page, shown beside it).

T7: ``components.report.export.export_report`` of the Breadth tab with PNGs (kaleido), in
process against a warm service, as the page's report button runs it in a serving worker:
the second call is the target (the browser is kept per process), the first is shown.
"""

from __future__ import annotations

import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # standalone; under bench_all the parent sets the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.targets import Opts, Row, skipped

ALL_BYTES = """
const nav = performance.getEntriesByType('navigation')[0];
const res = performance.getEntriesByType('resource');
const cb = res.filter(e => e.name.includes('/_dash-update-component'));
const sum = (xs) => xs.reduce((a, e) => a + (e.transferSize || 0), 0);
return [sum([nav]) + sum(res), sum(cb), res.length];
"""

RRG_WATCH = """
var id = arguments[0];
window.__clickAt = null; window.__rrgAt = null;
document.addEventListener('click', function () {
  if (window.__clickAt === null) { window.__clickAt = performance.now(); }
}, true);
(function poll() {
  var gd = document.querySelector('#' + id + ' .js-plotly-plot');
  if (window.__clickAt !== null && gd && gd._fullData && gd._fullData.length >= 10
      && gd.offsetParent !== null && !document.querySelector('[data-dash-is-loading="true"]')
      && Math.abs(gd._fullLayout.width - gd.getBoundingClientRect().width) <= 2) {
    window.__rrgAt = performance.now();
    return;
  }
  window.requestAnimationFrame(poll);
})();
"""
"""In the page: the time of the first click (capture phase) and of the first frame after it
with the RRG drawn (>= 10 traces, visible, no callback loading, as wide as its graph: the RRG
was drawn 700 px wide in a 1,383 px graph first, then again, before 2a4e3b1's next commit)."""

IDLE = """return !document.querySelector('[data-dash-is-loading="true"]');"""


def click_rrg(driver: Any, rrg_id: str, timeout: float = 30.0) -> tuple[float, float]:
    """(seconds in the page from the click event on the RRG tab to the first frame with its
    chart drawn; seconds from WebDriver's click call to Python seeing it drawn), clicked
    once the page is idle (every callback answered, then 1 s: a reader's pause)."""
    deadline = time.perf_counter() + timeout
    while not driver.execute_script(IDLE):
        if time.perf_counter() > deadline:
            raise TimeoutError("page still loading")
        time.sleep(0.05)
    time.sleep(1.0)
    driver.execute_script(RRG_WATCH, rrg_id)
    tab = next(e for e in driver.find_elements("css selector", "[role=tab]")
               if "RRG" in e.text)  # fmt: skip
    t0 = time.perf_counter()
    tab.click()
    span_js = "return window.__rrgAt === null ? null : window.__rrgAt - window.__clickAt"
    while (span := driver.execute_script(span_js)) is None:
        if time.perf_counter() > deadline:
            raise TimeoutError("RRG chart not drawn")
        time.sleep(0.01)
    return span / 1000.0, time.perf_counter() - t0


def page(opts: Opts) -> list[Row]:
    """T3 rows."""
    import json

    from bench.apptools import (
        DashClient,
        _walk,
        free_port,
        healthz,
        start_gunicorn,
        stop,
        wait_until,
    )
    from bench.bench_app import NETWORK, emulate_network, navigate, new_driver
    from components.charts import LINKED_GRAPHS
    from components.ids import Ids

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"BREADTH_DATA_DIR": str(opts.store), "BREADTH_CACHE_DIR": str(opts.work / "cache"),
           "BREADTH_REDIS_URL": ""}  # fmt: skip
    proc = start_gunicorn(port, env, opts.work, workers=2, log=opts.work / "gunicorn.log")
    drivers: list[Any] = []
    try:
        wait_until(lambda: healthz(base)[0] == 200, 90, "gunicorn /healthz", proc)
        layout = json.loads(DashClient.over_http(base).get("/_dash-layout"))
        linked = {str(i) for i in LINKED_GRAPHS}
        n = sum(1 for c in _walk(layout) if c["type"] == "Graph"
                and c.get("props", {}).get("id") in linked)  # fmt: skip

        def fresh() -> Any:
            """A new browser (fresh profile), the only one running."""
            for d in drivers:
                with contextlib.suppress(Exception):
                    d.quit()
            drivers[:] = [new_driver()]
            return drivers[0]

        warmer = fresh()
        navigate(warmer, base + "/", n)  # server caches warm (both workers may need it)
        navigate(warmer, base + "/", n)
        loads = []
        for _ in range(3 if opts.quick else 5):
            d = fresh()  # a fresh profile: nothing cached in the browser
            r = navigate(d, base + "/", n)
            total, callbacks, count = d.execute_script(ALL_BYTES)
            loads.append((r["drawn_s"], total, callbacks, count))
        best = min(loads)
        mid = statistics.median(x[0] for x in loads)  # the verdict: one load moves ±0.2 s
        away = []  # context: the same first load for a user away from the server
        for _ in range(3 if opts.quick else 5):
            d = fresh()
            emulate_network(d, *NETWORK)
            away.append(navigate(d, base + "/", n)["drawn_s"])
        rrg, wall = [], []
        d = fresh()
        for _ in range(3 if opts.quick else 5):
            navigate(d, base + "/", n)
            in_page, seen = click_rrg(d, str(Ids.RRG))
            rrg.append(in_page)
            wall.append(seen)
        return [
            Row("T3", "first load to all charts drawn, warm server", mid, "s", 1.5, "<=",
                f"median of {len(loads)} fresh profiles, best {best[0]:.2f} s; {n} charts"),
            Row("T3", "first load, network emulated (context)", statistics.median(away), "s",
                None, "<=", f"{NETWORK[0]:.0f} ms latency, {NETWORK[1]:.0f} Mbit/s down; median "
                f"of {len(away)} fresh profiles"),
            Row("T3", "first page: resources transferred", best[1] / 1e6, "MB", 2.0, "<=",
                f"{best[3]} requests, callbacks included"),
            Row("T3", "first page: callbacks transferred", best[2] / 1e3, "KB", 300.0, "<="),
            Row("T3", "RRG tab, click to chart drawn (warm)", statistics.median(rrg), "s", 0.5,
                "<=", f"in the page, median of {len(rrg)}, best {min(rrg):.2f} s; "
                f"via WebDriver {statistics.median(wall):.2f} s"),
        ]  # fmt: skip
    finally:
        for d in drivers:
            with contextlib.suppress(Exception):
                d.quit()
        stop(proc)


def report(opts: Opts) -> list[Row]:
    """T7 rows."""
    from components.report.export import export_report
    from data.store import Store
    from service.breadth import BreadthService

    svc = BreadthService(Store(opts.store))
    export_report(svc, "?tab=breadth", opts.work / "warm", png=False)  # the service warm
    times = []
    for i in range(2):
        t0 = time.perf_counter()
        _, paths = export_report(svc, "?tab=breadth", opts.work / f"r{i}", png=True)
        times.append(time.perf_counter() - t0)
    pngs = [p for p in paths if str(p).endswith(".png")]
    return [
        Row("T7", "PNG report of the Breadth tab, a serving process", times[1], "s", 3.0,
            "<=", f"{len(pngs)} PNGs + HTML; the process's first: {times[0]:.2f} s "
            "(starts its browser)"),
    ]  # fmt: skip


def measure(opts: Opts) -> list[Row]:
    """T3 and T7 rows (see the module's docstring)."""
    rows: list[Row] = []
    if not opts.browser or not Path("/usr/bin/chromium").exists():
        why = "--no-browser" if not opts.browser else "no /usr/bin/chromium"
        rows += [skipped("T3", "first load to all charts drawn, warm server", "s", why, 1.5),
                 skipped("T3", "first page: resources transferred", "MB", why, 2.0),
                 skipped("T3", "first page: callbacks transferred", "KB", why, 300.0),
                 skipped("T3", "RRG tab, click to chart drawn (warm)", "s", why, 0.5)]  # fmt: skip
    else:
        rows += page(opts)
    return rows + report(opts)


if __name__ == "__main__":
    from bench.apptools import build_store, machine
    from bench.targets import table

    work = Path(tempfile.mkdtemp(prefix="bench-page-"))
    try:
        source = build_store(work / "src")
        o = Opts(store=work / "src", real="real" in source, work=work / "w", quick=True)
        o.work.mkdir()
        print(machine())
        print(table(measure(o)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
