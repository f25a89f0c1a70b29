"""Hostile and bad input: URL query strings, imported files, exports, errors, paths.

The URL tests send query strings to the real app (``create_app`` over Flask's test client,
the callbacks posted as the renderer posts them): never a 500, always a view, and a notice
whenever something was ignored.
"""

from __future__ import annotations

import ast
import io
import json
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.apptools import DashClient
from components.url.fields import KEYS
from components.url.values import MAX_WINDOW, MIN_WINDOW
from data.csvsafe import safe_frame, safe_text
from data.errors import InputError
from data.jobs import import_files, load_demo
from data.store import Store
from data.tickers import MAX_LIST_LENGTH, validate_ticker_list
from server.guards import GENERIC_ERROR

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from app import create_app
    from settings import load_settings

    root = tmp_path_factory.mktemp("hostile")
    load_demo(Store(root / "store"), seed=5, n_tickers=60, years=2)
    app = create_app(load_settings(data_dir=root / "store", cache_dir=root / "cache",
                                   redis_url=""))  # fmt: skip
    return app.server


def _view(server: Any, search: str) -> tuple[dict[str, Any], str]:
    """GET / with the query, then the URL-sync callback; (VIEW store, notices text)."""
    r = server.test_client().get("/" + search)
    assert r.status_code == 200
    client = DashClient.over_flask(server, search=search)
    resp = client.fire("view-state.data")  # raises on any status but 200/204
    assert resp.status == 200
    return client.props["view-state"]["data"], json.dumps(resp.values.get("url-notices", {}))


VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["0", "1000000000", "-5", "4", "401", "1e9", "２００", "NaN", "",
                     "9999-99-99", "2030-01-01", "1900-01-01", "2024-02-30", "../../etc/passwd",
                     "%00", "<script>", "intraday", "ratio", "all", "Sim-Large"]),
)  # fmt: skip
KEYS_ST = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=8))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=st.lists(st.tuples(KEYS_ST, VALUES), max_size=12), raw=st.booleans())
def test_hostile001_any_query_string_gives_a_view_never_a_500(
    server: Any, pairs: list[tuple[str, str]], raw: bool
) -> None:
    if raw:  # not even URL-encoded: what a hand-edited link may hold
        search = "?" + "&".join(f"{k}={v}" for k, v in pairs)
    else:
        search = "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)
    view, notices = _view(server, search)
    assert MIN_WINDOW <= view["fast"] < view["slow"] <= MAX_WINDOW
    keys = [k for k, _ in pairs]
    unknown = any(k not in KEYS for k in keys) and not raw
    repeated = len(set(keys)) < len(keys) and not raw
    if unknown or repeated:
        assert notices.count("ignored") + notices.count("times") >= 1, (search, notices)


@pytest.mark.parametrize(
    "search, notice",
    [
        ("?u=" + "x" * 50_000, "too long"),
        ("?" + "&".join(f"k{i}=1" for i in range(200)), "more than"),
        ("?start=2030-01-01&end=2020-01-01", "after"),
        ("?start=1800-01-01", "before the stored data"),
        ("?u=nosuchuniverse", "unknown universe"),
        ("?u=../../etc/passwd", "unknown universe"),
        ("?fast=0", "outside"),
        ("?slow=1000000000", "outside"),
        ("?fast=120&slow=60", "not shorter"),
        ("?u=all&u=all", "2 times"),
        ("?u=%E2%98%83%F0%9F%92%A5", "unknown universe"),
    ],
)
def test_hostile002_named_bad_links_get_a_notice(server: Any, search: str, notice: str) -> None:
    _, notices = _view(server, search)
    assert notice in notices, notices


def test_hostile003_forced_callback_exception_returns_a_generic_error(
    server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from components.breadth import views

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail /etc/shadow")

    monkeypatch.setattr(views, "breadth_panels", boom)
    client = DashClient.over_flask(server, search="?u=all&fast=21&slow=99")
    client.fire("view-state.data")
    with pytest.raises(RuntimeError) as err:
        client.fire("chart-participation.figure")
    text = str(err.value)
    assert "HTTP 500" in text and GENERIC_ERROR[:40] in text
    assert "secret" not in text and "Traceback" not in text and "File " not in text
    assert server.debug is False  # BREADTH_DEBUG is off unless asked for


def test_hostile004_no_request_value_reaches_the_file_system() -> None:
    """Audit: the modules that handle requests never open files or build paths.

    components/ (callbacks, views), server/routes.py and server/guards.py may not call
    open/Path/os.* file functions or readers; the store is reached only through the service,
    whose universe names are looked up in the manifest, never joined into a path.
    """
    banned = {"open", "Path", "read_csv", "read_parquet", "read_table", "send_file",
              "send_from_directory", "listdir", "remove", "unlink", "rmtree"}  # fmt: skip
    files = [*(ROOT / "components").rglob("*.py"), ROOT / "server" / "routes.py",
             ROOT / "server" / "guards.py"]  # fmt: skip
    hits = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")
                if name in banned:
                    hits.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno} {name}")
    # reviewed: paths built from settings and constants only, never from a request value
    allowed = {
        ("server/routes.py", "Path"),  # /healthz: the store root and the manifest's own names
        ("components/refresh/callbacks.py", "Path"),  # settings.cache_dir / CANCEL_FILE
        ("components/refresh/callbacks.py", "unlink"),  # that same cancel flag
        ("components/report/export.py", "Path"),  # the PNG zip's TemporaryDirectory (was reports/)
    }
    new = [h for h in hits if (h.split(":")[0], h.split()[-1]) not in allowed]
    assert new == [], f"review these file-system calls in request code: {new}"


def test_hostile005_universe_names_are_looked_up_not_joined(tmp_path: Path) -> None:
    from data.universes import get_universe

    store = Store(tmp_path)
    load_demo(store, seed=1, n_tickers=30, years=2)
    for name in ("../../etc/passwd", "/etc/passwd", "..", "a\x00b", "~root"):
        with pytest.raises(InputError):
            get_universe(store, name)


# -- imports: a clear message, nothing stored ---------------------------------------------------


def _long(rows: int = 30) -> pd.DataFrame:
    dates = pd.bdate_range("2024-01-01", periods=rows)
    return pd.DataFrame({"date": np.repeat(dates, 2).strftime("%Y-%m-%d"),
                         "ticker": ["AAA", "BBB"] * rows,
                         "close": np.linspace(10, 20, 2 * rows)})  # fmt: skip


def _bad_files() -> dict[str, tuple[pd.DataFrame | bytes, str]]:
    base = _long()
    neg, nan, huge, text = base.copy(), base.copy(), base.copy(), base.copy()
    neg.loc[5, "close"] = -3.0
    nan.loc[7, "close"] = np.nan
    huge.loc[3, "close"] = 1e300
    text["close"] = text["close"].astype(str)
    text.loc[4, "close"] = "ten"
    mixed = base.copy()
    mixed.loc[6, "date"] = "03/01/2024"
    dup = pd.concat([base, base.iloc[[2]].assign(close=99.0)])
    return {
        "wrong-type": (text, "not a number"),
        "missing-column": (base.drop(columns="close"), "missing column"),
        "duplicate-rows": (dup, "duplicate"),
        "huge-value": (huge, "implausibly large"),
        "negative-price": (neg, ""),
        "nan": (nan, ""),
        "mixed-dates": (mixed, "date"),
        "binary-garbage": (os.urandom(4000), ""),
    }


@pytest.mark.parametrize("case", list(_bad_files()))
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_hostile006_bad_import_is_refused_and_nothing_stored(
    tmp_path: Path, case: str, fmt: str
) -> None:
    store = Store(tmp_path / "store")
    import_files(store, [_write(tmp_path / f"good.{fmt}", _long())], replace=True)
    before = store.version
    content, words = _bad_files()[case]
    path = _write(tmp_path / f"{case}.{fmt}", content)
    if case == "nan":  # a missing close is a missing bar, not an error: stored as NaN
        import_files(store, [path], replace=False)
        return
    with pytest.raises(InputError) as err:
        import_files(store, [path], replace=False)
    assert path.name in str(err.value) and words in str(err.value), str(err.value)
    assert store.version == before


def _write(path: Path, content: pd.DataFrame | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif path.suffix == ".csv":
        content.to_csv(path, index=False)
    else:
        content.to_parquet(path, index=False)
    return path


def test_hostile007_a_2gb_file_is_refused_by_size_without_reading_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    big = tmp_path / "huge.csv"
    with big.open("wb") as fh:
        fh.truncate(2 * 2**30)  # sparse: no disk used, nothing to read
    t0 = time.perf_counter()
    with pytest.raises(InputError) as err:
        import_files(store, [big], replace=True)
    assert time.perf_counter() - t0 < 2.0
    assert "MiB" in str(err.value) and "limit" in str(err.value)
    assert store.is_empty()


# -- ticker lists typed by a user; exports -----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_hostile008_typed_ticker_lists_are_validated(text: str) -> None:
    try:
        tickers = validate_ticker_list(text)
    except InputError as exc:
        assert str(exc)
        return
    assert 0 < len(tickers) <= MAX_LIST_LENGTH
    assert all(t and len(t) <= 15 and t.isascii() and t == t.upper() for t in tickers)
    assert not any(c in t for t in tickers for c in "/\\\x00 ")


def test_hostile009_exported_text_cells_cannot_be_formulas(tmp_path: Path) -> None:
    cols = {"=cmd|' /C calc'!A0": [1.0, -2.5], "note": ["@SUM(1)", "+1"], "ok": ["-x", "y"]}
    frame = pd.DataFrame(cols, index=pd.Index(["a", "b"], name="date"))
    buf = io.StringIO()
    safe_frame(frame).to_csv(buf)
    cells = [c for line in buf.getvalue().splitlines() for c in line.split(",")]
    assert not [c for c in cells if c.startswith(("=", "+", "@")) or c.startswith("-x")]
    assert "-2.5" in cells  # numbers stay numbers
    assert safe_text("=1") == "'=1" and safe_text(-1.0) == -1.0
    # the service's export applies it
    from service.exports import export_breadth_csv

    store = Store(tmp_path / "s")
    load_demo(store, seed=1, n_tickers=30, years=2)
    text = export_breadth_csv(store)
    assert text.splitlines()[0].startswith("date,")
    assert all(not c.startswith(("=", "+", "@")) for c in text.splitlines()[0].split(","))
