"""Every #16 speed target in one run: ``make bench`` (= ``python bench/bench_all.py``).

    python bench/bench_all.py [--only T1,T3] [--quick] [--no-browser] [--scale]
                              [--code DIR] [--json FILE]

Builds one store (``bench.apptools.build_store``: the real close file when present, else the
demo at the real proxy's size), then runs each group of targets in its own subprocess
(memory isolation: T5 reads its own RSS; a crash is a row saying so, not the end of the run)
and prints one table with the machine and its load. The table and JSON go to bench/results/
(git-ignored). ``--code DIR`` measures another checkout's code with this checkout's bench
code (a temp copy of ``bench/`` first on ``sys.path``, then DIR): the before/after tables.
``--scale`` adds T6 (10,000 tickers × 30 years; ~4 minutes, ~4 GB of RAM: the import
peaks at 3.6-3.8 GB, 8.7 GB at d44e836).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kernel": ("bench.targets_kernel", ("T1",)),
    "views": ("bench.targets_views", ("T2", "T5")),
    "page": ("bench.targets_page", ("T3", "T7")),
    "start": ("bench.targets_start", ("T4",)),
    "scale": ("bench.targets_scale", ("T6",)),
}
"""Group name -> (module with ``measure(opts) -> list[Row]``, the targets it measures)."""

CHILD_TIMEOUT_S = 1800.0


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (see the module's docstring)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--only", default="", help="targets to run, e.g. T1,T3 (default: all)")
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    p.add_argument("--no-browser", action="store_true", help="skip headless Chromium")
    p.add_argument("--scale", action="store_true", help="run T6 (~4 minutes, ~4 GB RAM)")
    p.add_argument("--code", type=Path, default=None, help="measure this checkout's code")
    p.add_argument("--json", type=Path, default=None, help="also write the rows here")
    p.add_argument("--child", default="", help=argparse.SUPPRESS)  # a module to measure
    p.add_argument("--opts", default="", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def groups_for(only: str) -> list[str]:
    """The groups that measure any of the targets in ``only`` ("" = every group)."""
    wanted = {t.strip().upper() for t in only.split(",") if t.strip()}
    unknown = wanted - {t for _, ts in GROUPS.values() for t in ts}
    if unknown:
        raise SystemExit(f"bench_all: unknown target(s) {', '.join(sorted(unknown))} (T1–T7)")
    return [g for g, (_, ts) in GROUPS.items() if not wanted or wanted & set(ts)]


def child_path(code: Path | None, work: Path) -> list[str]:
    """``sys.path`` head for a child: this bench code, then the measured code."""
    if code is None:
        return [str(ROOT)]
    copy = work / "bench-code"
    shared = ROOT.parent / "shared"  # the bench modules find ../shared beside their code
    work.mkdir(parents=True, exist_ok=True)
    if shared.exists() and not (work / "shared").exists():
        (work / "shared").symlink_to(shared)
    if not (copy / "bench").exists():
        shutil.copytree(
            HERE, copy / "bench", ignore=shutil.ignore_patterns("results", "__pycache__")
        )
    return [str(copy), str(code.resolve())]


def run_group(
    group: str, opts: Any, path: list[str], timeout: float = CHILD_TIMEOUT_S
) -> list[Any]:
    """Run one group in a subprocess; its rows, or one row saying why there are none."""
    from bench.targets import Row, skipped

    module, targets = GROUPS[group]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    cmd = [sys.executable, str(HERE / "bench_all.py"), "--child", module,
           "--opts", json.dumps({k: str(v) if isinstance(v, Path) else v
                                 for k, v in asdict(opts).items()})]  # fmt: skip
    cwd = path[-1]
    try:
        done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True,
                              timeout=timeout)  # fmt: skip
    except subprocess.TimeoutExpired:
        return [skipped(targets[0], f"{group} group", "", f"timed out after {timeout:.0f} s")]
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("ROWS ")]
    if done.returncode != 0 or not lines:
        err = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
        why = err[-1][:160] if err else f"exit {done.returncode}"
        return [skipped(targets[0], f"{group} group crashed", "", why)]
    return [Row(**r) for r in json.loads(lines[-1][5:])]


def child(module: str, raw_opts: str) -> int:
    """In the subprocess: import a group's module from the path and measure."""
    from bench.targets import Opts, Row

    data = json.loads(raw_opts)
    for key in ("store", "work"):
        data[key] = Path(data[key])
    opts = Opts(**data)
    rows: list[Row] = importlib.import_module(module).measure(opts)
    print("ROWS " + json.dumps([asdict(r) for r in rows]), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.child:
        sys.path[:0] = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        return child(args.child, args.opts)
    sys.path.insert(0, str(ROOT))
    from bench.apptools import build_store, machine
    from bench.targets import Opts, table, to_json

    groups = groups_for(args.only)
    work = Path(tempfile.mkdtemp(prefix="bench-all-"))
    code = args.code.resolve() if args.code else None
    path = child_path(code, work)
    try:
        t0 = time.perf_counter()
        source = build_store(work / "store")
        print(f"store: {source} ({time.perf_counter() - t0:.0f} s)", flush=True)
        rows = []
        for group in groups:
            opts = Opts(
                store=work / "store",
                real="real" in source,
                work=work / group,
                quick=args.quick,
                browser=not args.no_browser,
                scale=args.scale,
            )
            opts.work.mkdir(parents=True, exist_ok=True)
            t1 = time.perf_counter()
            got = run_group(group, opts, path)
            print(f"{group}: {len(got)} rows in {time.perf_counter() - t1:.0f} s", flush=True)
            rows += got
        load = os.getloadavg()
        head = (f"machine: {machine()}\nload average at the end: {load[0]:.2f} {load[1]:.2f} "
                f"{load[2]:.2f}\ncode measured: {code or ROOT}\nstore: {source}")  # fmt: skip
        text = head + "\n\n" + table(rows)
        print("\n" + text)
        out = HERE / "results"
        out.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        (out / f"bench-all-{stamp}.txt").write_text(text + "\n")
        blob = to_json(rows, head)
        (out / f"bench-all-{stamp}.json").write_text(blob)
        if args.json:
            args.json.write_text(blob)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
