"""T3's first load, phase by phase, for A/B work on the page (not part of ``make bench``).

    python bench/page_phases.py [--store DIR] [--loads 3] [--rounds 2] [--code OLD_CHECKOUT]
                                [--latency-ms 40 --down-mbps 12]

Per round and per checkout (this one, then ``--code``'s, alternating): ``gunicorn -w 2`` on a
fresh server cache, one browser warms it, then ``--loads`` fresh browser profiles load the page.
Each load prints the seconds to every chart drawn, when the layout arrived, when the first
callback left, when the last answered, and the page's long tasks (ms). The last lines give the
median per checkout: one load moves ±0.2 s, as much as a small change (the T3 row of
``bench_all`` is a median of 3 fresh loads with ``--quick``, 5 without). The store defaults
to the bench store (the real close file when present). ``--latency-ms``/``--down-mbps``:
Chromium's network emulation on every load (round-trip latency added to each request, download
throughput), for what a user away from the server sees; default none (loopback).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

LONG_TASKS = """
window.__longTasks = [];
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { window.__longTasks.push([e.startTime, e.duration]); });
  }).observe({type: 'longtask', buffered: true});
} catch (e) {}
"""


def _here_bench_app() -> Any:
    """This checkout's bench/bench_app.py (``code``'s may be older than the options)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_app_here", ROOT / "bench" / "bench_app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def one_checkout(
    code: Path, store: Path, work: Path, loads: int, network: tuple[float, float] | None = None
) -> list[float]:
    """Seconds to all charts drawn of ``loads`` fresh profiles against ``code``'s app;
    ``network``: (latency ms, download Mbit/s) emulated, else loopback as is."""
    sys.path.insert(0, str(code))
    from bench.apptools import (
        DashClient,
        _walk,
        free_port,
        healthz,
        start_gunicorn,
        stop,
        wait_until,
    )
    from bench.bench_app import navigate, new_driver
    from components.charts import LINKED_GRAPHS

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    shutil.rmtree(work / "cache", ignore_errors=True)
    env = {"BREADTH_DATA_DIR": str(store), "BREADTH_CACHE_DIR": str(work / "cache"),
           "BREADTH_REDIS_URL": ""}  # fmt: skip
    proc = start_gunicorn(port, env, work, workers=2, log=work / "gunicorn.log")
    drawn: list[float] = []
    throttle = None  # Chromium's network emulation on each load's driver, if asked
    if network:
        latency_ms, down_mbps = network
        throttle = partial(_here_bench_app().emulate_network, latency_ms=latency_ms,
                           down_mbps=down_mbps)  # fmt: skip
    try:
        wait_until(lambda: healthz(base)[0] == 200, 90, "gunicorn /healthz", proc)
        layout = json.loads(DashClient.over_http(base).get("/_dash-layout"))
        linked = {str(i) for i in LINKED_GRAPHS}
        n = sum(1 for c in _walk(layout) if c["type"] == "Graph"
                and c.get("props", {}).get("id") in linked)  # fmt: skip
        warmer = new_driver()
        try:
            navigate(warmer, base + "/", n)
            navigate(warmer, base + "/", n)
        finally:
            warmer.quit()
        for _ in range(loads):
            d = new_driver()
            try:
                d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LONG_TASKS})
                if throttle is not None:
                    throttle(d)
                r = navigate(d, base + "/", n)
                tasks = d.execute_script("return window.__longTasks || []")
            finally:
                d.quit()
            drawn.append(r["drawn_s"])
            spans = [(round(s), round(t)) for s, t in tasks]
            print(f"  drawn {r['drawn_s']:.2f} s; layout {r['layout_received_s']:.2f}, first "
                  f"callback {r['first_callback_sent_s']:.2f}, last answer "
                  f"{r['callbacks_received_s']:.2f} s; long tasks (start, ms) {spans}, "
                  f"sum {sum(t for _, t in spans)} ms", flush=True)  # fmt: skip
    finally:
        stop(proc)
    return drawn


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--one"]:  # the child: one checkout, its load times as the last line
        code, store, work, loads, net = args[1:6]
        lat, _, mbps = net.partition(",")
        network = (float(lat), float(mbps)) if net else None
        drawn = one_checkout(Path(code), Path(store), Path(work), int(loads), network)
        print(json.dumps(drawn))
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--store", type=Path, default=None, help="store folder (default: bench store)")
    p.add_argument("--loads", type=int, default=3)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--code", type=Path, default=None, help="another checkout, measured in turn")
    p.add_argument("--latency-ms", type=float, default=None, help="emulated round-trip latency")
    p.add_argument("--down-mbps", type=float, default=None, help="emulated download Mbit/s")
    a = p.parse_args(args)
    work = Path(tempfile.mkdtemp(prefix="page-phases-"))
    try:
        store = a.store
        if store is None:
            sys.path.insert(0, str(ROOT))
            from bench.apptools import build_store

            print("store:", build_store(work / "store"))
            store = work / "store"
        codes = [ROOT] + ([a.code.resolve()] if a.code else [])
        net = "" if a.latency_ms is None and a.down_mbps is None else (
            f"{a.latency_ms or 0},{a.down_mbps or -1}")  # fmt: skip
        times: dict[Path, list[float]] = {c: [] for c in codes}
        for r in range(a.rounds):
            for code in codes:
                print(f"round {r + 1}, {code}:", flush=True)
                # each checkout in its own interpreter (its modules, its gunicorn); this
                # file runs there by path, so an older checkout needs no copy of it
                out = subprocess.run(
                    [sys.executable, str(Path(__file__).resolve()), "--one", str(code),
                     str(store), str(work), str(a.loads), net],
                    cwd=code, capture_output=True, text=True, check=True,
                    env={**os.environ, "PYTHONPATH": ""},
                )  # fmt: skip
                lines = out.stdout.rstrip().splitlines()
                print("\n".join(lines[:-1]))
                times[code] += json.loads(lines[-1])
        for code, ts in times.items():
            print(f"{code}: median {statistics.median(ts):.2f} s of {len(ts)} loads "
                  f"({', '.join(f'{t:.2f}' for t in ts)})")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
