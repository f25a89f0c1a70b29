"""T2 cold and warm views, T5 worker memory: server time of the Dash callbacks in process
(Flask's test client through ``bench.apptools.DashClient``, the payloads the renderer sends),
on a copy of the bench store with four universes added (the real store holds only ``all``).

A view change = ``sync_url`` (control -> URL and stores) + ``update_charts`` (every Breadth
chart in one response). Cold universe: a universe this process has not computed; cold window:
a fast moving-average window it has not computed; warm: a view served before.

T5: the RSS of a gunicorn worker as deployed (``deploy/gunicorn.conf.py``: gthread, warm-up
on; one worker, the shared cache on disk instead of Redis, no per-client rate limit) after
100 distinct views (universes × windows × date ranges) over HTTP, read from its
/proc/PID/status. For continuity, the same views in this process (the method before: the
bench's own app, Flask's test client, ``app``'s module-level app beside it).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # standalone; under bench_all the parent sets the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.targets import Opts, Row

UNIVERSES = ("bench-half", "bench-quarter", "bench-tenth", "bench-third")


def rss_mb(field: str = "VmRSS", pid: int | str = "self") -> float:
    """A process's resident set, MB (this one's by default); ``field`` another line of
    /proc/PID/status, e.g. ``RssFile``: the part that is mapped files (libraries' code,
    shared with every other process that maps them, e.g. the other workers)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def prepare(opts: Opts) -> Path:
    """A copy of the bench store with ``UNIVERSES`` (every 2nd, 4th, 10th, 3rd ticker)."""
    from data.store import Store
    from data.universes import add_universe_file

    root = opts.work / "store"
    if not root.exists():
        shutil.copytree(opts.store, root)
    store = Store(root)
    tickers = sorted(store.last_dates().index.astype(str))
    for name, step in zip(UNIVERSES, (2, 4, 10, 3), strict=True):
        path = opts.work / f"{name}.txt"
        path.write_text("\n".join(tickers[::step]) + "\n")
        add_universe_file(store, name, path)
    return root


class Views:
    """A client that changes the page's controls: of an app in this process (``root`` and
    ``cache`` given), or of a server at ``base`` (http://host:port)."""

    def __init__(self, root: Path | None = None, cache: Path | None = None,
                 base: str = "") -> None:  # fmt: skip
        from bench.apptools import DashClient
        from components.ids import Ids

        self.ids = Ids
        if base:
            connect = partial(DashClient.over_http, base)
        else:
            from app import create_app
            from settings import load_settings

            settings = load_settings(data_dir=root, cache_dir=cache, redis_url="", warmup=False)
            self.app = create_app(settings)
            connect = partial(DashClient.over_flask, self.app.server)
        t0 = time.perf_counter()
        self.client = connect()  # the layout and dependencies requests
        self.layout_s = time.perf_counter() - t0  # the page's first requests, in a fresh app

    def change(self, cid: str, **props: Any) -> float:
        """Seconds of server time: sync_url then update_charts after a control change."""
        Ids = self.ids
        self.client.set(cid, **props)
        prop = next(iter(props))
        s = self.client.fire(f"{Ids.VIEW}.data", changed=[f"{cid}.{prop}"])
        c = self.client.fire(f"{Ids.PARTICIPATION}.figure", changed=[f"{Ids.VIEW}.data"])
        if s.status != 200 or c.status != 200:
            raise RuntimeError(f"callbacks answered {s.status}, {c.status}")
        return s.seconds + c.seconds

    def first(self) -> float:
        """Seconds of the first load's requests: the layout, then its callbacks as the page
        sends them (``DashClient.load``)."""
        load = self.client.load(f"{self.ids.PARTICIPATION}.figure")
        return self.layout_s + sum(r.seconds for r in load)


def measure(opts: Opts) -> list[Row]:
    """T2 and T5 rows (see the module's docstring)."""
    import multiprocessing

    child = multiprocessing.get_context("fork").Process(target=prepare, args=(opts,))
    child.start()  # in a child: reading the store to add universes stays out of this RSS
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"adding the bench universes failed (exit {child.exitcode})")
    root = opts.work / "store"
    v = Views(root, opts.work / "cache")
    Ids = v.ids
    rss0 = rss_mb()
    first = v.first()
    rss1 = rss_mb()
    cold_u = [v.change(Ids.UNIVERSE, value=u) for u in UNIVERSES[:2]]
    cold_w = [v.change(Ids.FAST, value=w) for w in (21, 23)]  # on the 2nd universe
    warm = [v.change(Ids.FAST, value=w) for w in (21, 23, 21, 23)]  # views served above
    note = "real R3000 proxy store" if opts.real else "demo store (real data absent)"
    rows = [
        Row("T2", "first load, server (cold process)", first, "s", None, "<=",
            f"layout, then the callbacks the page sends first; {note}"),
        Row("T2", "cold universe, server to all chart responses", max(cold_u), "s", 0.8,
            "<=", f"worst of {len(cold_u)}: " + ", ".join(f"{x:.2f}" for x in cold_u)),
        Row("T2", "cold MA window, server to all chart responses", max(cold_w), "s", 0.8,
            "<=", f"worst of {len(cold_w)}: " + ", ".join(f"{x:.2f}" for x in cold_w)),
        Row("T2", "warm view, server", statistics.median(warm), "s", 0.05, "<=",
            f"median of {len(warm)}"),
    ]  # fmt: skip
    # T5: distinct views until 100, in this process (the method before) and in a gunicorn worker
    t0 = time.perf_counter()
    n = hundred_views(v)
    in_process = (rss_mb(), time.perf_counter() - t0)
    rows += worker_rows(root, opts, note)
    rows += [
        Row("T5", f"RSS after the same {n} views in the bench's process", in_process[0], "MB",
            None, "<=", f"the method before: {in_process[1]:.0f} s of views; {rss1:.0f} MB "
            f"after the first, {rss0:.0f} MB before it"),
    ]  # fmt: skip
    return rows


def hundred_views(v: Views) -> int:
    """100 view changes after the first view (universes × fast windows × date ranges, each
    new to this client; the method of T5 before the gunicorn worker); how many."""
    import pandas as pd

    Ids = v.ids
    n = 0
    for fast in (20, 30, 40, 50, 60):
        for u in ("all", *UNIVERSES):
            v.change(Ids.UNIVERSE, value=u)
            v.change(Ids.FAST, value=fast)
            n += 1
            for years in (1, 3, 5):
                if n >= 100:
                    break
                end = v.client.props[Ids.DATES].get("end_date")
                start = (pd.Timestamp(end) - pd.DateOffset(years=years)).strftime("%Y-%m-%d")
                v.change(Ids.DATES, start_date=start)
                n += 1
    return n


def worker_rows(root: Path, opts: Opts, note: str) -> list[Row]:
    """T5 on a gunicorn worker as deployed (see the module's docstring)."""
    import os
    import subprocess

    import psutil
    import requests

    from bench.apptools import free_port, stop, wait_until

    code = Path.cwd()  # bench_all runs each group from the checkout it measures
    port = free_port()
    env = {**os.environ, "BREADTH_DATA_DIR": str(root), "BREADTH_REDIS_URL": "",
           "BREADTH_CACHE_DIR": str(opts.work / "worker-cache"), "BREADTH_APP_PORT": str(port),
           "BREADTH_WEB_WORKERS": "1", "BREADTH_RATE_COLD_VIEWS": ""}  # fmt: skip
    log = opts.work / "gunicorn-t5.log"
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(code / "deploy" / "gunicorn.conf.py")]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=code, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{base}/healthz", timeout=5).ok, 120, "gunicorn", proc)
        (worker,) = psutil.Process(proc.pid).children()

        def rss(field: str = "VmRSS") -> float:
            return rss_mb(field, worker.pid)

        started = rss()
        v = Views(base=base)
        v.first()
        first = rss()
        t0 = time.perf_counter()
        n = hundred_views(v)
        seconds = time.perf_counter() - t0
        return [
            Row("T5", f"gunicorn worker RSS after {n} distinct views", rss(), "MB", 300.0, "<=",
                f"{seconds:.0f} s of views over HTTP; {rss('RssFile'):.0f} MB of it mapped "
                f"files (code shared with other workers); {note}"),
            Row("T5", "gunicorn worker RSS after start / after the first view", first, "MB",
                None, "<=", f"{started:.0f} MB after start (warm-up threads may still run)"),
        ]  # fmt: skip
    finally:
        stop(proc)


if __name__ == "__main__":
    import tempfile

    from bench.apptools import build_store, machine
    from bench.targets import table

    work = Path(tempfile.mkdtemp(prefix="bench-views-"))
    try:
        source = build_store(work / "src")
        o = Opts(store=work / "src", real="real" in source, work=work / "w", quick=True)
        o.work.mkdir()
        print(machine())
        print(table(measure(o)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
