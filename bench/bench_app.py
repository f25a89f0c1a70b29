"""App benchmark: callback server time, bytes of the initial load, browser time to all charts.

Run as ``python bench/bench_app.py [--store DIR] [--runs N] [--no-browser]``.

Without ``--store`` it builds a temp store the size of the real Russell 3000 proxy: the real close
file (../shared/data/us_close_2013_2026/prices.parquet, imported with ``data.jobs.import_files``)
when present, else the simulated demo at 3,000 tickers × 13 years. Then:

(a) server time of the Dash callbacks, in process: POSTs to ``/_dash-update-component`` through
    Flask's test client (the whole Dash dispatch and JSON encoding; no socket), built from
    ``/_dash-layout`` and ``/_dash-dependencies`` the way the renderer builds them. The
    date-range change is ``sync_url`` (date control -> URL and RANGE store) followed by
    ``update_charts`` (RANGE -> axis patches and the rotation chart), with a warm cache.
(b) bytes of every ``/_dash-update-component`` response of the initial page load (raw JSON;
    gzip size shown for a proxy that compresses), in process and as Chromium saw them.
(c) navigation to every ``.js-plotly-plot`` drawn, in headless Debian Chromium via Selenium,
    against ``gunicorn -w 2`` on 127.0.0.1: cold (fresh server caches, fresh browser profile)
    and warm (the same browser navigating again).

``DashClient`` and the process helpers live in bench/apptools.py (shared with the tests).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.apptools import (  # noqa: E402
    ROOT,
    DashClient,
    Response,
    _walk,
    build_store,
    free_port,
    healthz,
    machine,
    start_gunicorn,
    stop,
    wait_until,
)

TARGETS = {"range_ms": 30.0, "initial_bytes": 1_000_000, "cold_s": 3.0, "warm_s": 1.0}


def in_process(store: Path, cache_dir: Path, runs: int) -> dict[str, Any]:
    """(a) and (b) through Flask's test client (FileSystemCache in a temp folder)."""
    from app import create_app
    from components.ids import Ids
    from server.routes import register_routes
    from settings import load_settings

    app = create_app(load_settings(data_dir=store, cache_dir=cache_dir, redis_url=""))
    if "healthz" not in app.server.view_functions:
        register_routes(app.server)
    svc = app.server.extensions["breadth_service"]
    out: dict[str, Any] = {}

    def initial_load() -> tuple[DashClient, list[Response]]:
        c = DashClient.over_flask(app.server)
        return c, c.load(f"{Ids.PARTICIPATION}.figure")

    t0 = time.perf_counter()
    client, _ = initial_load()
    out["cold_initial_s"] = time.perf_counter() - t0
    out["cold_stats"] = dict(svc.stats)
    warm = [initial_load()[1] for _ in range(3)][-1]
    out["warm_initial_ms"] = 1000 * sum(r.seconds for r in warm)
    out["initial_bytes"] = sum(len(r.body) for r in warm)
    out["initial_gzip_bytes"] = sum(len(gzip.compress(r.body, 6)) for r in warm)
    out["initial_parts"] = " / ".join(f"{len(r.body):,}" for r in warm)  # [sync_url,] charts

    # (a) date-range changes: the date control fires sync_url, whose RANGE output fires
    # update_charts; each start date is new to the view, the service's frames are warm.
    first = client.props[Ids.DATES].get("min_date_allowed")
    last = client.props[Ids.DATES].get("max_date_allowed") or client.props[Ids.DATES]["end_date"]
    import pandas as pd

    lo = pd.Timestamp(first) if first else pd.Timestamp(last) - pd.DateOffset(years=10)
    starts = pd.date_range(lo, pd.Timestamp(last) - pd.Timedelta(days=40), periods=runs + 3)
    sync_ms, charts_ms, sizes = [], [], []
    for i, start in enumerate(starts):
        client.set(Ids.DATES, start_date=f"{start:%Y-%m-%d}")
        s = client.fire(f"{Ids.RANGE}.data", changed=[f"{Ids.DATES}.start_date"])
        c = client.fire(f"{Ids.PARTICIPATION}.figure", changed=[f"{Ids.RANGE}.data"])
        assert s.status == 200 and c.status == 200, (s.status, c.status)
        if i >= 3:  # the first few warm up code paths
            sync_ms.append(1000 * s.seconds)
            charts_ms.append(1000 * c.seconds)
            sizes.append(len(s.body) + len(c.body))
    out["range_sync_ms"] = statistics.median(sync_ms)
    out["range_charts_ms"] = statistics.median(charts_ms)
    total = [a + b for a, b in zip(sync_ms, charts_ms, strict=True)]
    out["range_total_ms"] = statistics.median(total)
    out["range_total_p90_ms"] = float(np.percentile(total, 90))
    out["range_bytes"] = statistics.median(sizes)
    out["n_range_runs"] = len(total)
    return out


RECORDER = """
(() => {
  const expected = %d;
  const drawn = (gd) => {
    const traces = gd.querySelectorAll('.cartesianlayer .trace, .gl-container canvas').length;
    const notes = ((gd._fullLayout || {}).annotations || []).length;
    return ((gd._fullData || []).length > 0 && traces > 0) || (gd.data && notes > 0);
  };
  const check = () => {
    // charts of hidden tabs never draw: wait for the visible ones
    const plots = [...document.querySelectorAll('.js-plotly-plot')]
      .filter(p => p.offsetParent !== null);
    if (plots.length >= expected && plots.every(drawn)
        && !document.querySelector('[data-dash-is-loading="true"]')) {
      window.__drawnAt = performance.now();
      window.__drawnPlots = plots.map(p => [p.parentElement.id, (p._fullData || []).length]);
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""

RESOURCES = """
return performance.getEntriesByType('resource')
  .filter(e => e.name.includes('/_dash-update-component'))
  .map(e => [e.transferSize, e.encodedBodySize, e.decodedBodySize, e.startTime, e.responseEnd]);
"""

LAYOUT_DONE = """
const e = performance.getEntriesByType('resource').find(e => e.name.includes('/_dash-layout'));
return e ? e.responseEnd : null;
"""


def new_driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1440,1800"):  # fmt: skip
        opts.add_argument(arg)
    opts.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


NETWORK = (40.0, 12.0)
"""A user away from the server, for the page benches' context rows: 40 ms of round-trip
latency added to every request, 12 Mbit/s down (Chromium's network emulation)."""


def emulate_network(driver: Any, latency_ms: float, down_mbps: float) -> None:
    """Chromium's network emulation on ``driver`` from now on: ``latency_ms`` added to each
    request, downloads at ``down_mbps`` (<= 0: not throttled); uploads not throttled."""
    down = down_mbps * 1e6 / 8 if down_mbps > 0 else -1  # bytes/s; -1: not throttled
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False,
                           "latency": latency_ms, "downloadThroughput": down,
                           "uploadThroughput": -1})  # fmt: skip


def navigate(driver: Any, url: str, n_graphs: int, timeout: float = 90.0) -> dict[str, Any]:
    """Load ``url``; seconds from navigation start to every graph drawn (page clock)."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER % n_graphs})
    t0 = time.perf_counter()
    driver.get(url)
    deadline = time.monotonic() + timeout
    while (at := driver.execute_script("return window.__drawnAt || null")) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"charts not drawn after {timeout:.0f} s")
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    res = driver.execute_script(RESOURCES)
    layout = driver.execute_script(LAYOUT_DONE)
    return {
        "drawn_s": at / 1000.0,
        "layout_received_s": (layout or 0) / 1000.0,
        "first_callback_sent_s": min((r[3] for r in res), default=0) / 1000.0,
        "callbacks_received_s": max((r[4] for r in res), default=0) / 1000.0,
        "wall_s": wall,
        "plots": driver.execute_script("return window.__drawnPlots"),
        "update_requests": len(res),
        "update_decoded_bytes": int(sum(r[2] for r in res)),
        "update_transfer_bytes": int(sum(r[0] for r in res)),
    }


def in_browser(store: Path, work: Path, runs: int) -> dict[str, Any]:
    """(c): gunicorn -w 2 with a fresh FileSystemCache, then Chromium cold and warm."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cache = work / "browser-cache"
    env = {"BREADTH_DATA_DIR": str(store), "BREADTH_CACHE_DIR": str(cache), "BREADTH_REDIS_URL": ""}
    proc = start_gunicorn(port, env, work, workers=2, log=work / "gunicorn.log")
    driver = None
    out: dict[str, Any] = {}
    try:
        wait_until(lambda: healthz(base)[0] == 200, 60, "gunicorn /healthz", proc)
        layout = json.loads(DashClient.over_http(base).get("/_dash-layout"))
        from components.charts import LINKED_GRAPHS

        linked = {str(i) for i in LINKED_GRAPHS}  # the default (Breadth) tab's charts
        graphs = [c for c in _walk(layout) if c["type"] == "Graph"]
        n_graphs = sum(1 for c in graphs if c.get("props", {}).get("id") in linked)
        out["n_graphs"] = n_graphs
        driver = new_driver()
        out["cold"] = navigate(driver, base + "/", n_graphs)
        warm = [navigate(driver, base + "/", n_graphs) for _ in range(runs)]
        out["warm"] = min(warm, key=lambda r: r["drawn_s"])
        out["warm_median_s"] = statistics.median(r["drawn_s"] for r in warm)
        driver.quit()
        driver = new_driver()  # a fresh profile against the warm server
        out["cold_browser_warm_server"] = navigate(driver, base + "/", n_graphs)
    finally:
        if driver is not None:
            with contextlib.suppress(Exception):
                driver.quit()
        stop(proc)
    return out


def report(source: str, proc: dict[str, Any], browser: dict[str, Any] | None) -> str:
    rows: list[tuple[str, str, str]] = [
        ("date-range change, server (sync_url + update_charts), median",
         f"{proc['range_total_ms']:.1f} ms", f"≤ {TARGETS['range_ms']:.0f} ms"),
        ("  of which sync_url / update_charts (patches + rotation)",
         f"{proc['range_sync_ms']:.1f} / {proc['range_charts_ms']:.1f} ms", ""),
        ("  p90 over the runs", f"{proc['range_total_p90_ms']:.1f} ms", ""),
        ("  response bytes per change", f"{proc['range_bytes']:,.0f} B", ""),
        ("initial load: callback responses (raw JSON)", f"{proc['initial_bytes']:,} B",
         f"≤ {TARGETS['initial_bytes']:,} B"),
        ("  [sync_url / ] update_charts (the sync: older code)", f"{proc['initial_parts']} B",
         ""),
        ("  the same gzip-compressed (by a proxy)", f"{proc['initial_gzip_bytes']:,} B", ""),
        ("initial callbacks, server, cold cache (incl. store read)",
         f"{proc['cold_initial_s']:.2f} s", ""),
        ("initial callbacks, server, warm cache", f"{proc['warm_initial_ms']:.0f} ms", ""),
    ]  # fmt: skip
    if browser:
        cold, warm, cb = browser["cold"], browser["warm"], browser["cold_browser_warm_server"]
        rows += [
            (f"browser: navigation to all {browser['n_graphs']} charts drawn, cold",
             f"{cold['drawn_s']:.2f} s", f"≤ {TARGETS['cold_s']:.0f} s"),
            ("browser: same, warm (best; median)", f"{warm['drawn_s']:.2f} s; "
             f"{browser['warm_median_s']:.2f} s", f"≤ {TARGETS['warm_s']:.0f} s"),
            ("  warm: layout in / callbacks sent / responses in / drawn",
             f"{warm['layout_received_s']:.2f} / {warm['first_callback_sent_s']:.2f} / "
             f"{warm['callbacks_received_s']:.2f} / {warm['drawn_s']:.2f} s", ""),
            ("  cold: layout in / callbacks sent / responses in / drawn",
             f"{cold['layout_received_s']:.2f} / {cold['first_callback_sent_s']:.2f} / "
             f"{cold['callbacks_received_s']:.2f} / {cold['drawn_s']:.2f} s", ""),
            ("browser: fresh profile, warm server", f"{cb['drawn_s']:.2f} s", ""),
            ("browser: /_dash-update-component bytes (decoded)",
             f"{warm['update_decoded_bytes']:,} B in {warm['update_requests']} requests", ""),
        ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    lines = [f"{'measure':<{width}}  {'measured':>26}  target", "-" * (width + 40)]
    lines += [f"{a:<{width}}  {b:>26}  {c}" for a, b, c in rows]
    return "\n".join(lines) + f"\nstore: {source}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="an existing store (default: build one)")
    parser.add_argument("--runs", type=int, default=20, help="date-range changes timed")
    parser.add_argument("--browser-runs", type=int, default=5, help="warm navigations")
    parser.add_argument("--no-browser", action="store_true", help="skip (c)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        work = Path(tmp)
        if args.store:
            store, source = args.store.resolve(), f"--store {args.store}"
        else:
            store = work / "store"
            t0 = time.perf_counter()
            source = build_store(store)
            source += f", built in {time.perf_counter() - t0:.1f} s"
        from data.store import Store

        m = Store(store).manifest()
        source += (f"; {m.get('n_tickers', 0):,} tickers, {m.get('first_date')}.."
                   f"{m.get('last_date')}")  # fmt: skip
        print(f"machine: {machine()}", flush=True)
        print(f"store: {source}", flush=True)
        proc = in_process(store, work / "cache", args.runs)
        browser = None
        if not args.no_browser and shutil.which("/usr/bin/chromium"):
            browser = in_browser(store, work, args.browser_runs)
        print()
        print(report(source, proc, browser))
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        name = results / f"bench_app-{time.strftime('%Y%m%dT%H%M%S')}.json"
        name.write_text(json.dumps({"machine": machine(), "store": source, "in_process": proc,
                                    "browser": browser}, indent=1, default=str))  # fmt: skip
        print(f"details: {name.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
