"""The breadth and volume kernels compiled ahead of time into a shared library that a worker
loads with ctypes, so that it never imports numba.

Why: numba costs each web worker ~100 MB of RSS, whatever it computes. Loading its compiled
kernels touches ~70 MB of LLVM's library (~36 MB at ``import numba``, ~28 MB setting up
numba's code generator) and imports ~85 of numba's typing and lowering modules (~17 MB),
besides numba itself (bench T5; 2-core AMD EPYC, numba 0.68.1, llvmlite 0.50).

How (``build``): numba compiles C-callable wrappers (``numba.cfunc``) that view the caller's
buffers as arrays and call the very functions the JIT path runs
(``kernel_pass._counts_chunk``, ``volume._volume_chunk``: the same LLVM optimisation, for
this CPU); llvmlite emits each wrapper's LLVM module as position-independent object code,
and the system C compiler links them, with ``kernel_stubs.c`` (numba's C helpers that only an
error path calls), into ``indicators/__pycache__/breadth-kernels-<key>.so``. The key hashes
the kernels' sources, numba's and llvmlite's versions, Python's, and this CPU (model and
flags): any change means a new library, never a stale one.

Who builds: ``python -m indicators.kernel_aot``. gunicorn's master runs it before it starts
workers (``deploy/gunicorn.conf.py``); ``server.warmup.use_kernel_library`` loads it in each
worker. Without a C compiler, or on any error, the build says so in one line and workers
compile the kernels with numba as before.

Types: the library covers what the store holds (float32 prices, float64 volume; read-only
or not). Any other dtype takes the numba path (``supports_*``). The wrappers catch any
exception and return a status; the adapters raise ``RuntimeError`` on a non-zero one.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from indicators.kernel_pass import BLOCK, Extra, Gathered, Panel, Windows

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SOURCES = ("kernel_pass.py", "volume.py", "jit.py", "kernel_aot.py", "kernel_stubs.c")
"""Files of this folder whose bytes key the library."""
PREFIX = "breadth-kernels-"
BREADTH, VOLUME = "breadth_counts_f32", "volume_f32"
"""The library's exported functions (float32 prices; float64 volume)."""
ABI = {
    BREADTH: "f32* f32* f32* b1* i64 i64 i64* i64 i64 i64* i64 i64* i64 i64* i64 i64 i64 i64* "
    "i64 i64 f32* f32* f32* i32* b1* i64* i64* i64* f32* i64 i64 f64* f64*",
    VOLUME: "f32* f64* b1* i64 i64 i64 i64 i64 i64 f64*",
}
"""Each function's arguments (``T*``: a pointer to T; returns an int64 status): the one
description the numba wrappers (``_wrappers``) and the ctypes side (``Library``) read."""


def _cpu() -> str:
    """This CPU's model and feature flags (the library is compiled for them)."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor()
    wanted = ("model name", "flags")
    return "|".join(next((ln for ln in lines if ln.startswith(w)), "") for w in wanted)


def key() -> str:
    """The library's key (hex): sources, numba/llvmlite/Python versions, machine, CPU."""
    h = hashlib.sha256()
    for name in SOURCES:
        h.update(name.encode() + b"\0" + (HERE / name).read_bytes() + b"\0")
    for dist in ("numba", "llvmlite"):
        h.update(f"{dist}={importlib.metadata.version(dist)}\0".encode())
    h.update(f"{sys.version_info[:2]}|{platform.machine()}|{_cpu()}".encode())
    return h.hexdigest()[:24]


def library_path(directory: Path | None = None) -> Path:
    """Where this code's library is (or goes): ``directory`` or ``indicators/__pycache__``."""
    return (directory or HERE / "__pycache__") / f"{PREFIX}{key()}.so"


def _addr(a: npt.NDArray[Any]) -> int:
    return int(a.ctypes.data)


class Library:
    """The loaded library: the kernels' chunk functions with the numba versions' signatures."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._dll = ctypes.CDLL(str(path))
        self._fns: dict[str, Any] = {}
        for name, abi in ABI.items():
            fn = getattr(self._dll, name)
            fn.argtypes = [ctypes.c_void_p if t.endswith("*") else ctypes.c_int64
                           for t in abi.split()]  # fmt: skip
            fn.restype = ctypes.c_int64
            self._fns[name] = fn

    @staticmethod
    def supports_breadth(panel: Panel) -> bool:
        """Whether close, high and low are float32 (the store's), membership bool."""
        close, high, low, member, _ = panel
        prices = (close.dtype, high.dtype, low.dtype)
        return prices == (np.float32,) * 3 and member.dtype == np.bool_

    @staticmethod
    def supports_volume(close: npt.NDArray[Any], volume: npt.NDArray[Any]) -> bool:
        """Whether close is float32 and volume float64 (the store's)."""
        return close.dtype == np.float32 and volume.dtype == np.float64

    def breadth(
        self, panel: Panel, closing: bool, use_member: bool, windows: Windows, j0: int, j1: int,
        out: npt.NDArray[np.int64], g: Gathered, acc: npt.NDArray[np.int64],
        ext: npt.NDArray[np.floating], extra: Extra,
    ) -> None:  # fmt: skip
        """``kernel_pass._counts_chunk`` (same arguments; every array C-contiguous)."""
        close, high, low, member, strides = panel
        sma_w, hl_w, cols = windows
        bars, his, los, tix, mflag, cnt, span = g
        n_dates, n_out = out.shape
        args = [_addr(close), _addr(high), _addr(low), _addr(member), close.size, member.size,
                _addr(strides), int(closing), int(use_member), _addr(sma_w), sma_w.size,
                _addr(hl_w), hl_w.size, _addr(cols), cols.size, j0, j1, _addr(out), n_dates,
                n_out, _addr(bars), _addr(his), _addr(los), _addr(tix), _addr(mflag),
                _addr(cnt), _addr(span), _addr(acc), _addr(ext), ext.shape[0],
                int(extra is not None),
                *((0, 0) if extra is None else (_addr(extra[0]), _addr(extra[1])))]  # fmt: skip
        arrays = (close, high, low, member, strides, sma_w, hl_w, cols, out, *g, acc, ext)
        if not all(a.flags.c_contiguous for a in (*arrays, *(extra or ()))):
            raise ValueError("the kernel library takes C-contiguous arrays only")
        status = self._fns[BREADTH](*args)
        if status:
            raise RuntimeError(f"breadth kernel failed in {self.path.name}")

    def volume(
        self, close: npt.NDArray[np.floating], volume: npt.NDArray[np.floating],
        member: npt.NDArray[np.bool_], use_member: bool, j0: int, j1: int,
        out: npt.NDArray[np.float64],
    ) -> None:  # fmt: skip
        """``volume._volume_chunk`` (same arguments; every array C-contiguous)."""
        if not all(a.flags.c_contiguous for a in (close, volume, member, out)):
            raise ValueError("the kernel library takes C-contiguous arrays only")
        n_t, n_d = close.shape
        fn = self._fns[VOLUME]
        status = fn(_addr(close), _addr(volume), _addr(member), n_t, n_d, member.shape[0],
                    int(use_member), j0, j1, _addr(out))  # fmt: skip
        if status:
            raise RuntimeError(f"volume kernel failed in {self.path.name}")


_loaded: dict[Path, Library] = {}
_load_lock = threading.Lock()


def load(directory: Path | None = None) -> Library | None:
    """This code's library from ``library_path(directory)``, once per process; None when it
    is not built (or cannot be loaded: said in one log line)."""
    path = library_path(directory)
    with _load_lock:
        if path in _loaded:
            return _loaded[path]
        if not path.exists():
            return None
        try:
            lib = Library(path)
        except (OSError, AttributeError) as exc:
            log.warning("kernel library %s not loaded (numba compiles instead): %s", path, exc)
            return None
        _loaded[path] = lib
        return lib


# -- the build (imports numba) ---------------------------------------------------------------


def _wrappers() -> dict[str, Any]:
    """The exported functions as ``numba.cfunc``s over raw pointers, by exported name."""
    import numba
    from numba import carray, types

    from indicators import kernel_pass, volume

    counts_chunk = kernel_pass.counts_chunk()
    volume_chunk = volume.volume_chunk()
    block = BLOCK
    scalars = {"f32": types.float32, "f64": types.float64, "i64": types.int64,
               "i32": types.int32, "b1": types.boolean}  # fmt: skip

    def signature(name: str) -> Any:
        args = [types.CPointer(scalars[t[:-1]]) if t.endswith("*") else scalars[t]
                for t in ABI[name].split()]  # fmt: skip
        return types.int64(*args)

    @numba.njit
    def run(panel, closing, use_member, windows, j0, j1, out, g, acc, ext, extra):  # type: ignore[no-untyped-def]  # fmt: skip
        try:
            counts_chunk(panel, closing, use_member, windows, j0, j1, out, g, acc, ext, extra)
        except Exception:  # a status for the caller: a cfunc cannot raise to Python
            return 1
        return 0

    @numba.cfunc(signature(BREADTH))
    def breadth(  # type: ignore[no-untyped-def]
        close_p, high_p, low_p, member_p, n_flat, n_mflat, strides_p, closing, use_member,
        sma_p, n_sma, hl_p, n_hl, cols_p, n_cols, j0, j1, out_p, n_dates, n_out, bars_p,
        his_p, los_p, tix_p, mflag_p, cnt_p, span_p, acc_p, ext_p, n_ext, further, sums_p,
        pre_p,
    ):  # fmt: skip
        panel = (carray(close_p, n_flat), carray(high_p, n_flat), carray(low_p, n_flat),
                 carray(member_p, n_mflat), carray(strides_p, 4))  # fmt: skip
        windows = (carray(sma_p, n_sma), carray(hl_p, n_hl), carray(cols_p, n_cols))
        g = (carray(bars_p, (block, n_dates)), carray(his_p, (block, n_dates)),
             carray(los_p, (block, n_dates)), carray(tix_p, (block, n_dates)),
             carray(mflag_p, (block, n_dates)), carray(cnt_p, block),
             carray(span_p, n_dates + 1))  # fmt: skip
        args = (panel, closing != 0, use_member != 0, windows, j0, j1,
                carray(out_p, (n_dates, n_out)), g, carray(acc_p, n_dates),
                carray(ext_p, (n_ext, n_dates)))  # fmt: skip
        if further:  # numba compiles the kernel without the further windows' code for None
            return run(*args, (carray(sums_p, n_sma), carray(pre_p, (n_hl, 3))))
        return run(*args, None)

    @numba.cfunc(signature(VOLUME))
    def volume_f32(  # type: ignore[no-untyped-def]
        close_p, vol_p, member_p, n_t, n_d, n_mt, use_member, j0, j1, out_p,
    ):  # fmt: skip
        try:
            volume_chunk(carray(close_p, (n_t, n_d)), carray(vol_p, (n_t, n_d)),
                         carray(member_p, (n_mt, n_d)), use_member != 0, j0, j1,
                         carray(out_p, (n_d, 5)))  # fmt: skip
        except Exception:
            return 1
        return 0

    return {BREADTH: breadth, VOLUME: volume_f32}


def build(directory: Path | None = None) -> Path:
    """Compile and link this code's library (see the module's docstring) unless it exists;
    its path. Older libraries in the folder are removed. Raises ``RuntimeError`` (one line)
    when it cannot be built, e.g. without a C compiler."""
    path = library_path(directory)
    if path.exists():
        return path
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise RuntimeError("no C compiler (cc) to link the kernel library")
    import llvmlite.binding as ll

    ll.initialize_native_target()
    ll.initialize_native_asmprinter()
    machine = ll.Target.from_default_triple().create_target_machine(
        cpu=ll.get_host_cpu_name(), features=ll.get_host_cpu_features().flatten(), opt=3,
        reloc="pic", codemodel="default",
    )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="breadth-kernels-") as tmp:
        objects = []
        for name, cf in _wrappers().items():
            module = ll.parse_assembly(cf.inspect_llvm())
            module.get_function(cf.native_name).name = name
            obj = Path(tmp) / f"{name}.o"
            obj.write_bytes(machine.emit_object(module))
            objects.append(str(obj))
        part = Path(tmp) / path.name
        argv = [*cc.split(), "-shared", "-fPIC", "-O2", "-o", str(part), *objects,
                str(HERE / "kernel_stubs.c")]  # fmt: skip
        done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            tail = " | ".join(done.stderr.strip().splitlines())[-300:]  # one line
            raise RuntimeError(f"linking the kernel library failed: {tail}")
        Library(part)  # loads: no symbol is missing
        staged = path.with_name(f".{path.name}.{os.getpid()}")
        shutil.copyfile(part, staged)
        os.replace(staged, path)  # atomic: a worker sees the whole library or none
    for old in path.parent.glob(f"{PREFIX}*.so"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m indicators.kernel_aot [DIR]``: build; one line either way; exit 0 (the
    numba path remains when it cannot be built)."""
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else None
    try:
        path = build(directory)
    except Exception as exc:  # one line; workers fall back to numba
        print(f"kernel library not built (workers compile with numba): {exc}")
        return 0
    print(f"kernel library: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
