"""Offline refresh fails fast (issue #11 item 6).

The network layer raises exactly what it raises on a machine without internet: libcurl's
``perform`` fails with curl code 6 (DNS) or 7 (connection refused / no route), curl_cffi turns
that into ``DNSError`` / ``ConnectionError`` and the real ``yfinance.download`` (1.7) logs it
per ticker. Nothing touches the network. One test runs the real CLI in a subprocess on this
machine and is skipped when Yahoo's host name resolves (a CI runner with internet).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import subprocess
import sys
import threading
import time
import warnings
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import cli
from data.errors import SourceError, SourceUnreachable
from data.jobs import load_demo
from data.refresh import run_refresh_cli
from data.sources.yahoo import MAX_BACKOFF_S, fetch_bars
from data.sources.yahoo_errors import UNREACHABLE
from data.store import Store
from tests.conftest import REPO
from tests.fakes.yahoo import FakeYahoo, make_history, sessions

SEE = ". See https://curl.se/libcurl/c/libcurl-errors.html first for more details."
CURL_FAILURES = {
    "dns": (6, "Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com"),
    "refused": (
        7,
        "Failed to perform, curl: (7) Failed to connect to query2.finance.yahoo.com port 443 "
        "after 0 ms: Could not connect to server",
    ),
}
SAYS = {"dns": "Could not resolve host", "refused": "Could not connect to server"}
AFTER_CLOSE = datetime(2024, 3, 1, 23, 0, tzinfo=UTC)


@pytest.fixture(params=sorted(CURL_FAILURES))
def network_down(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """libcurl fails every transfer as it does offline; counts the transfers tried."""
    curl = pytest.importorskip("curl_cffi.curl")
    code, message = CURL_FAILURES[request.param]
    tried: list[int] = []

    def perform(self: Any, *args: Any, **kwargs: Any) -> None:
        tried.append(code)
        raise curl.CurlError(message + SEE, code=code)

    monkeypatch.setattr(curl.Curl, "perform", perform)
    return SimpleNamespace(kind=request.param, says=SAYS[request.param], tried=tried)


def _demo_store(path: Path) -> Store:
    store = Store(path)
    load_demo(store, seed=7, n_tickers=50, years=2)
    return store


def _snapshot(path: Path) -> dict[str, float]:
    """Every file of the store but its lock files (a refresh takes the lock first)."""
    files = (p for p in path.rglob("*") if p.is_file() and not p.name.endswith(".lock"))
    return {str(p.relative_to(path)): p.stat().st_mtime for p in files}


def test_yoff001_real_yfinance_offline_stops_at_first_attempt(network_down: Any) -> None:
    """Real yfinance.download, DNS failure or refused connection: SourceUnreachable after one
    attempt, no back-off, with curl's reason on one line (before: every batch retried)."""
    sleeps: list[float] = []
    tickers = [f"T{i}" for i in range(40)]
    t0 = time.monotonic()
    with pytest.raises(SourceUnreachable) as err:
        fetch_bars(tickers, date(2024, 1, 2), None, batch_size=20, max_retries=4,
                   sleep=sleeps.append)  # fmt: skip
    assert time.monotonic() - t0 < 20.0 and sleeps == []
    message = str(err.value)
    assert message.startswith(UNREACHABLE) and network_down.says in message
    assert "\n" not in message and "curl.se" not in message
    assert 0 < len(network_down.tried) < len(tickers)  # one ticker probed, not all 40


def test_yoff002_cli_refresh_offline_exit3_one_line_store_unchanged(
    network_down: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`cli.py refresh` offline: exit 3 within 20 s, one stderr line, nothing printed on
    stdout, the store's files untouched (before: exit 1 after minutes of back-off)."""
    store = _demo_store(tmp_path / "store")
    version, before = store.version, _snapshot(tmp_path / "store")
    monkeypatch.setenv("BREADTH_DATA_DIR", str(tmp_path / "store"))
    capsys.readouterr()
    t0 = time.monotonic()
    try:
        code = cli.main(["refresh", "--universe", "dow30", "--tickers", "AAPL"])
    except SystemExit as exc:
        code = int(exc.code or 0)
    elapsed = time.monotonic() - t0
    out, err = capsys.readouterr()
    assert code == 3 and elapsed < 20.0, (code, elapsed, err)
    assert out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {UNREACHABLE}"), err
    assert network_down.says in lines[0] and "nothing changed" in lines[0]
    assert Store(tmp_path / "store").version == version
    assert _snapshot(tmp_path / "store") == before


def test_yoff003_ui_refresh_offline_says_why_in_one_line(network_down: Any, tmp_path: Path) -> None:
    """The page's refresh shows the same reason in its one message, store unchanged."""
    from service.refresh import run_ui_refresh
    from settings import load_settings

    store = _demo_store(tmp_path / "store")
    version = store.version
    settings = load_settings(env={}, yahoo_batch_size=50, yahoo_max_retries=4, yahoo_backoff=2.0)
    t0 = time.monotonic()
    out = run_ui_refresh(store, settings, "dow30", "1y")
    assert time.monotonic() - t0 < 20.0
    assert out.kind == "danger" and "\n" not in out.message
    assert out.message.startswith(UNREACHABLE) and network_down.says in out.message
    assert "Nothing changed" in out.message and store.version == version


def _fake() -> FakeYahoo:
    days = sessions("2024-02-01", "2024-03-01")
    hist = {
        t: make_history(days, np.linspace(10, 20, len(days)).tolist())
        for t in ("AAA", "BBB", "CCC")
    }
    return FakeYahoo(histories=hist)


def _fetch(fake: Any, tickers: list[str], **kwargs: Any) -> tuple[Any, list[float]]:
    sleeps: list[float] = []
    opts: dict[str, Any] = dict(download=fake, sleep=sleeps.append, now=AFTER_CLOSE,
                                rng=random.Random(3), backoff_s=2.0)  # fmt: skip
    opts.update(kwargs)
    return fetch_bars(tickers, date(2024, 2, 1), None, **opts), sleeps


def test_yoff004_rate_limited_run_reached_the_source_and_retries_bounded() -> None:
    """A rate limit is an answer: the run has reached Yahoo and keeps its bounded retries
    with back-off (1 + max_retries attempts), never SourceUnreachable."""
    fake = _fake()
    fake.rate_limited = {"AAA": 2, "BBB": 99}
    result, sleeps = _fetch(fake, ["AAA", "BBB", "CCC"], max_retries=3)
    assert result.reached and not result.lost_contact
    assert result.prices.tickers == ["AAA", "CCC"] and list(result.failed) == ["BBB"]
    assert (
        result.failure_kinds["BBB"] == "rate_limit" and "after 4 attempts" in result.failed["BBB"]
    )
    assert len(fake.calls) == 4 and len(sleeps) == 3
    assert [round(s / 2.0) for s in sleeps] == [1, 2, 4] and max(sleeps) <= MAX_BACKOFF_S

    whole = _fake()
    whole.raise_rate_limit = 99  # every call raises YFRateLimitError
    result, sleeps = _fetch(whole, ["AAA", "BBB"], max_retries=2)
    assert result.reached and set(result.failed) == {"AAA", "BBB"}
    assert len(whole.calls) == 3 and len(sleeps) == 2


class _DropsAfter:
    """The fake answers ``answered`` calls, then the network goes down (logged DNSError)."""

    def __init__(self, fake: FakeYahoo, answered: int) -> None:
        self.fake, self.answered = fake, answered

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.fake.network_down = len(self.fake.calls) >= self.answered
        return self.fake(*args, **kwargs)


def test_yoff005_contact_lost_mid_run_stops_after_bounded_retries() -> None:
    """Reached, then DNS fails: that batch keeps its bounded retries, then the run stops (the
    rest is failed, not tried) and keeps what it fetched; no SourceUnreachable."""
    fake = _fake()
    result, sleeps = _fetch(_DropsAfter(fake, 1), ["AAA", "BBB", "CCC"], batch_size=1,
                            max_retries=2)  # fmt: skip
    assert result.reached and result.lost_contact and result.prices.tickers == ["AAA"]
    assert len(fake.calls) == 1 + 3 and len(sleeps) == 2  # CCC never asked for
    assert result.failure_kinds["BBB"] == "unreachable" and "not tried" in result.failed["CCC"]

    never = _fake()
    never.network_down = True
    with pytest.raises(SourceError, match="Could not resolve host"):
        _fetch(never, ["AAA", "BBB", "CCC"], batch_size=1, max_retries=2)
    assert len(never.calls) == 1


class _Noisy:
    """The fake, plus what yfinance 1.7 emits on the way: a WARNING log and a warning."""

    def __init__(self, fake: FakeYahoo) -> None:
        self.fake = fake

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        logging.getLogger("yfinance").warning("Cookie/crumb fetch failed (Timeout), continuing")
        warnings.warn("The inplace keyword in DataFrame.rename is deprecated", FutureWarning,
                      stacklevel=2)  # fmt: skip
        return self.fake(*args, **kwargs)


def test_yoff006_library_warnings_summarised_after_the_bar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Warnings raised during the download do not interleave with the progress bar: they are
    captured and summarised in one note line after it."""
    from data.benchmarks import REFRESH_BENCHMARKS

    fake = _fake()
    for t in REFRESH_BENCHMARKS:
        fake.histories[t] = fake.histories["AAA"]
    store = Store(tmp_path / "store")
    settings = SimpleNamespace(yahoo_batch_size=2, yahoo_max_retries=0, yahoo_backoff=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning escaping the capture would raise here
        code = run_refresh_cli(store, settings, [], ["AAA"], full=False, progress=True,
                               download=_Noisy(fake))  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0
    lines = [line for line in err.replace("\r", "\n").splitlines() if line.strip()]
    notes = [line for line in lines if line.startswith("note: ")]
    batches = len(fake.calls)  # one warning of each kind per download call
    assert len(notes) == 1 and lines[-1] == notes[0]
    assert f"{batches}x yfinance: Cookie/crumb fetch failed" in notes[0]
    assert f"{batches}x FutureWarning: The inplace keyword" in notes[0]
    assert sum("Cookie/crumb" in line for line in lines) == 1


def _resolves(host: str, timeout_s: float) -> bool:
    """Whether ``host`` resolves within ``timeout_s`` (a hung resolver counts as offline)."""
    answer: list[bool] = []

    def look() -> None:
        try:
            socket.getaddrinfo(host, 443)
            answer.append(True)
        except OSError:
            answer.append(False)

    worker = threading.Thread(target=look, daemon=True)
    worker.start()
    worker.join(timeout_s)
    return bool(answer and answer[0])


def test_yoff007_real_process_offline_exits_3_within_20s(tmp_path: Path) -> None:
    """`python cli.py refresh --tickers AAPL` on this offline machine (before: 65 s, exit 1)."""
    if _resolves("query1.finance.yahoo.com", 2.0):
        pytest.skip("Yahoo Finance resolves here: this machine is online")
    env = {**os.environ, "BREADTH_DATA_DIR": str(tmp_path / "store")}
    t0 = time.monotonic()
    res = subprocess.run(
        [sys.executable, str(REPO / "cli.py"), "refresh", "--tickers", "AAPL"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    elapsed = time.monotonic() - t0
    assert res.returncode == 3 and elapsed < 20.0, (res.returncode, elapsed, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {UNREACHABLE}"), res.stderr
    assert res.stdout == "" and Store(tmp_path / "store").is_empty()
