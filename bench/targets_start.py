"""T4 cold start, in fresh copies of the code (its git-tracked files as they are on disk, no
``__pycache__``, so numba's cache is empty as in a fresh clone).

- The first CLI export: ``python cli.py export breadth --universe all`` on the bench store,
  the median of the first runs in three fresh copies vs the median of three warm runs (a
  fresh memo cache folder each run, so only compiled code is reused). One first run against
  the best of two warm ones read 1.5-2.7x for the same code in one hour on the 2-core
  bench machine (a warm run alone moved 1.35-2.06 s).
- The first ``python app.py``: an empty store (the demo is written), a free loopback port;
  seconds from the process start to the first load's chart callbacks answered over HTTP
  (what the page waits for); then a second start of the same copy for context.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__":  # standalone; under bench_all the parent sets the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.targets import Opts, Row


def code_root() -> Path:
    """The checkout whose ``app.py`` this process imports (``--code`` aware)."""
    spec = importlib.util.find_spec("app")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).resolve().parent


def fresh_copy(src: Path, dst: Path) -> Path:
    """The git-tracked files of ``src`` as on disk, copied to ``dst`` (no caches)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=src, capture_output=True,
                           check=True).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, names):
        if (src / name).is_file():
            (dst / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / name, dst / name)
    return dst


def export_once(clone: Path, store: Path, work: Path) -> float:
    """Wall seconds of one ``cli.py export breadth`` process with a fresh memo cache."""
    cache = Path(tempfile.mkdtemp(dir=work))
    env = {**os.environ, "BREADTH_DATA_DIR": str(store), "BREADTH_CACHE_DIR": str(cache),
           "PYTHONPATH": ""}  # fmt: skip
    env.pop("NUMBA_CACHE_DIR", None)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "cli.py", "export", "breadth", "--universe", "all",
                    "--out", str(cache / "out.csv")], cwd=clone, env=env, check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - t0


def app_start(clone: Path, work: Path, timeout: float = 180.0) -> float:
    """Seconds from ``python app.py`` starting to the first load's chart callbacks answered."""
    from bench.apptools import DashClient, free_port, stop
    from components.ids import Ids

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "BREADTH_PORT": str(port), "PYTHONPATH": "",
           "BREADTH_DATA_DIR": str(clone / ".breadth-data"),
           "BREADTH_CACHE_DIR": str(clone / ".breadth-cache")}  # fmt: skip
    env.pop("NUMBA_CACHE_DIR", None)
    log = (work / f"app-{port}.log").open("wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=clone, env=env, stdout=log,
                            stderr=subprocess.STDOUT)  # fmt: skip
    try:
        while time.perf_counter() - t0 < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"app.py exited {proc.returncode}; see {log.name}")
            with contextlib.suppress(Exception):
                c = DashClient.over_http(base, timeout=timeout)
                if all(r.status == 200 for r in c.load(f"{Ids.PARTICIPATION}.figure")):
                    return time.perf_counter() - t0
            time.sleep(0.2)
        raise TimeoutError(f"no charts after {timeout:.0f} s")
    finally:
        stop(proc)
        log.close()


def _each(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def measure(opts: Opts) -> list[Row]:
    """T4 rows (see the module's docstring)."""
    src = code_root()
    copies = [fresh_copy(src, opts.work / f"cli{i}") for i in range(3)]
    firsts = [export_once(c, opts.store, opts.work) for c in copies]
    warms = [export_once(copies[0], opts.store, opts.work) for _ in range(3)]
    first, warm = statistics.median(firsts), statistics.median(warms)
    app_copy = fresh_copy(src, opts.work / "app")
    start1 = app_start(app_copy, opts.work)
    start2 = app_start(app_copy, opts.work)
    store = "real R3000 proxy store" if opts.real else "demo store"
    return [
        Row("T4", "first CLI export in a fresh copy / warm", first / warm, "x", 2.0, "<=",
            f"medians of 3: first {first:.2f} s ({_each(firsts)}), warm {warm:.2f} s "
            f"({_each(warms)}); {store}"),
        Row("T4", "first python app.py in a fresh copy to charts", start1, "s", 15.0, "<=",
            f"demo written, kernels compiled; second start {start2:.1f} s"),
    ]  # fmt: skip


if __name__ == "__main__":
    from bench.apptools import build_store, machine
    from bench.targets import table

    work = Path(tempfile.mkdtemp(prefix="bench-start-"))
    try:
        source = build_store(work / "src")
        o = Opts(store=work / "src", real="real" in source, work=work / "w", quick=True)
        o.work.mkdir()
        print(machine())
        print(table(measure(o)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
