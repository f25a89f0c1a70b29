"""server/memory.py: Arrow on the system allocator and glibc's mmap threshold fixed, so a
worker's freed panels go back to the OS. The RSS effect is measured in the bench (T5,
bench/targets_views.py: the first view on the real store adds ~20 MB instead of ~200 MB);
a small synthetic loop here does not fragment the heap the way real views do."""

from __future__ import annotations

import platform

import pyarrow as pa
import pytest

from server.memory import return_freed_memory


@pytest.mark.skipif(platform.system() != "Linux", reason="glibc")
def test_mem001_arrow_uses_the_system_allocator_and_mallopt_is_set() -> None:
    done = return_freed_memory()
    assert pa.default_memory_pool().backend_name == "system"
    assert done == ["arrow: system allocator", "glibc: mmap threshold 64 KiB"]
    assert return_freed_memory() == done  # idempotent


def test_mem002_create_app_sets_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app import create_app
    from settings import load_settings

    pa.set_memory_pool(pa.mimalloc_memory_pool())
    create_app(load_settings(data_dir=tmp_path / "d", cache_dir=tmp_path / "c", warmup=False))
    assert pa.default_memory_pool().backend_name == "system"
