"""Low-level pieces of the store: atomic files, the writer lock and the panel block format.

A *block* is one field of one calendar year: a dates × tickers float matrix stored in Parquet as
two columns, ``date`` (timestamp[ns]) and ``values`` (fixed_size_list<float, n_tickers>, one row
per session), with the sorted ticker names in the file's key-value metadata under ``tickers``.
Measured on 3,500 tickers × 13 years: a Parquet file with one column per ticker spends ~25 µs
per column chunk in metadata and page setup (3.6 s for close+high+low split by year), while the
same matrix as one list column reads in ~0.15 s per field. So the panel is stored wide, as one
column.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from data.errors import StoreError

MANIFEST = "manifest.json"
LOCK = ".lock"
REFRESH_LOCK = ".refresh.lock"
PARTS = "parts"
TMP_SUFFIX = ".tmp"


def new_version() -> str:
    """A sortable, unique version token: UTC time to the microsecond plus 4 random hex digits."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(2)}"


def utc_now_iso() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _tmp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}{TMP_SUFFIX}")


def _atomic_write(path: Path, write: Any, created: list[Path]) -> None:
    """Write through ``write(fh)`` to a temp file in ``path``'s folder, fsync, os.replace.

    ``created`` collects the temp and final paths so a failed write can remove them.
    """
    tmp = _tmp_path(path)
    created.append(tmp)
    fh: IO[bytes]
    with open(tmp, "wb") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())
    created.append(path)
    os.replace(tmp, path)


def write_table(table: pa.Table, path: Path, created: list[Path]) -> None:
    """Write a Parquet file atomically (lz4: fast to read, floats barely compress)."""

    def write(fh: IO[bytes]) -> None:
        pq.write_table(table, fh, compression="lz4", use_dictionary=False, write_statistics=False)

    _atomic_write(path, write, created)


def write_json(obj: Any, path: Path, created: list[Path]) -> None:
    """Write JSON atomically, then fsync the folder so the rename itself is durable."""
    data = json.dumps(obj, indent=1, sort_keys=True).encode()
    _atomic_write(path, lambda fh: fh.write(data), created)
    _fsync_dir(path.parent)


def read_json(path: Path) -> dict[str, Any]:
    """The manifest as a dict, {} when it does not exist; StoreError when unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise StoreError(f"cannot read the store manifest {path}: {exc.strerror}") from exc
    try:
        obj = json.loads(raw)
    except ValueError as exc:
        raise StoreError(f"the store manifest {path} is corrupt: {exc}") from exc
    if not isinstance(obj, dict):
        raise StoreError(f"the store manifest {path} is corrupt: not a JSON object")
    return obj


@dataclass
class Block:
    """One field-year: session dates (datetime64[ns]), sorted tickers, values [dates × tickers]."""

    dates: np.ndarray
    tickers: list[str]
    values: np.ndarray


def encode_block(block: Block) -> pa.Table:
    """The Parquet table of a block (see module docstring)."""
    n = len(block.tickers)
    flat = pa.array(np.ascontiguousarray(block.values).reshape(-1))
    values = pa.FixedSizeListArray.from_arrays(flat, n)
    meta = {b"tickers": json.dumps(block.tickers).encode()}
    return pa.table(
        {"date": pa.array(block.dates.astype("datetime64[ns]")), "values": values}, metadata=meta
    )


def read_block(path: Path) -> Block:
    """Read a block file; StoreError naming the file when it is missing or corrupt."""
    try:
        table = pq.read_table(path, use_threads=False)
        tickers = json.loads(table.schema.metadata[b"tickers"])
        dates = table.column("date").to_numpy().astype("datetime64[ns]")
        col = table.column("values")
        n = len(tickers)
        parts = [c.flatten().to_numpy(zero_copy_only=False) for c in col.chunks]
        flat = parts[0] if len(parts) == 1 else np.concatenate(parts)
        values = flat.reshape(len(dates), n) if n else np.empty((len(dates), 0), flat.dtype)
    except FileNotFoundError as exc:
        raise StoreError(f"store file {path} named by the manifest is missing") from exc
    except (OSError, pa.ArrowException, KeyError, ValueError, TypeError) as exc:
        raise StoreError(f"store file {path} is corrupt or unreadable: {exc}") from exc
    return Block(dates, list(tickers), values)


def read_frame_file(path: Path) -> Any:
    """Read a small Parquet table (info, universe, ticker index) as a DataFrame."""
    try:
        return pq.read_table(path).to_pandas()
    except FileNotFoundError as exc:
        raise StoreError(f"store file {path} named by the manifest is missing") from exc
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise StoreError(f"store file {path} is corrupt or unreadable: {exc}") from exc


def os_error(exc: OSError, root: Path) -> StoreError:
    """A StoreError with a user-facing message for a failed write."""
    kept = "the previous version is kept"
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return StoreError(f"disk full while writing the store {root}; {kept}")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StoreError(f"the store folder {root} is read-only or not writable; {kept}")
    return StoreError(f"cannot write the store {root}: {exc.strerror or exc}; {kept}")


@contextlib.contextmanager
def writer_lock(root: Path, wait: float, name: str = LOCK) -> Iterator[None]:
    """Hold an exclusive flock on ``root/name``; the kernel drops it when the process dies.

    Waits up to ``wait`` seconds, then raises StoreError.
    """
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / name, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise os_error(exc, root) from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"another refresh is running on the store {root}; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def remove_quietly(paths: list[Path]) -> None:
    """Delete files that may or may not exist, ignoring errors (cleanup after a failure)."""
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink()
