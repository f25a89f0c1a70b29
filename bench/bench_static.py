"""Server CPU to send the page's scripts, compressed, per first page load: static files
compressed once per worker (server/static_compress.py) against compressed on every request.

Run as ``python bench/bench_static.py``. One app in this process (a small demo store in a
temp folder; the scripts do not depend on the data) over Flask's test client: every script of
the index, with ``Accept-Encoding: br`` and then ``gzip``, in rounds; CPU seconds
(``time.process_time``) per round. "every request" is the same app with flask-compress's
cache turned off (its backend set to None: the files are then compressed on each request,
read whole as with the cache). The first round fills the cache and is shown apart; the
figure is the median of the next rounds.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROUNDS = 6


def scripts(client: Any) -> list[str]:
    """The script URLs of the page's index."""
    return re.findall(r'<script src="([^"]+)"', client.get("/").get_data(as_text=True))


def rounds(client: Any, paths: list[str], encoding: str) -> tuple[list[float], int]:
    """(CPU seconds per round over every script, bytes sent in the last round)."""
    out, sent = [], 0
    for _ in range(ROUNDS):
        t0, sent = time.process_time(), 0
        for path in paths:
            r = client.get(path, headers={"Accept-Encoding": encoding})
            assert r.status_code == 200, (path, r.status_code)
            sent += len(r.data)
        out.append(time.process_time() - t0)
    return out, sent


def main() -> None:
    from app import create_app
    from bench.apptools import compressor, machine
    from data.jobs import load_demo
    from data.store import Store
    from settings import load_settings

    with tempfile.TemporaryDirectory(prefix="bench-static-") as tmp:
        load_demo(Store(Path(tmp) / "store"), seed=1, n_tickers=60, years=2)
        settings = load_settings(env={}, data_dir=Path(tmp) / "store",
                                 cache_dir=Path(tmp) / "cache", warmup=False)  # fmt: skip
        app = create_app(settings)
        compress = compressor(app.server)
        client = app.server.test_client()
        paths = scripts(client)
        print(machine())
        print(f"{len(paths)} scripts; CPU seconds per first page load's scripts, "
              f"median of rounds 2-{ROUNDS} (round 1 apart)")  # fmt: skip
        cache = compress.cache
        for encoding in ("br", "gzip"):
            compress.cache = None
            every, sent_every = rounds(client, paths, encoding)
            compress.cache = cache
            once, sent_once = rounds(client, paths, encoding)
            e, o = statistics.median(every[1:]), statistics.median(once[1:])
            print(f"  {encoding:4s} every request {e:.3f} s (round 1 {every[0]:.3f}), "
                  f"once per worker {o:.3f} s (round 1 {once[0]:.3f}): {e / o:.1f}x less; "
                  f"{sent_once / 1e6:.2f} MB sent ({sent_every / 1e6:.2f} MB)")  # fmt: skip


if __name__ == "__main__":
    main()
