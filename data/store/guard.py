"""The store as the web app reads it: one manifest per request, and a fallback version.

``GuardedStore`` is a ``Store`` for readers (the app never writes through it):

- **Pinned reads.** ``with store.pinned():`` makes every read in this thread use one manifest
  (the app pins one per HTTP request), so a response is computed from exactly one data
  version even when a refresh swaps the store half way through it; ``pinned`` yields that
  version (the app sends it as the ``X-Data-Version`` header).
- **Fallback.** Before a version is first served, every file it names is checked once per
  process: it exists and its Parquet footer parses (about 10 ms for a full store). When a file
  is missing or corrupt, the store serves the *previous* version instead (its manifest is kept
  inside the current one under ``previous``, and its files stay on disk: the store keeps the
  last two superseded versions' files), logs one error line, and ``status()`` says so for
  ``/healthz``. A corruption that only shows while reading data marks the version bad for the
  following requests. With no usable previous version the current one is served from what the
  shared cache holds, and uncached views show the error.

``integrity_report(store)`` reads every file of the current and the previous version in full,
for ``python cli.py status``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from data.errors import StoreError
from data.store import Store, io

log = logging.getLogger(__name__)

PREVIOUS = "previous"
"""Manifest key holding the previous version's manifest (without its own ``previous``)."""


def manifest_files(m: dict[str, Any]) -> list[str]:
    """The part file names a manifest names, price blocks first."""
    files = m.get("files", {})
    names = [n for years in files.get("prices", {}).values() for n in years.values()]
    names += [files[k] for k in ("tickers", "info", "sectors") if files.get(k)]
    names += [u["file"] for u in files.get("universes", {}).values()]
    return names


def check_files(parts: Path, m: dict[str, Any], *, full: bool = False) -> str:
    """ "" when every file ``m`` names is there and parses; else the first problem, one line.

    ``full`` reads each file whole (minutes on slow disks for a big store: the CLI only);
    otherwise only the Parquet footer.
    """
    try:
        names = manifest_files(m)
    except (AttributeError, KeyError, TypeError) as exc:
        return f"unreadable manifest file list: {exc}"
    for name in names:
        path = parts / name
        if not path.is_file():
            return f"store file {name} named by the manifest is missing"
        try:
            if full:
                pq.read_table(path, use_threads=False)
            else:
                pq.read_metadata(path)
        except Exception as exc:  # any parse failure is a corrupt file, reported, not raised
            return f"store file {name} is corrupt or unreadable: {type(exc).__name__}: {exc}"[:300]
    return ""


class GuardedStore(Store):
    """A read-side Store: per-thread pinned manifest, verified versions, fallback (module doc)."""

    def __init__(self, root: Path | str, **kwargs: Any) -> None:
        super().__init__(root, **kwargs)
        self._pin = threading.local()
        self._guard_lock = threading.Lock()
        self._problems: dict[str, str] = {}  # version -> "" (good) or its problem
        self._status: dict[str, Any] = {}

    # ---- which manifest a read uses --------------------------------------------------------
    def _manifest(self) -> dict[str, Any]:
        pinned: dict[str, Any] | None = getattr(self._pin, "manifest", None)
        if pinned is not None:
            return pinned
        return self._effective(super()._manifest())

    def _problem(self, m: dict[str, Any]) -> str:
        version = str(m.get("version", ""))
        with self._guard_lock:
            known = self._problems.get(version)
        if known is None:
            known = check_files(self.parts, m)
            with self._guard_lock:
                known = self._problems.setdefault(version, known)
        return known

    def _effective(self, raw: dict[str, Any]) -> dict[str, Any]:
        if not raw:
            return raw
        version = str(raw.get("version", ""))
        problem = self._problem(raw)
        if not problem:
            self._set_status({"version": version, "serving": version})
            return raw
        prev = raw.get(PREVIOUS)
        usable = isinstance(prev, dict) and bool(prev) and not self._problem(prev)
        serving = str(prev.get("version", "")) if usable and isinstance(prev, dict) else version
        self._set_status(
            {"version": version, "serving": serving, "problem": problem, "fallback": usable}
        )
        if usable and isinstance(prev, dict):
            return prev
        return raw

    def _set_status(self, status: dict[str, Any]) -> None:
        with self._guard_lock:
            changed = status != self._status
            self._status = status
        if changed and status.get("problem"):
            what = (
                f"serving the previous version {status['serving']}"
                if status["fallback"]
                else "no usable previous version: serving what the cache holds"
            )
            log.error(
                "store version %s unusable (%s); %s", status["version"], status["problem"], what
            )

    def _consistent(self, read: Callable[[dict[str, Any]], Any]) -> Any:
        """As Store's; a corrupt file also marks its version bad for the next requests."""
        try:
            return super()._consistent(read)
        except StoreError as exc:
            if "corrupt" in str(exc) or "missing" in str(exc):
                version = str(self._manifest().get("version", ""))
                with self._guard_lock:
                    self._problems[version] = str(exc)[:300]
            raise

    @contextlib.contextmanager
    def pinned(self) -> Iterator[str]:
        """Every read in this thread, inside the block, uses one manifest; yields its version."""
        self._pin.manifest = None
        try:
            m = self._manifest()
        except StoreError:
            m = None  # a corrupt manifest: reads raise as usual, /healthz says why
        self._pin.manifest = m
        try:
            yield str((m or {}).get("version", ""))
        finally:
            self._pin.manifest = None

    def status(self) -> dict[str, Any]:
        """{"version", "serving"[, "problem", "fallback"]} of the last manifest looked at."""
        with contextlib.suppress(StoreError):
            self._effective(super()._manifest())
        with self._guard_lock:
            return dict(self._status)


def integrity_report(store: Store) -> str:
    """Lines for ``cli.py status``: each file of the current and previous version read whole."""
    try:
        m = io.read_json(store.root / io.MANIFEST)
    except StoreError as exc:
        return f"integrity: {exc}"
    if not m:
        return "integrity: the store is empty"
    lines = []
    problem = check_files(store.parts, m, full=True)
    version = m.get("version", "")
    lines.append(f"integrity: version {version}: " + (problem or "every file reads"))
    prev = m.get(PREVIOUS)
    if isinstance(prev, dict) and prev:
        prev_problem = check_files(store.parts, prev, full=True)
        lines.append(
            f"integrity: previous version {prev.get('version', '')}: "
            + (prev_problem or "every file reads")
        )
        if problem and not prev_problem:
            lines.append(
                "integrity: the web app serves the previous version; run "
                "`python cli.py refresh` (or import) to write a new one"
            )
    elif problem:
        lines.append(
            "integrity: no previous version kept; the web app serves only what its "
            "cache holds; rewrite the store (refresh or import)"
        )
    return "\n".join(lines)
