"""A refresh stand-in for the load tests: swaps the store between two known contents.

``python bench/load_writer.py STORE LOG --writes N --interval S`` writes N new store versions,
S seconds apart, each through ``Store.write_prices`` (temp files, ``os.replace``, manifest last:
exactly what a refresh's commit does). The contents alternate: "B" scales the last stored
year's prices of every other ticker by 1.5, "A" writes the original values back. Each line of
LOG is ``{"version": ..., "label": "A"|"B"}``, written after the commit, so a test can say which
data every served version holds. ``--once A|B`` writes one version and exits.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from data.model import Prices  # noqa: E402
from data.store import Store  # noqa: E402

FACTOR = 1.5


def contents(store: Store, keep: Path) -> dict[str, Prices]:
    """{"A": the last stored year as first seen (kept in ``keep``), "B": every other ticker
    scaled by FACTOR}."""
    import pickle
    from datetime import date

    if keep.exists():
        a = pickle.loads(keep.read_bytes())
    else:
        last = date.fromisoformat(store.manifest()["last_date"])
        a = store.read_prices(fields=("close", "high", "low"), start=date(last.year, 1, 1))
        keep.write_bytes(pickle.dumps(a))
    scale = [FACTOR if i % 2 == 0 else 1.0 for i in range(len(a.tickers))]

    def scaled(frame: object) -> object:
        return None if frame is None else frame * scale  # type: ignore[operator]

    b = Prices(close=scaled(a.close), high=scaled(a.high), low=scaled(a.low))
    return {"A": a, "B": b}


def write(store: Store, prices: Prices) -> str:
    source = store.manifest().get("source", {})
    return store.write_prices(
        prices,
        source_kind=str(source.get("kind", "files")),
        source_label=str(source.get("label", "load test")),
        simulated=bool(store.manifest().get("simulated", False)),
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("store", type=Path)
    p.add_argument("log", type=Path)
    p.add_argument("--writes", type=int, default=6)
    p.add_argument("--interval", type=float, default=1.0)
    p.add_argument("--once", choices=["A", "B"])
    args = p.parse_args(argv)
    store = Store(args.store)
    both = contents(store, args.log.with_suffix(".A.pickle"))
    labels = [args.once] if args.once else ["B" if i % 2 == 0 else "A" for i in range(args.writes)]
    with args.log.open("a") as log:
        for i, label in enumerate(labels):
            if i:
                time.sleep(args.interval)
            version = write(store, both[label])
            log.write(json.dumps({"version": version, "label": label}) + "\n")
            log.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
