"""Load benchmark, full size: gunicorn -w 4 + Redis on the Russell 3000 proxy store.

``python bench/bench_load.py [--users 50] [--actions 6] [--repeats 3]`` builds the store like
bench_app (the real close file through ``data.jobs.import_files``, else the demo), starts
redis-server and gunicorn on loopback, warms every view, then runs ``repeats`` bounded load
runs (``bench.loadgen.run_load``) and one while ``bench/load_writer.py`` swaps the store, and
prints p50/p95/p99, throughput, errors, mixed versions and worker RSS after each run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.apptools import build_store, machine  # noqa: E402
from bench.loadgen import mixed_versions, run_load, warm_up  # noqa: E402

LIGHT = ("sync_init", "sync_range", "charts_range", "sync_view")
FULL = ("charts_init", "charts_view")


def _rss(pids: list[int]) -> list[float]:
    import psutil

    return [round(psutil.Process(p).memory_info().rss / 2**20, 1) for p in pids]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--actions", type=int, default=6)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--think", type=float, nargs=2, default=(4.0, 10.0))
    args = p.parse_args(argv)
    from data.store import Store
    from tests.integration.reliability_servers import served

    out: dict[str, object] = {"machine": machine(), "args": vars(args)}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        out["store"] = build_store(work / "store") + f" ({time.perf_counter() - t0:.0f} s)"
        universes = ["all", *(u.name for u in Store(work / "store").list_universes())][:3]
        print(json.dumps(out), flush=True)
        with served(work, work / "store", workers=args.workers) as srv:
            t0 = time.perf_counter()
            warm_up(srv.base, universes, timeout=300)
            out["warm_up_s"] = round(time.perf_counter() - t0, 1)
            runs = []
            for i in range(args.repeats + 1):
                writer = None
                if i == args.repeats:  # the last run: while the store is swapped
                    cmd = [sys.executable, str(ROOT / "bench" / "load_writer.py"),
                           str(work / "store"), str(work / "writes.jsonl"), "--writes", "6",
                           "--interval", "5"]  # fmt: skip
                    writer = subprocess.Popen(cmd, cwd=ROOT)
                res = run_load(srv.base, users=args.users, actions=args.actions,
                               universes=universes, think_s=(args.think[0], args.think[1]), seed=i,
                               deadline_s=900)  # fmt: skip
                if writer is not None:
                    writer.wait(600)
                row = {"run": i, "swapping": writer is not None, "all": res.summary(),
                       "light": res.summary(LIGHT), "full": res.summary(FULL),
                       "mixed": len(mixed_versions(res.records)),
                       "worker_rss_mib": _rss(srv.workers())}  # fmt: skip
                print(json.dumps(row), flush=True)
                runs.append(row)
            out["runs"] = runs
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"bench_load-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(
        json.dumps(out, indent=1, default=str)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
