"""Browser tests (dash_duo): Debian chromium + chromedriver, headless; skipped when absent."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
HAVE_BROWSER = Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1440,900",
)


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config.option, "headless"):
        config.option.headless = True
    if HAVE_BROWSER and hasattr(config.option, "webdriver"):
        config.option.webdriver = "Chrome"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not HAVE_BROWSER or shutil.which("chromedriver") is None:
                item.add_marker(pytest.mark.skip(reason="chromium/chromedriver not installed"))


def pytest_setup_options() -> Any:
    """dash_duo's ChromeOptions: the Debian chromium binary, headless, no sandbox."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = CHROMIUM
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    return options


@pytest.fixture(autouse=True)
def _warmups_stopped_before_the_server(request: pytest.FixtureRequest) -> Iterator[None]:
    """Stop the apps' background warm-ups before dash_duo stops its server.

    dash_duo stops a Flask app by raising SystemExit asynchronously in every thread started
    since the server started (``dash.testing.application_runners.KillerThread``). A warm-up
    thread started earlier (when the app was built) survives that, but its thread-pool
    workers do not: the warm-up then waits forever for a dead worker, holding the pools'
    global shutdown lock, and a later test hangs (seen twice in CI dry runs: a warm-up stuck
    in ``Thread.start``, then in ``ThreadPoolExecutor.shutdown``). Requesting dash_duo here
    makes this teardown run before dash_duo's."""
    duo = request.getfixturevalue("dash_duo") if "dash_duo" in request.fixturenames else None
    yield
    from server.warmup import stop_all
    from tests.browser.duo import settle

    if duo is not None:
        settle(duo)  # no callback in flight when dash_duo stops its server

    stop_all(timeout=60.0)


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated market (fixed seed, 300 tickers × 4 years)."""
    from data.jobs import load_demo
    from data.store import Store

    root = tmp_path_factory.mktemp("browser") / "store"
    load_demo(Store(root), seed=3, n_tickers=300, years=4)
    return root


@pytest.fixture()
def breadth_app(demo_store: Path, tmp_path: Path) -> Iterator[Any]:
    from app import create_app
    from settings import load_settings

    yield create_app(load_settings(env={}, data_dir=demo_store, cache_dir=tmp_path / "cache"))
