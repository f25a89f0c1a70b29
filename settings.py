"""Every knob of the app, read once from ``BREADTH_*`` environment variables.

Precedence is argument > environment > default (as Dash's own ``_configs``): ``load_settings``
takes an optional mapping of overrides. A bad value raises ``SettingsError`` naming the variable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent


class SettingsError(ValueError):
    """A BREADTH_* variable has a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Typed configuration. Paths are absolute; durations in seconds."""

    data_dir: Path = ROOT / ".breadth-data"
    cache_dir: Path = ROOT / ".breadth-cache"
    redis_url: str = ""
    cache_threshold: int = 5000
    cache_timeout: int = 0
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    yahoo_batch_size: int = 100
    yahoo_max_retries: int = 4
    yahoo_backoff: float = 2.0
    demo_seed: int = 7
    demo_tickers: int = 3000
    demo_years: int = 13
    allow_ui_refresh: bool = False
    refresh_token: str = ""
    max_upload_mb: int = 512
    celery_broker_url: str = ""
    """Page refreshes run on Celery workers through this Redis URL (else a local diskcache)."""
    warmup: bool = True
    """Build the default view in the background at the first request and after a store write."""
    # the hosted stack (scripts/hosted.sh, deploy/): nginx -> gunicorn -> Redis on loopback
    run_dir: Path = ROOT / ".breadth-run"
    """scripts/hosted.sh: pid files, logs, generated configs, nginx temp files."""
    public_host: str = "127.0.0.1"
    public_port: int = 8080
    """nginx listens here (the only public port of the stack)."""
    app_port: int = 8000
    """gunicorn, always bound to 127.0.0.1."""
    redis_port: int = 6380
    """The stack's own redis-server on 127.0.0.1 (not 6379: Debian's service may hold it)."""
    redis_maxmemory: str = "256mb"
    web_workers: int = 0
    """gunicorn workers; 0 = one per CPU."""
    web_threads: int = 4
    """Threads per gunicorn (gthread) worker."""


def _parse_bool(raw: str) -> bool:
    low = raw.strip().lower()
    if low in {"1", "true", "yes", "on"}:
        return True
    if low in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _parse_path(raw: str) -> Path:
    if not raw.strip():
        raise ValueError("empty path")
    return Path(raw).expanduser().resolve()


def _parse_memory(raw: str) -> str:
    """A Redis memory size: ``256mb``, ``1gb``, ``500000000`` (at least 1 MB)."""
    m = re.fullmatch(r"\s*(\d+)\s*(b|kb|mb|gb)?\s*", raw.lower())
    if not m:
        raise ValueError(f"expected a size such as 256mb or 1gb, got {raw!r}")
    scale = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}[m.group(2) or "b"]
    if int(m.group(1)) * scale < 1024**2:
        raise ValueError(f"expected at least 1mb, got {raw!r}")
    return f"{m.group(1)}{m.group(2) or ''}"


def _int_in(lo: int, hi: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw)
        if not lo <= value <= hi:
            raise ValueError(f"expected an integer in [{lo}, {hi}], got {value}")
        return value

    return parse


def _float_in(lo: float, hi: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw)
        if not lo <= value <= hi:
            raise ValueError(f"expected a number in [{lo}, {hi}], got {value}")
        return value

    return parse


_PARSERS: dict[str, Callable[[str], Any]] = {
    "data_dir": _parse_path,
    "cache_dir": _parse_path,
    "redis_url": str.strip,
    "cache_threshold": _int_in(10, 10_000_000),
    "cache_timeout": _int_in(0, 10**9),
    "host": str.strip,
    "port": _int_in(1, 65535),
    "debug": _parse_bool,
    "yahoo_batch_size": _int_in(1, 1000),
    "yahoo_max_retries": _int_in(0, 20),
    "yahoo_backoff": _float_in(0.0, 600.0),
    "demo_seed": _int_in(0, 2**31 - 1),
    "demo_tickers": _int_in(50, 20_000),
    "demo_years": _int_in(2, 40),
    "allow_ui_refresh": _parse_bool,
    "refresh_token": str,
    "max_upload_mb": _int_in(1, 100_000),
    "celery_broker_url": str.strip,
    "warmup": _parse_bool,
    "run_dir": _parse_path,
    "public_host": str.strip,
    "public_port": _int_in(1, 65535),
    "app_port": _int_in(1, 65535),
    "redis_port": _int_in(1, 65535),
    "redis_maxmemory": _parse_memory,
    "web_workers": _int_in(0, 64),
    "web_threads": _int_in(1, 64),
}


def env_name(field: str) -> str:
    """The environment variable that sets ``field``."""
    return f"BREADTH_{field.upper()}"


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from ``overrides`` > ``env`` (default ``os.environ``) > defaults."""
    source = os.environ if env is None else env
    values: dict[str, Any] = {}
    for f in fields(Settings):
        name = env_name(f.name)
        if f.name in overrides:
            values[f.name] = overrides[f.name]
            continue
        if name not in source:
            continue
        try:
            values[f.name] = _PARSERS[f.name](source[name])
        except ValueError as exc:
            raise SettingsError(f"{name}: {exc}") from exc
    return Settings(**values)
