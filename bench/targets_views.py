"""T2 cold and warm views, T5 worker memory: server time of the Dash callbacks in process
(Flask's test client through ``bench.apptools.DashClient``, the payloads the renderer sends),
on a copy of the bench store with four universes added (the real store holds only ``all``).

A view change = ``sync_url`` (control -> URL and stores) + ``update_charts`` (every Breadth
chart in one response). Cold universe: a universe this process has not computed; cold window:
a fast moving-average window it has not computed; warm: a view served before. T5: RSS of this
process (one worker) after 100 distinct views (universes × windows × date ranges × tabs'
state), in a subprocess of its own so nothing else is in it.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # standalone; under bench_all the parent sets the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.targets import Opts, Row

UNIVERSES = ("bench-half", "bench-quarter", "bench-tenth", "bench-third")


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident set, MB; ``field`` another line of /proc/self/status, e.g.
    ``RssFile``: the part that is mapped files (libraries' code, shared with every other
    process that maps them, e.g. the other workers)."""
    for line in Path("/proc/self/status").read_text().splitlines():
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
    """One app in this process and a client that changes its controls."""

    def __init__(self, root: Path, cache: Path) -> None:
        from app import create_app
        from bench.apptools import DashClient
        from components.ids import Ids
        from settings import load_settings

        self.ids = Ids
        settings = load_settings(data_dir=root, cache_dir=cache, redis_url="", warmup=False)
        self.app = create_app(settings)
        self.client = DashClient.over_flask(self.app.server)

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
        """Seconds of the first load's callbacks."""
        Ids = self.ids
        s = self.client.fire(f"{Ids.VIEW}.data")
        c = self.client.fire(f"{Ids.PARTICIPATION}.figure")
        return s.seconds + c.seconds


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
        Row("T2", "first load, server (cold process)", first, "s", None, "<=", note),
        Row("T2", "cold universe, server to all chart responses", max(cold_u), "s", 0.8,
            "<=", f"worst of {len(cold_u)}: " + ", ".join(f"{x:.2f}" for x in cold_u)),
        Row("T2", "cold MA window, server to all chart responses", max(cold_w), "s", 0.8,
            "<=", f"worst of {len(cold_w)}: " + ", ".join(f"{x:.2f}" for x in cold_w)),
        Row("T2", "warm view, server", statistics.median(warm), "s", 0.05, "<=",
            f"median of {len(warm)}"),
    ]  # fmt: skip
    # T5: distinct views until 100 (universes × fast windows × date ranges)
    n = 0
    universes = ("all", *UNIVERSES)
    fasts = (20, 30, 40, 50, 60)
    t0 = time.perf_counter()
    for fast in fasts:
        for u in universes:
            v.change(Ids.UNIVERSE, value=u)
            v.change(Ids.FAST, value=fast)
            n += 1
            for years in (1, 3, 5):
                if n >= 100:
                    break
                end = v.client.props[Ids.DATES].get("end_date")
                import pandas as pd

                start = (pd.Timestamp(end) - pd.DateOffset(years=years)).strftime("%Y-%m-%d")
                v.change(Ids.DATES, start_date=start)
                n += 1
    rows += [
        Row(
            "T5",
            f"worker RSS after {n} distinct views",
            rss_mb(),
            "MB",
            300.0,
            "<=",
            f"{time.perf_counter() - t0:.0f} s of views; {rss_mb('RssFile'):.0f} MB of it "
            f"mapped files (code shared with other workers); {note}",
        ),
        Row(
            "T5",
            "RSS after start / after the first view",
            rss1,
            "MB",
            None,
            "<=",
            f"{rss0:.0f} MB before the first view",
        ),
    ]
    return rows


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
