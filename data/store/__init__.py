"""The Parquet store: wide price panels by field and calendar year, versioned by a manifest.

Layout under ``root``: ``manifest.json`` (written last, atomically) names every file of the
current version; ``parts/`` holds version-named Parquet files (``close-2024-<version>.parquet``,
``tickers-…``, ``info-…``, ``universe-<name>-…``); ``.lock`` is flock-ed by the one writer.
A write rewrites only the year files it touches and carries the others over by name. A reader
reads the manifest once and then only the files it names; files of the last two superseded
versions are kept so a reader that started before a write still finds them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data.errors import InputError, StoreError
from data.model import FIELDS, TICKER_INFO_COLUMNS, Prices, UniverseInfo
from data.store import io
from data.store.panels import assemble, dtype_of, ticker_index
from data.store.write import SECTOR_COLUMNS, Changes, build_prices, put_sectors, put_universe

PUBLIC_KEYS = ("version", "written_at", "source", "simulated", "close_only", "fields",
               "first_date", "last_date", "n_tickers", "refresh")  # fmt: skip
Files = dict[str, Any]


def _file_names(files: Files) -> set[str]:
    names = {n for years in files.get("prices", {}).values() for n in years.values()}
    names |= {files[k] for k in ("tickers", "info", "sectors") if files.get(k)}
    names |= {u["file"] for u in files.get("universes", {}).values()}
    return names


def _universe_info(raw: dict[str, Any]) -> UniverseInfo:
    return UniverseInfo(**raw)


class Store:
    """A versioned Parquet store of daily bars, ticker info and universes (see module doc)."""

    def __init__(self, root: Path | str, *, lock_wait: float = 2.0) -> None:
        self.root = Path(root)
        self.parts = self.root / io.PARTS
        self.lock_wait = lock_wait  # seconds a second writer waits before StoreError

    # ---- reading -------------------------------------------------------------------------
    def _manifest(self) -> dict[str, Any]:
        return io.read_json(self.root / io.MANIFEST)

    def _consistent(self, read: Callable[[dict[str, Any]], Any]) -> Any:
        """Run ``read(manifest)``; retry once on a newer manifest if a named file vanished."""
        m = self._manifest()
        try:
            return read(m)
        except StoreError:
            again = self._manifest()
            if again.get("version") == m.get("version"):
                raise
            return read(again)

    @property
    def version(self) -> str:
        """The data version token, "" when the store is empty; changes on every write."""
        return str(self._manifest().get("version", ""))

    def is_empty(self) -> bool:
        """True when nothing was ever written."""
        return not self._manifest()

    def manifest(self) -> dict[str, Any]:
        """What the store holds (keys in PUBLIC_KEYS), {} when empty."""
        m = self._manifest()
        return {k: m[k] for k in PUBLIC_KEYS if k in m}

    def read_prices(
        self,
        tickers: Sequence[str] | None = None,
        fields: Sequence[str] = ("close", "high", "low"),
        start: date | None = None,
        end: date | None = None,
    ) -> Prices:
        """Wide panels of the stored bars; price fields float32, volume float64.

        Fields the store lacks come back None; unknown tickers are ignored; ``start``/``end``
        are inclusive session dates.
        """
        return self._consistent(lambda m: self._read_prices(m, tickers, fields, start, end))

    def _read_prices(
        self,
        m: dict[str, Any],
        tickers: Sequence[str] | None,
        fields: Sequence[str],
        start: date | None,
        end: date | None,
    ) -> Prices:
        prices = m.get("files", {}).get("prices", {})
        want = ["close", *[f for f in FIELDS if f in fields and f != "close" and f in prices]]
        lo = start.year if start else -(10**6)
        hi = end.year if end else 10**6
        years = sorted(y for y in prices.get("close", {}) if lo <= int(y) <= hi)
        jobs = [(f, y) for f in want for y in years if y in prices[f]]
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = dict(
                zip(
                    jobs,
                    pool.map(lambda j: io.read_block(self.parts / prices[j[0]][j[1]]), jobs),
                    strict=True,
                )
            )
        frames = [got[("close", y)] for y in years]
        names = sorted({t for b in frames for t in b.tickers})
        if tickers is not None:
            wanted = set(tickers)
            names = [t for t in names if t in wanted]
        keep = pd.Index(names, name="ticker")
        dates = np.concatenate([b.dates for b in frames]) if frames else np.array([], "M8[ns]")
        index = pd.DatetimeIndex(dates, name="date")
        lo_i = index.searchsorted(pd.Timestamp(start)) if start else 0
        hi_i = index.searchsorted(pd.Timestamp(end), side="right") if end else len(index)
        out: dict[str, pd.DataFrame | None] = {f: None for f in ("open", "high", "low", "volume")}
        for f in want:
            blocks = [got.get((f, y)) for y in years]
            values = assemble(blocks, frames, keep, dtype_of(f), (int(lo_i), int(hi_i)))
            # copy=False: pandas would otherwise copy the panel (pandas 3 copies arrays)
            out[f] = pd.DataFrame(values, index=index[lo_i:hi_i], columns=keep, copy=False)
        close = out.pop("close")
        assert close is not None
        return Prices(close=close, **out)

    def _ticker_index(self, m: dict[str, Any]) -> pd.DataFrame:
        return ticker_index(self.parts, m)

    def last_dates(self) -> pd.Series:
        """Ticker -> last stored session with a close (Timestamp), for incremental refresh."""
        idx = self._consistent(self._ticker_index)
        return pd.Series(
            pd.DatetimeIndex(idx["last_date"]),
            index=pd.Index(idx["ticker"], name="ticker"),
            name="last_date",
        )

    def read_ticker_info(self) -> pd.DataFrame:
        """TICKER_INFO_COLUMNS (+ extra columns written), one row per stored ticker, sorted."""

        def read(m: dict[str, Any]) -> pd.DataFrame:
            stored = self._ticker_index(m)[["ticker"]]
            name = m.get("files", {}).get("info")
            info = io.read_frame_file(self.parts / name) if name else pd.DataFrame()
            for col in TICKER_INFO_COLUMNS:
                if col not in info.columns:
                    info[col] = pd.Series(dtype=object)
            both = info.merge(stored, on="ticker", how="outer") if len(stored) else info
            cols = [
                *TICKER_INFO_COLUMNS,
                *[c for c in both.columns if c not in TICKER_INFO_COLUMNS],
            ]
            return both[cols].sort_values("ticker").reset_index(drop=True)

        return self._consistent(read)

    def list_universes(self) -> list[UniverseInfo]:
        """The universes stored, by name."""
        unis = self._manifest().get("files", {}).get("universes", {})
        return [_universe_info(unis[n]["info"]) for n in sorted(unis)]

    def read_universe(self, name: str) -> tuple[UniverseInfo, pd.DataFrame]:
        """A universe's info and intervals ticker,start_date,end_date (NaT = still a member)."""

        def read(m: dict[str, Any]) -> tuple[UniverseInfo, pd.DataFrame]:
            unis = m.get("files", {}).get("universes", {})
            if name not in unis:
                known = ", ".join(sorted(unis)) or "none stored"
                raise InputError(f"unknown universe {name!r}; known: {known}")
            return _universe_info(unis[name]["info"]), io.read_frame_file(
                self.parts / unis[name]["file"]
            )

        return self._consistent(read)

    # ---- writing -------------------------------------------------------------------------
    def write_prices(
        self,
        prices: Prices,
        *,
        source_kind: str,
        source_label: str,
        simulated: bool = False,
        replace_all: bool = False,
        replace_tickers: Collection[str] = (),
        ticker_info: pd.DataFrame | None = None,
        universes: Sequence[tuple[UniverseInfo, pd.DataFrame]] = (),
        drop_universes: bool = False,
        refresh_summary: dict[str, Any] | None = None,
        on_changes: Callable[[Changes], None] | None = None,
    ) -> str:
        """Merge ``prices`` (and info, universes) into the store as one new version.

        Non-NaN cells given overwrite stored cells; ``replace_tickers`` lose their stored
        history first; ``replace_all`` starts from an empty store (universes kept unless
        ``drop_universes``). ``on_changes`` is called under the writer lock, before any file
        is written, with what the write would change (``Changes``); an exception
        it raises leaves the store as it was. Returns the new version.
        """

        def build(old: dict[str, Any], version: str, created: list[Path]) -> dict[str, Any]:
            return build_prices(
                self.parts,
                old,
                version,
                created,
                prices=prices,
                source_kind=source_kind,
                source_label=source_label,
                simulated=simulated,
                replace_all=replace_all,
                replace_tickers=replace_tickers,
                ticker_info=ticker_info,
                universes=universes,
                drop_universes=drop_universes,
                refresh_summary=refresh_summary,
                on_changes=on_changes,
            )

        return self._commit(build)

    def write_universe(self, info: UniverseInfo, intervals: pd.DataFrame) -> str:
        """Store (or replace) one universe; returns the new version."""

        def build(old: dict[str, Any], version: str, created: list[Path]) -> dict[str, Any]:
            if not old:
                raise StoreError("the store is empty: load prices before adding a universe")
            new = dict(old)
            new["files"] = dict(old["files"])
            new["files"]["universes"] = dict(old["files"].get("universes", {}))
            put_universe(self.parts, new["files"], info, intervals, version, created)
            return new

        return self._commit(build)

    def read_sectors(self) -> pd.DataFrame:
        """Stored sector assignments ``ticker, sector, source`` (empty when none; written by
        ``write_sectors``; see ``data.sectors`` for the sources and their precedence)."""

        def read(m: dict[str, Any]) -> pd.DataFrame:
            name = m.get("files", {}).get("sectors")
            if not name:
                return pd.DataFrame({c: pd.Series(dtype=object) for c in SECTOR_COLUMNS})
            return io.read_frame_file(self.parts / name)

        return self._consistent(read)

    def write_sectors(self, assignments: pd.DataFrame) -> str:
        """Replace the stored sector assignments (``ticker, sector, source``) as one new
        version; the price files are carried over by name. Returns the new version."""

        def build(old: dict[str, Any], version: str, created: list[Path]) -> dict[str, Any]:
            if not old:
                raise StoreError("the store is empty: load prices before adding sectors")
            new = dict(old)
            new["files"] = dict(old["files"])
            put_sectors(self.parts, new["files"], assignments, version, created)
            return new

        return self._commit(build)

    def real_universes(self) -> list[tuple[UniverseInfo, pd.DataFrame]]:
        """Stored universes that are not the demo's (source "simulated"), with intervals:
        what to keep when real data replaces the demo (write with drop_universes=True)."""
        return [
            self.read_universe(info.name)
            for info in self.list_universes()
            if info.source != "simulated"
        ]

    @contextlib.contextmanager
    def refresh_lock(self) -> Iterator[None]:
        """One refresh at a time (download + write), separate from the short commit lock.

        Raises StoreError at once if another refresh holds it; a killed refresh frees it.
        """
        with io.writer_lock(self.root, 0.0, io.REFRESH_LOCK):
            yield

    def set_refresh_summary(self, summary: dict[str, Any]) -> str:
        """Record the last refresh's summary; returns the new version."""

        def build(old: dict[str, Any], version: str, created: list[Path]) -> dict[str, Any]:
            if not old:
                raise StoreError("the store is empty: nothing to attach a refresh summary to")
            return {**old, "refresh": dict(summary)}

        return self._commit(build)

    def _commit(self, build: Callable[[dict[str, Any], str, list[Path]], dict[str, Any]]) -> str:
        """Under the writer lock: build the new version's files, then the manifest, then GC."""
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise io.os_error(exc, self.root) from exc
        with io.writer_lock(self.root, self.lock_wait):
            old = self._manifest()
            version = io.new_version()
            created: list[Path] = []
            try:
                new = build(old, version, created)
                new.update(version=version, written_at=io.utc_now_iso())
                names = _file_names(old.get("files", {}))
                new["recent"] = [sorted(names), *(old.get("recent", [])[:1])]
                # the previous manifest, for readers to fall back to (data/store/guard.py)
                new["previous"] = {k: v for k, v in old.items() if k not in ("recent", "previous")}
                io.write_json(new, self.root / io.MANIFEST, created)
            except OSError as exc:
                io.remove_quietly(created)
                raise io.os_error(exc, self.root) from exc
            except BaseException:
                io.remove_quietly(created)
                raise
            self._collect_garbage(new)
        return version

    def _collect_garbage(self, m: dict[str, Any]) -> None:
        """Delete part files not named by this version or the two before it, and stale temps."""
        keep = _file_names(m.get("files", {}))
        for names in m.get("recent", []):
            keep.update(names)
        stale = [p for p in self.parts.iterdir() if p.name not in keep]
        stale += [p for p in self.root.glob(f".*{io.TMP_SUFFIX}")]
        io.remove_quietly(stale)
