"""The page's refresh job called directly with the offline fake yfinance (no browser)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from dash import no_update

from data.benchmarks import REFRESH_BENCHMARKS
from data.refresh.plan import RefreshProgress
from data.sources.yahoo_errors import UNREACHABLE
from data.store import Store
from service.refresh import refresh_mode, run_ui_refresh, token_ok
from settings import load_settings
from tests.fakes.market import TINY, demo_store_with_tiny, fake_market
from tests.fakes.yahoo import FakeYahoo

NOW = datetime(2024, 3, 1, 23, 0, tzinfo=UTC)  # the day's bar is final in New York
SETTINGS = load_settings(env={}, yahoo_batch_size=4, yahoo_max_retries=0, yahoo_backoff=0.0)
N_TICKERS = len(TINY) + len(REFRESH_BENCHMARKS)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store(demo_store_with_tiny(tmp_path))


def test_uirefresh001_progress_in_order_and_demo_replaced(store: Store) -> None:
    seen: list[RefreshProgress] = []
    old = store.version
    out = run_ui_refresh(
        store, SETTINGS, "tiny", "1y", download=fake_market(NOW.date()), progress=seen.append,
        now=NOW,
    )  # fmt: skip
    batches = -(-N_TICKERS // SETTINGS.yahoo_batch_size)
    assert [p.batches_done for p in seen] == list(range(1, batches + 1))
    assert {p.batches_total for p in seen} == {batches}
    assert all(p.tickers_failed == 0 and p.eta_s is not None for p in seen)
    assert seen[-1].eta_s == 0
    assert out.kind == "success" and out.version == store.version != old
    m = store.manifest()
    assert not m.get("simulated") and m["source"]["kind"] == "yahoo"
    assert set(TINY) <= set(store.last_dates().index)
    assert m["first_date"] >= "2023-03-01"  # one year of history asked for
    assert "replaced the simulated demo" in out.message


def test_uirefresh002_cancel_leaves_the_store_at_its_old_version(store: Store) -> None:
    old, calls = store.version, []

    def cancel_after_first_batch() -> bool:
        return len(calls) >= 1

    out = run_ui_refresh(
        store, SETTINGS, "tiny", "1y", download=fake_market(NOW.date()),
        progress=calls.append, cancel=cancel_after_first_batch, now=NOW,
    )  # fmt: skip
    assert len(calls) == 1 and out.kind == "info" and out.version is None
    assert out.message.startswith("Cancelled") and old in out.message
    assert store.version == old and store.manifest()["simulated"] is True


def test_uirefresh003_offline_fails_fast_and_keeps_the_demo(store: Store) -> None:
    old = store.version
    fake = FakeYahoo(network_down=True)
    t0 = time.monotonic()
    out = run_ui_refresh(store, SETTINGS, "sp500", "5y", download=fake, now=NOW)
    assert time.monotonic() - t0 < 5.0 and len(fake.calls) == 1  # the probe only
    assert out.kind == "danger" and UNREACHABLE in out.message
    assert "Nothing changed" in out.message
    assert store.version == old and store.manifest()["simulated"] is True


def test_uirefresh004_unknown_universe_is_reported_not_raised(store: Store) -> None:
    out = run_ui_refresh(store, SETTINGS, "nope", "1y", download=FakeYahoo(), now=NOW)
    assert out.kind == "danger" and "unknown universe" in out.message


@pytest.mark.parametrize(
    ("env", "local", "mode"),
    [
        ({}, True, "open"),
        ({"BREADTH_REFRESH_TOKEN": "t"}, True, "token"),
        ({}, False, "off"),
        ({"BREADTH_ALLOW_UI_REFRESH": "true"}, False, "off"),  # allowed but no token: off
        ({"BREADTH_REFRESH_TOKEN": "t"}, False, "off"),  # token but not allowed: off
        ({"BREADTH_ALLOW_UI_REFRESH": "1", "BREADTH_REFRESH_TOKEN": "t"}, False, "token"),
    ],
)
def test_uirefresh005_hosted_mode_gate(env: dict[str, str], local: bool, mode: str) -> None:
    settings = load_settings(env=env)
    assert refresh_mode(settings, local=local) == mode
    if mode == "token":
        assert token_ok(settings, "token", "t") and not token_ok(settings, "token", "T")
        assert not token_ok(settings, "token", None)
    if mode == "off":
        assert not token_ok(settings, "off", settings.refresh_token or "t")


def test_uirefresh006_background_job_body_lands_a_version(tmp_path: Path) -> None:
    """components.refresh.callbacks.refresh_job as the Dash job runs it (no app context)."""
    from app import create_app
    from components.refresh.callbacks import DOWNLOAD_KEY, refresh_job

    root = demo_store_with_tiny(tmp_path)
    env = {"BREADTH_ALLOW_UI_REFRESH": "true", "BREADTH_REFRESH_TOKEN": "s3cret"}
    app = create_app(load_settings(env=env, data_dir=root, cache_dir=tmp_path / "cache"))
    app.server.config[DOWNLOAD_KEY] = fake_market(datetime.now(UTC).date())
    sent: list[Any] = []
    alert, data = refresh_job(app.server, sent.append, 1, "tiny", "1y", "wrong")
    assert "token is wrong" in str(alert.children) and data is no_update and not sent
    alert, data = refresh_job(app.server, sent.append, 1, "tiny", "1y", "s3cret")
    assert data == {"version": Store(root).version, "universe": "tiny"}
    assert "Loaded tiny" in str(alert.children)
    values = [v[0] for v in sent]
    assert values == sorted(values) and values[-1] == sent[-1][1]  # value reaches max
    assert "tickers failed so far" in sent[0][3]
