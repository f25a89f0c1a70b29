"""A bounded load generator: simulated users driving the Dash callbacks over HTTP.

Threads + ``requests`` (httpx is not installed; locust's urllib3 pin conflicts with
``dash[testing]``). Each of ``users`` threads plays ``actions`` steps, then stops: a fixed
number of requests, never an open-ended loop, and every request has a timeout.

A user opens a link (``GET /``, ``/_dash-layout``, ``/_dash-dependencies``, then the two
initial callbacks), then, with a think time between steps, changes the date range, the
universe, the options (windows, highs, McClellan) or opens another shared link. Payloads are
built by ``bench.apptools.DashClient`` from the app's own layout and dependencies, as the
renderer builds them.

Every response is recorded with its kind, status, latency and ``X-Data-Version``; a full
chart response also keeps a digest of the participation figure's data and the view it shows,
so ``mixed_versions`` can check that one version never came with two different data. Only
responses that carry chart data are digested: a date-range change answers with a Patch (no
``data``), and a callback refused by the fair-use budget (``X-Breadth-Rate-Limited``, status
200) answers with a message chart; neither says anything about the data of its version.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from bench.apptools import SYNC, DashClient, referer

VERSION_HEADER = "X-Data-Version"
LIMITED_HEADER = "X-Breadth-Rate-Limited"  # fair_use.HEADER: a refused callback (status 200)
CHARTS = "chart-participation.figure"  # update_charts
OPTION_SETS: tuple[tuple[int, int, str, str], ...] = (
    (50, 200, "intraday", "classic"),
    (20, 100, "intraday", "ratio"),
    (50, 200, "close", "classic"),
)


@dataclass
class Record:
    kind: str
    status: int
    seconds: float
    version: str = ""
    view: str = ""
    digest: str = ""
    error: str = ""
    t: float = 0.0
    limited: str = ""
    """The budget that refused this request (its message chart carries no data), or ""."""


@dataclass
class LoadResult:
    records: list[Record] = field(default_factory=list)
    wall_s: float = 0.0

    def latencies(self, kinds: Sequence[str] | None = None) -> np.ndarray:
        ok = [r for r in self.records if r.status == 200 and (kinds is None or r.kind in kinds)]
        return np.array([r.seconds for r in ok], dtype=float)

    def errors(self) -> list[Record]:
        return [r for r in self.records if r.status not in (200, 204)]

    def summary(self, kinds: Sequence[str] | None = None) -> dict[str, Any]:
        lat = self.latencies(kinds)
        pct = (lambda q: float(np.percentile(lat, q) * 1000)) if len(lat) else (lambda q: 0.0)
        return {
            "requests": len(self.records),
            "errors": len(self.errors()),
            "measured": len(lat),
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "max_ms": float(lat.max() * 1000) if len(lat) else 0.0,
            "throughput_rps": len(self.records) / self.wall_s if self.wall_s else 0.0,
            "wall_s": self.wall_s,
            "versions": sorted({r.version for r in self.records if r.version}),
        }


def figure_digest(values: dict[str, Any]) -> str:
    """sha1 of the participation figure's traces (data only, not the layout); "" when the
    response carries no figure data (a Patch of the date range has no ``data``)."""
    fig = values.get("chart-participation", {}).get("figure")
    if not isinstance(fig, dict) or "data" not in fig:
        return ""
    return hashlib.sha1(json.dumps(fig.get("data"), sort_keys=True).encode()).hexdigest()[:16]


def response_digest(headers: Mapping[str, str], content: bytes) -> str:
    """``figure_digest`` of a 200 callback response; "" for one refused by a fair-use budget
    (its charts are messages, whatever the data of its version)."""
    if headers.get(LIMITED_HEADER):
        return ""
    return figure_digest(json.loads(content).get("response", {}))


def view_key(client: DashClient) -> str:
    """What a full chart response depends on besides the data: the VIEW and RANGE stores."""
    view = client.props.get("view-state", {}).get("data")
    rng = client.props.get("view-range", {}).get("data")
    return json.dumps([view, rng], sort_keys=True)


def mixed_versions(records: Sequence[Record]) -> dict[tuple[str, str], set[str]]:
    """(version, view) pairs whose full-chart responses carried more than one digest."""
    seen: dict[tuple[str, str], set[str]] = {}
    for r in records:
        if r.digest:
            seen.setdefault((r.version, r.view), set()).add(r.digest)
    return {k: v for k, v in seen.items() if len(v) > 1}


class _User:
    """One simulated user over one ``requests.Session``."""

    def __init__(self, base: str, rng: random.Random, universes: Sequence[str], out: list[Record],
                 lock: threading.Lock, timeout: float, t0: float) -> None:  # fmt: skip
        import requests

        self.base, self.rng, self.universes = base, rng, list(universes)
        self.out, self.lock, self.timeout, self.t0 = out, lock, timeout, t0
        self.http = requests.Session()
        self.client: DashClient | None = None
        self._kind = ""

    def _record(self, rec: Record) -> None:
        rec.t = time.monotonic() - self.t0
        with self.lock:
            self.out.append(rec)

    def _get(self, path: str) -> bytes:
        t = time.perf_counter()
        r = self.http.get(self.base + path, timeout=self.timeout)
        self._record(Record("page", r.status_code, time.perf_counter() - t,
                            r.headers.get(VERSION_HEADER, "")))  # fmt: skip
        r.raise_for_status()
        return r.content

    def _post(self, path: str, body: dict[str, Any]) -> tuple[int, bytes]:
        t = time.perf_counter()
        r = self.http.post(self.base + path, json=body, timeout=self.timeout)
        rec = Record(self._kind, r.status_code, time.perf_counter() - t,
                     r.headers.get(VERSION_HEADER, ""))  # fmt: skip
        rec.limited = r.headers.get(LIMITED_HEADER, "")
        if r.status_code == 200 and self._kind.startswith("charts"):
            rec.digest = response_digest(r.headers, r.content)
            rec.view = self._view_key()
        elif r.status_code not in (200, 204):
            rec.error = r.text[:200]
        self._record(rec)
        return r.status_code, r.content

    def _view_key(self) -> str:
        assert self.client is not None
        return view_key(self.client)

    def _fire(self, kind: str, output: str, changed: list[str] | None = None) -> dict[str, Any]:
        assert self.client is not None
        self._kind = kind
        try:
            return self.client.fire(output, changed).values
        except RuntimeError:
            return {}  # recorded by _post as an error

    def open_link(self, search: str) -> None:
        self._get("/")
        self.http.headers["Referer"] = referer(self.base, search)  # the page's address
        self.client = DashClient(self._get, self._post, search)
        if not self.client.shows_address:  # as DashClient.load, each request recorded
            self._fire("sync_init", SYNC)
        self._fire("charts_init", CHARTS)

    def change_dates(self) -> None:
        assert self.client is not None
        dates = self.client.props.get("date-range", {})
        lo, hi = dates.get("min_date_allowed"), dates.get("max_date_allowed")
        if not lo or not hi:
            return
        first, last = date.fromisoformat(str(lo)[:10]), date.fromisoformat(str(hi)[:10])
        start = first + timedelta(days=self.rng.randrange(0, max(1, (last - first).days - 60)))
        self.client.set("date-range", start_date=start.isoformat())
        out = self._fire("sync_range", "view-range.data", ["date-range.start_date"])
        if "view-range" in out:
            self._fire("charts_range", CHARTS, ["view-range.data"])

    def _after_view_change(self, changed: str) -> None:
        out = self._fire("sync_view", SYNC, [changed])
        if "view-state" in out:
            self._fire("charts_view", CHARTS, ["view-state.data"])

    def change_universe(self) -> None:
        assert self.client is not None
        self.client.set("universe", value=self.rng.choice(self.universes))
        self._after_view_change("universe.value")

    def change_options(self) -> None:
        assert self.client is not None
        fast, slow, highs, mcc = self.rng.choice(OPTION_SETS)
        self.client.set("ma-fast", value=fast)
        self.client.set("ma-slow", value=slow)
        self.client.set("highs-mode", value=highs)
        self.client.set("mcclellan-mode", value=mcc)
        self._after_view_change("ma-slow.value")

    def shared_link(self) -> None:
        fast, slow, highs, mcc = self.rng.choice(OPTION_SETS)
        u = self.rng.choice(self.universes)
        self.open_link(f"?u={u}&fast={fast}&slow={slow}&highs={highs}&mcc={mcc}")


def run_load(base: str, *, users: int, actions: int, universes: Sequence[str],
             think_s: tuple[float, float] = (0.5, 2.0), seed: int = 0, timeout: float = 60.0,
             deadline_s: float = 600.0) -> LoadResult:  # fmt: skip
    """``users`` threads, each opening a link then doing ``actions`` steps; bounded in time."""
    out: list[Record] = []
    lock = threading.Lock()
    t0 = time.monotonic()
    stop_at = t0 + deadline_s

    def play(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        user = _User(base, rng, universes, out, lock, timeout, t0)
        steps = (user.change_dates, user.change_dates, user.change_universe,
                 user.change_options, user.shared_link)  # fmt: skip
        try:
            time.sleep(rng.uniform(0, think_s[1]))  # users do not arrive all at once
            user.open_link(f"?u={rng.choice(universes)}")
            for _ in range(actions):
                if time.monotonic() > stop_at:
                    break
                time.sleep(rng.uniform(*think_s))
                rng.choice(steps)()
        except Exception as exc:  # a transport error is a failed request, recorded
            user._record(Record("transport", 0, 0.0, error=f"{type(exc).__name__}: {exc}"[:200]))
        finally:
            user.http.close()

    threads = [threading.Thread(target=play, args=(i,), daemon=True) for i in range(users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(max(1.0, stop_at - time.monotonic() + timeout))
    return LoadResult(out, time.monotonic() - t0)


def warm_up(base: str, universes: Sequence[str], timeout: float = 120.0,
            client: Callable[[str], DashClient] | None = None) -> dict[str, str]:  # fmt: skip
    """Open every (universe, option set) view once so the shared cache holds its frames.

    Returns {view: digest of its participation figure} (``Record.view`` / ``Record.digest``).
    ``client(search)`` makes the DashClient of a view (default: over HTTP from this host).
    Raises RuntimeError when a view answers without chart data (a message chart, e.g. the
    fair-use budget of the caller's address was spent): it would be no reference digest.
    """
    make = client or (lambda search: DashClient.over_http(base, search, timeout=timeout))
    out: dict[str, str] = {}
    for u in universes:
        for fast, slow, highs, mcc in OPTION_SETS:
            search = f"?u={u}&fast={fast}&slow={slow}&highs={highs}&mcc={mcc}"
            c = make(search)
            values = c.load(CHARTS)[-1].values
            view = view_key(c)
            fig = values.get("chart-participation", {}).get("figure")
            if not isinstance(fig, dict) or not fig.get("data"):
                shown = json.dumps(fig.get("layout", {}).get("annotations") if isinstance(
                    fig, dict) else fig)[:300]  # fmt: skip
                raise RuntimeError(f"warm_up {search}: the chart carries no data: {shown}")
            out[view] = figure_digest(values)
    return out
