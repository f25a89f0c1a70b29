"""warmup: the default view is computed in the background at the first request and after a
store write; callbacks that arrive meanwhile wait for it instead of computing twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from settings import load_settings

jobs = pytest.importorskip("data.jobs")


@pytest.fixture()
def app(tmp_path: Path) -> Iterator[Any]:
    from app import create_app
    from data.store import Store

    jobs.load_demo(Store(tmp_path / "store"), seed=2, n_tickers=150, years=3)
    yield create_app(load_settings(env={}, data_dir=tmp_path / "store", cache_dir=tmp_path / "c"))


def _warmer(app: Any) -> Any:
    from server.warmup import KEY

    return app.server.extensions[KEY]


def test_wu001_first_request_warms_the_default_view(app: Any) -> None:
    from components.breadth import views
    from components.context import choices, service_of
    from components.url.query import parse_query

    warmer, svc = _warmer(app), service_of(app.server)
    client = app.server.test_client()
    assert client.get("/healthz").status_code in (200, 503)  # a probe does not warm
    assert warmer.warmed == "" and svc.stats["computed"] == 0
    assert client.get("/_dash-layout").status_code == 200
    assert warmer.wait(30) and warmer.warmed == svc.store.version
    computed = svc.stats["computed"]
    assert computed >= 3  # breadth, context, closes (and the equal-weight legs)
    state, _ = parse_query("", choices(svc))
    views.breadth_panels(svc, state)
    views.rotation(svc, state)
    assert svc.stats["computed"] == computed  # the callbacks' frames were all warm
    from components.breadth import views_windows

    views_windows.windows_chart(svc, state)  # and the window-set figures (issue #15)
    views_windows.net_highs_chart(svc, state)
    assert svc.stats["computed"] == computed


def test_wu002_same_version_warms_once_and_a_store_write_warms_again(
    app: Any, tmp_path: Path
) -> None:
    from data.universes import add_universe_file

    warmer = _warmer(app)
    svc = warmer.svc
    client = app.server.test_client()
    client.get("/_dash-layout")
    assert warmer.wait(30)
    first = warmer.warmed
    assert not warmer.maybe_start()  # same data version: nothing to do
    tickers = svc.store.read_universe("sim-large")[1]["ticker"][:5]
    (tmp_path / "mine.txt").write_text("\n".join(tickers))
    add_universe_file(svc.store, "mine", tmp_path / "mine.txt")
    client.get("/_dash-layout")
    assert warmer.wait(30)
    assert warmer.warmed == svc.store.version != first
    assert set(warmer.seconds) == {first, warmer.warmed}


def test_wu003_callback_waits_for_a_running_warmup(app: Any) -> None:
    warmer = _warmer(app)
    warmer.done.clear()  # as if a warm-up were running, the default view not yet warm
    warmer.default_done.clear()
    seen: list[bool] = []

    def release() -> None:  # the pretend warm-up has the default view after 0.3 s
        seen.append(warmer.default_done.is_set())
        warmer.default_done.set()
        warmer.done.set()

    timer = threading.Timer(0.3, release)
    timer.start()
    client = app.server.test_client()
    client.post("/_dash-update-component", json={})  # any body: the hook runs first
    timer.join()
    assert seen == [False] and warmer.done.is_set()


def test_wu004_failure_is_logged_not_raised(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    warmer = _warmer(app)

    class Broken:
        version = "v-broken"
        root = Path("/nonexistent")

        def is_empty(self) -> bool:
            raise OSError("disk gone")

    warmer.svc = type("Svc", (), {"store": Broken()})()
    assert warmer.maybe_start()
    assert warmer.wait(10)
    assert "warm-up of the default view failed: disk gone" in caplog.text
