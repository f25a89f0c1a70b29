"""Shared by the app benchmarks and the hosting/reliability tests: a tiny Dash renderer over
HTTP or a Flask test client (``DashClient``), and helpers that start, probe and stop
gunicorn/Redis processes on 127.0.0.1."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REAL = ROOT.parent / "shared" / "data" / "us_close_2013_2026" / "prices.parquet"
UPDATE = "/_dash-update-component"

# -- a tiny Dash renderer over HTTP or a Flask test client --------------------------------------

Get = Callable[[str], bytes]
Post = Callable[[str, dict[str, Any]], tuple[int, bytes]]


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every component (dict with ``type`` and ``props``) in a /_dash-layout tree."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict) and "props" in node and "type" in node:
        yield node
        for value in node["props"].values():
            yield from _walk(value)


def _id_key(cid: Any) -> str:
    return json.dumps(cid, sort_keys=True, separators=(",", ":")) if isinstance(cid, dict) else cid


def _matches(pattern: dict[str, Any], cid: Any) -> bool:
    if not isinstance(cid, dict) or set(cid) != set(pattern):
        return False
    return all(isinstance(v, list) or cid[k] == v for k, v in pattern.items())


def split_output(output: str) -> list[tuple[str, str]]:
    """``..a.figure...b.children..`` (or ``a.figure``) -> [(id, property), ...]."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(p.rsplit(".", 1)) for p in parts]  # type: ignore[misc]


BROKEN = 0
"""``Response.status`` of an HTTP 200 whose body is not the JSON Dash sends (cut short)."""


@dataclass
class Response:
    status: int
    body: bytes
    seconds: float
    values: dict[str, dict[str, Any]] = field(default_factory=dict)


SYNC = "view-state.data"
"""An output of the URL sync (``components.url.sync``)."""
REFERER_MAX = 4096
"""Chromium sends a Referer longer than this as the origin alone."""
URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
"""What a URL's query holds as typed (the rest is percent-encoded)."""


def referer(base: str, search: str) -> str:
    """The ``Referer`` a browser sends from the page ``base`` + ``/`` + ``search``: the query
    percent-encoded where a URL cannot hold it as typed (spaces, quotes, line breaks,
    non-ASCII), the origin alone past ``REFERER_MAX``."""
    page = f"{base}/{quote(search, safe=URL_SAFE)}"
    return page if len(page) <= REFERER_MAX else f"{base}/"


class DashClient:
    """Builds ``/_dash-update-component`` payloads from the app's layout and dependencies.

    ``search``: the page's query string. The layout is fetched with the page's address as its
    ``Referer`` (as a browser does) by ``over_http`` and ``over_flask``; a ``get`` of the
    caller's own sends what it sends."""

    def __init__(self, get: Get, post: Post, search: str = "") -> None:
        self.get, self.post, self.search = get, post, search
        self.layout = json.loads(get("/_dash-layout"))
        self.made_for: str | None = None  # the query the layout shows (its Location's search)
        self.deps: list[dict[str, Any]] = json.loads(get("/_dash-dependencies"))
        self.props: dict[str, dict[str, Any]] = {}
        self.ids: list[Any] = []
        for comp in _walk(self.layout):
            cid = comp["props"].get("id")
            if cid is None:
                continue
            self.ids.append(cid)
            self.props[_id_key(cid)] = {k: v for k, v in comp["props"].items() if k != "children"}
            if comp["type"] == "Location":  # what the renderer reads from window.location
                self.made_for = comp["props"].get("search")
                self.props[_id_key(cid)].update(pathname="/", search=search, hash="")

    @classmethod
    def over_http(cls, base: str, search: str = "", timeout: float = 60.0) -> DashClient:
        import requests

        page = referer(base, search)

        def get(path: str) -> bytes:
            r = requests.get(base + path, timeout=timeout, headers={"Referer": page})
            r.raise_for_status()
            return r.content

        def post(path: str, body: dict[str, Any]) -> tuple[int, bytes]:
            r = requests.post(base + path, json=body, timeout=timeout)  # a new connection each
            return r.status_code, r.content

        return cls(get, post, search)

    @classmethod
    def over_flask(cls, server: Any, search: str = "") -> DashClient:
        client = server.test_client()
        page = referer("http://localhost", search)

        def get(path: str) -> bytes:
            r = client.get(path, headers={"Referer": page})
            assert r.status_code == 200, (path, r.status_code)
            return bytes(r.data)

        def post(path: str, body: dict[str, Any]) -> tuple[int, bytes]:
            r = client.post(path, json=body)
            return r.status_code, bytes(r.data)

        return cls(get, post, search)

    def load(self, charts: str) -> list[Response]:
        """The server callbacks of a page's first load up to ``charts`` (an output of a view's
        callback), as the page sends them: that callback alone when the layout shows the
        page's address, else the URL sync's first (assets/url.js hands it the address: no
        Referer; or a checkout from before the layout held the view)."""
        sync = [] if self.shows_address else [self.fire(SYNC)]
        return [*sync, self.fire(charts)]

    @property
    def shows_address(self) -> bool:
        """Whether the layout shows the page's address (its Location's ``search``): a first
        load then sends no URL sync."""
        return self.made_for == self.search

    def callback(self, output_prop: str) -> dict[str, Any]:
        """The dependency entry whose outputs include ``id.property``."""
        for dep in self.deps:
            if dep.get("clientside_function"):
                continue
            if output_prop in {f"{i}.{p}" for i, p in split_output(dep["output"])}:
                return dep
        raise KeyError(f"no server callback outputs {output_prop}")

    def _value(self, dep: dict[str, Any]) -> Any:
        raw = dep["id"]
        if raw.startswith("{"):  # pattern-matching (ALL): every matching component
            pattern = json.loads(raw)
            return [
                {"id": cid, "property": dep["property"],
                 "value": self.props[_id_key(cid)].get(dep["property"])}
                for cid in self.ids if _matches(pattern, cid)
            ]  # fmt: skip
        return {"id": raw, "property": dep["property"],
                "value": self.props.get(raw, {}).get(dep["property"])}  # fmt: skip

    def fire(self, output_prop: str, changed: list[str] | None = None) -> Response:
        """POST the callback that outputs ``output_prop`` with the current props; apply output.

        ``changed`` lists the ``id.property`` that triggered it (None: the initial call).
        """
        dep = self.callback(output_prop)
        outs: list[Any] = []
        for i, p in split_output(dep["output"]):
            if i.startswith("{"):  # pattern-matching (ALL): one spec per matching component
                pattern = json.loads(i)
                outs.append([{"id": c, "property": p} for c in self.ids if _matches(pattern, c)])
            else:
                outs.append({"id": i, "property": p})
        body = {
            "output": dep["output"],
            "outputs": outs if dep["output"].startswith("..") else outs[0],
            "inputs": [self._value(d) for d in dep["inputs"]],
            "state": [self._value(d) for d in dep["state"]],
            "changedPropIds": changed or [],
        }
        t0 = time.perf_counter()
        status, content = self.post(UPDATE, body)
        seconds = time.perf_counter() - t0
        resp = Response(status, content, seconds)
        if status == 200:
            try:
                resp.values = json.loads(content).get("response", {})
            except ValueError:  # cut short (e.g. its worker was killed mid-response)
                resp.status = BROKEN
                return resp
            for cid, props in resp.values.items():
                self.props.setdefault(cid, {}).update(props)
        elif status != 204:
            raise RuntimeError(f"{UPDATE} for {output_prop}: HTTP {status}: {content[:300]!r}")
        return resp

    def set(self, cid: str, **props: Any) -> None:
        """What a user's input does to a component's props."""
        self.props.setdefault(cid, {}).update(props)


def decode(array: Any) -> np.ndarray:
    """A Plotly JSON array (a list, or ``{"dtype", "bdata"[, "shape"]}``) as NumPy."""
    if isinstance(array, dict) and "bdata" in array:
        out = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        shape = array.get("shape")
        if shape:
            out = out.reshape([int(s) for s in str(shape).split(",")])
        return out
    return np.asarray(array, dtype="float64")


# -- processes on 127.0.0.1 ---------------------------------------------------------------------


def compressor(server: Any) -> Any:
    """The flask-compress instance ``Dash(compress=True)`` registered on ``server`` (the owner
    of its after-request hook; Dash keeps no reference), e.g. to read or switch off its
    cache (server/static_compress.py)."""
    from flask_compress import Compress

    owners = [getattr(f, "__self__", None) for f in server.after_request_funcs[None]]
    return next(o for o in owners if isinstance(o, Compress))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(proc: subprocess.Popen[Any] | None, grace: float = 8.0) -> None:
    """SIGTERM, wait, then SIGKILL the process (and its group, when it leads one)."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # gunicorn's workers too
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait(5)


def wait_until(check: Callable[[], bool], timeout: float, what: str, proc: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: process exited with {proc.returncode}")
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise TimeoutError(f"{what}: not ready after {timeout:.0f} s")


HOOK = """
def post_worker_init(worker):
    # /healthz for create_app versions that do not register it yet (a no-op once they do)
    from server.routes import register_routes
    if "healthz" not in worker.wsgi.view_functions:
        register_routes(worker.wsgi)
"""


def start_gunicorn(
    port: int, env: dict[str, str], workdir: Path, workers: int = 2, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """``gunicorn -w N -b 127.0.0.1:PORT app:server`` from the repo root, in its own group."""
    conf = workdir / "gunicorn_conf.py"
    conf.write_text(HOOK)
    out = open(log or os.devnull, "wb")  # noqa: SIM115 (closed by the child's exit)
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
           f"127.0.0.1:{port}", "--timeout", "120", "--graceful-timeout", "5", "--config",
           str(conf), "app:server"]  # fmt: skip
    return subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def healthz(base: str) -> tuple[int, dict[str, Any]]:
    import requests

    r = requests.get(f"{base}/healthz", timeout=10)
    return r.status_code, r.json()


# -- the benchmark ------------------------------------------------------------------------------


def build_store(root: Path) -> str:
    from data.jobs import import_files, load_demo
    from data.store import Store

    store = Store(root)
    if REAL.exists():
        import_files(store, [REAL], replace=True)
        return f"real close file {REAL.name} (import_files)"
    load_demo(store, seed=7, n_tickers=3000, years=13)
    return "simulated demo, 3,000 tickers × 13 years"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 2**20:.0f} GiB RAM"
    chromium = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True,
                                  text=True, timeout=20).stdout.strip()  # fmt: skip
    return (f"{cpu}, {os.cpu_count()} CPUs{mem}; Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; {chromium}; {first_touch()}")  # fmt: skip


FIRST_TOUCH = """
import time, numpy as np
time.sleep(3)  # memory freed before this is handed back by now (the kernel reports at 2 s)
t = time.perf_counter(); a = np.ones(2**23); fresh = time.perf_counter() - t; del a
t = time.perf_counter(); a = np.ones(2**23); again = time.perf_counter() - t
print(f"{fresh * 1000 / 64:.2f} {again * 1000 / 64:.2f}")
"""


def first_touch() -> str:
    """Writing 64 MB of new memory in a fresh process after 3 s of rest, ms/MB: the first
    time and again at once. On VMs that hand freed pages back to their host (virtio-balloon
    free page reporting, as on this project's machines) the first is ~6 ms/MB, ~40x the
    second, and a cold path costs in proportion to the memory it allocates."""
    with contextlib.suppress(OSError, subprocess.SubprocessError, ValueError):
        out = subprocess.run([sys.executable, "-c", FIRST_TOUCH], capture_output=True,
                             text=True, timeout=60).stdout.split()  # fmt: skip
        fresh, again = (float(x) for x in out)
        return f"new memory's first write {fresh:.2f} ms/MB, reused {again:.2f} ms/MB"
    return "new memory's first write: not measured"
