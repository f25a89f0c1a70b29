"""The store-swap data checks (test_load001, stack008) digest only responses carrying data.

stack008 (the hosted stack) reported chart responses "carrying data matching neither content
of their version" and, in other runs, a (version, view) with two digests. None was wrong data
(an in-process run of 8 threads over 9 views while another thread swapped the store every
0.7 s: 241 responses, 0 wrong; the parallel kernel from 6 threads: 180 calls, 0 differ). They
came from the check itself (bench/loadgen.py):

- a date-range change answers with a Patch, which has no ``data``: it was digested as
  ``sha1("null")`` (2be88ca4242c76e8), a second "data" for its (version, view);
- the reference digests were taken from one address; its cold-view budget (20/minute) ran out
  during the third warm-up, so a refused view's message chart (97d170e1550eee4a, status 200)
  became the reference of content A, and every correct response of that view looked wrong.
  A user refused while browsing got the same message chart, recorded as that view's data.
"""

from __future__ import annotations

import pytest

from bench.apptools import DashClient
from bench.loadgen import CHARTS, LIMITED_HEADER, SYNC, figure_digest, response_digest, warm_up
from data.jobs import load_demo
from data.store import Store
from settings import load_settings


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> object:
    from app import create_app

    tmp = tmp_path_factory.mktemp("loadgen")
    load_demo(Store(tmp / "store"), seed=1, n_tickers=40, years=2)
    settings = load_settings(env={}, data_dir=tmp / "store", cache_dir=tmp / "cache",
                             redis_url="", warmup=False, rate_cold_views="2/minute")  # fmt: skip
    return create_app(settings).server


def _client(server: object, search: str, ip: str, last: dict[str, object]) -> DashClient:
    """A DashClient over Flask from ``ip``; ``last`` keeps the last POST's response."""
    http = server.test_client()  # type: ignore[attr-defined]

    def get(path: str) -> bytes:
        return bytes(http.get(path).data)

    def post(path: str, body: dict[str, object]) -> tuple[int, bytes]:
        r = http.post(path, json=body, environ_base={"REMOTE_ADDR": ip})
        last["response"] = r
        return r.status_code, bytes(r.data)

    return DashClient(get, post, search)


def test_a_date_range_patch_has_no_digest(server: object) -> None:
    last: dict[str, object] = {}
    c = _client(server, "?u=all", "127.0.1.1", last)
    c.fire(SYNC)
    assert figure_digest(c.fire(CHARTS).values)  # a full figure: digested
    c.set("date-range", start_date="2025-06-02")
    assert "view-range" in c.fire("view-range.data", ["date-range.start_date"]).values
    values = c.fire(CHARTS, ["view-range.data"]).values
    assert "data" not in values["chart-participation"]["figure"]  # a Patch of the ranges
    assert figure_digest(values) == ""  # was sha1("null"): a second "data" for the view
    r = last["response"]
    assert response_digest(r.headers, r.data) == ""  # type: ignore[attr-defined]


def test_a_refused_view_is_no_data_and_no_reference(server: object) -> None:
    last: dict[str, object] = {}
    ip = "127.0.2.1"
    digests, refused = [], []
    for u in ("all", "sim-large", "sim-all"):  # three cold views, a budget of two
        c = _client(server, f"?u={u}&fast=30&slow=120", ip, last)
        c.fire(SYNC)
        values = c.fire(CHARTS).values
        r = last["response"]
        refused.append(r.headers.get(LIMITED_HEADER, ""))  # type: ignore[attr-defined]
        digests.append(response_digest(r.headers, r.data))  # type: ignore[attr-defined]
        assert figure_digest(values)  # a message chart is a figure with (empty) data
    assert refused == ["", "", "cold-views"]
    assert digests[0] and digests[1] and digests[2] == ""

    # the reference digests: a refused view raises instead of becoming the reference
    with pytest.raises(RuntimeError, match="carries no data"):
        warm_up("", ["all"], client=lambda search: _client(server, search, ip, {}))
    n = iter(range(1, 250))
    ref = warm_up("", ["all"],
                  client=lambda s: _client(server, s, f"127.0.3.{next(n)}", {}))  # fmt: skip
    assert len(ref) == 3 and all(ref.values())
