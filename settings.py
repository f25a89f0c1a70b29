"""Every knob of the app, read once from ``BREADTH_*`` environment variables.

Precedence is argument > environment > default (as Dash's own ``_configs``): ``load_settings``
takes an optional mapping of overrides. A bad value raises ``SettingsError`` naming the variable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
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
    cache_timeout: int = 86_400
    local_cache_mb: int = 48
    """MiB of computed frames and figures each worker keeps in its own memory (an LRU in
    front of the shared cache): bounds a worker's RSS however many views it serves."""
    """Seconds a cached frame or figure lives (every key gets this TTL; 60 s to 30 days).
    Never 0: with Redis, a key without a TTL stays until eviction, and Redis's default policy
    (noeviction) then refuses every write once it is full."""
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
    import_min_date: date = date(1900, 1, 1)
    """`cli.py import` refuses a file holding a date before this (YYYY-MM-DD)."""
    import_max_days_ahead: int = 7
    """... or a date more than this many days after today."""
    celery_broker_url: str = ""
    """Page refreshes run on Celery workers through this Redis URL (else a local diskcache)."""
    warmup: bool = True
    """Build the default view in the background at the first request and after a store write."""
    kernel_library: bool = True
    """Web workers run the kernels from the ahead-of-time library (``indicators/kernel_aot.py``,
    built by gunicorn's master: deploy/gunicorn.conf.py) when it is built, never importing
    numba (~100 MB less per worker); false: numba compiles them in each worker."""
    # in the app, for hosting (server/http.py, server/fair_use.py)
    max_request_kb: int = 1024
    """Largest request body the app reads (KiB); a larger one is answered 413 unread. The
    page's callback requests are a few KiB (a refresh token, a view); 1 MiB leaves room."""
    frame_ancestors: str = "'none'"
    """The CSP ``frame-ancestors`` sources (``'none'``: no site may frame the page, and
    X-Frame-Options is DENY; e.g. ``'self' https://intranet.example`` to allow embedding)."""
    proxy_hops: int = 0
    """Trusted reverse proxies in front of the app (nginx: 1). The per-client rate limits key
    on the address the nearest of them puts in X-Forwarded-For; 0 = the socket's peer."""
    rate_cold_views: str = "20/minute;200/hour"
    """Per client: callbacks that must compute (a view or indicator nobody has cached yet).
    ``limits`` notation, ``;`` between several; empty = no limit. Warm views never count."""
    rate_reports: str = "6/minute;60/hour"
    """Per client: "Export report" clicks (HTML or PNG; a PNG costs seconds of a worker)."""
    rate_refresh: str = "5/hour"
    """Per client: "Load/Refresh data" clicks on the page (also bounds token guessing)."""
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
    # alerts (service/alerts/, `cli.py alerts check`, the page's header badge)
    alert_rules: Path = ROOT / "alerts.toml"
    """The alert rules file (TOML, docs/alerts.example.toml); absent: no badge on the page."""
    alert_webhook: str = ""
    """`alerts check` posts fired rules here when --webhook is not given ("" = nowhere)."""

    def import_bounds(self, today: date | None = None) -> tuple[date, date]:
        """First and last date an import accepts: import_min_date .. today + days ahead."""
        last = (today or date.today()) + timedelta(days=self.import_max_days_ahead)
        return self.import_min_date, last

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 2**20


def _parse_bool(raw: str) -> bool:
    low = raw.strip().lower()
    if low in {"1", "true", "yes", "on"}:
        return True
    if low in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _parse_import_date(raw: str) -> date:
    """A YYYY-MM-DD date from 1678 on (the store's nanosecond dates start in 1677)."""
    value = date.fromisoformat(raw.strip())
    if value < date(1678, 1, 1):
        raise ValueError(f"expected a date from 1678-01-01 on, got {value}")
    return value


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


def _parse_rate(raw: str) -> str:
    """A ``limits`` rate string ("20/minute;200/hour"), checked; "" = no limit."""
    from limits import parse_many

    text = raw.strip()
    if text:
        parse_many(text)  # raises ValueError naming the bad part
    return text


def _parse_sources(raw: str) -> str:
    """CSP sources: no ``;`` or ``,`` (they would end the directive or the header value)."""
    text = " ".join(raw.split())
    if not text or ";" in text or "," in text:
        raise ValueError(f"expected CSP sources separated by spaces, got {raw!r}")
    return text


_PARSERS: dict[str, Callable[[str], Any]] = {
    "data_dir": _parse_path,
    "cache_dir": _parse_path,
    "redis_url": str.strip,
    "cache_threshold": _int_in(10, 10_000_000),
    "cache_timeout": _int_in(60, 30 * 86_400),
    "local_cache_mb": _int_in(1, 100_000),
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
    "import_min_date": _parse_import_date,
    "import_max_days_ahead": _int_in(0, 3660),
    "celery_broker_url": str.strip,
    "warmup": _parse_bool,
    "kernel_library": _parse_bool,
    "max_request_kb": _int_in(16, 1_048_576),
    "frame_ancestors": _parse_sources,
    "proxy_hops": _int_in(0, 5),
    "rate_cold_views": _parse_rate,
    "rate_reports": _parse_rate,
    "rate_refresh": _parse_rate,
    "run_dir": _parse_path,
    "public_host": str.strip,
    "public_port": _int_in(1, 65535),
    "app_port": _int_in(1, 65535),
    "redis_port": _int_in(1, 65535),
    "redis_maxmemory": _parse_memory,
    "web_workers": _int_in(0, 64),
    "web_threads": _int_in(1, 64),
    "alert_rules": _parse_path,
    "alert_webhook": str.strip,
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
