"""Alerts (issue #15 item 6): the rules file, evaluation on a hand-made store with known
values, and ``cli.py alerts check`` with its webhook posted to a local HTTP server."""

from __future__ import annotations

import itertools
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cli
from data.errors import InputError
from data.model import Prices, UniverseInfo
from data.store import Store
from indicators.signals import compare, crossing
from service.alerts.check import evaluate
from service.alerts.rules import Rule, load_rules, parse_rules
from service.breadth import BreadthQuery, BreadthService

REPO = Path(__file__).resolve().parents[2]
DAYS = pd.bdate_range("2024-01-01", periods=30, name="date")


def _hand_made_close() -> pd.DataFrame:
    """Two universes of four stocks, 30 sessions (day i = DAYS[i]).

    ``trend``: A and B rise every day; C rises to day 19, falls 5 a day to day 24, then rises
    1 a day; D falls every day. So advances = 3 on days 1-19 and 25-29, 2 on days 20-24;
    % above the 5-day average (close > mean of the last 5 closes, defined from day 4) is 75
    on days 4-19, 50 on days 20-26 (C below: day 26 96 < 97.6), 75 from day 27 (97 > 96.2).
    ``thrust``: E-H fall on days 1-9 and rise from day 10: advances/(adv+dec) is 0 %, then
    100 %; its 10-day EMA (α = 2/11) is 0 on day 9, 100·(1-(9/11)^k) k days into the rise:
    55.2 on day 13 (k = 4), 63.3 on day 14 (k = 5): the Zweig thrust fires on day 14."""
    i = np.arange(len(DAYS), dtype="float64")
    c = np.where(i <= 19, 100 + i, np.where(i <= 24, 119 - 5 * (i - 19), 94 + (i - 24)))
    fall_rise = np.where(i <= 9, 100 - i, 91 + (i - 9))
    cols = {"A": 100 + i, "B": 50 + i, "C": c, "D": 200 - i}
    cols |= {t: fall_rise * (1 + k / 10) for k, t in enumerate("EFGH")}
    return pd.DataFrame(cols, index=DAYS)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    close = _hand_made_close()
    path = tmp_path_factory.mktemp("alerts-store")
    store = Store(path)
    info = pd.DataFrame({"ticker": close.columns, "name": close.columns, "sector": "",
                         "kind": "stock"})  # fmt: skip
    store.write_prices(Prices(close=close), source_kind="files", source_label="hand-made",
                       ticker_info=info)  # fmt: skip
    for name, tickers in (("trend", "ABCD"), ("thrust", "EFGH")):
        store.write_universe(
            UniverseInfo(name, name, point_in_time=False, note="hand-made"),
            pd.DataFrame({"ticker": list(tickers), "start_date": DAYS[0], "end_date": pd.NaT}),
        )
    return path


@pytest.fixture(scope="module")
def svc(store_dir: Path) -> BreadthService:
    return BreadthService(Store(store_dir))


def rule(**kw: Any) -> Rule:
    return parse_rules(
        "[[rule]]\n" + "\n".join(f"{k} = {json.dumps(v)}" for k, v in kw.items()), "t"
    )[0]


# -- the pure conditions ------------------------------------------------------------------


def test_alerts001_crossing_and_compare_hand_table() -> None:
    s = pd.Series([np.nan, 40.0, 50.0, 50.0, 49.9, 60.0, np.nan, 55.0, 45.0])
    up = [False, False, True, False, False, True, False, False, False]
    down = [False, False, False, False, True, False, False, False, True]
    assert crossing(s, 50.0, "up").tolist() == up  # at the level counts as above
    assert crossing(s, 50.0, "down").tolist() == down
    assert compare(s, ">=", 50.0).tolist() == [False, False, True, True, False, True, False,
                                               True, False]  # fmt: skip
    assert compare(s, ">", 50.0).tolist() == [False] * 5 + [True, False, True, False]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(0, 6).map(float)), min_size=1, max_size=40),
    st.integers(0, 6).map(float),
    st.sampled_from(["up", "down"]),
)
def test_alerts002_crossing_equals_naive_loop(
    values: list[float | None], level: float, direction: str
) -> None:
    s = pd.Series([np.nan if v is None else v for v in values])
    naive = [False]
    for prev, cur in itertools.pairwise(values):
        if prev is None or cur is None:
            naive.append(False)
        elif direction == "up":
            naive.append(prev < level <= cur)
        else:
            naive.append(cur < level <= prev)
    assert crossing(s, level, direction).tolist() == naive


# -- rules files ----------------------------------------------------------------------------


def test_alerts003_example_file_parses() -> None:
    rules = load_rules(REPO / "docs" / "alerts.example.toml")
    assert [r.signal for r in rules] == ["threshold"] * 3 + [
        "zweig_thrust",
        "crossing",
        "divergence",
    ]
    assert rules[0] == Rule(
        "S&P 500 washed out", "sp500", series="pct_above_200dma", comparator="<", threshold=20.0
    )
    assert rules[2].threshold == -100.0 and rules[2].series == "mcclellan_osc"
    assert rules[3] == Rule("Zweig breadth thrust", "sp500", signal="zweig_thrust")
    assert rules[4] == Rule("S&P 500 back above 50% over the 200-day", "sp500",
                            signal="crossing", series="pct_above_200dma", level=50.0,
                            direction="up")  # fmt: skip
    assert rules[4].condition() == "pct_above_200dma crosses 50 up"
    assert rules[5] == Rule("S&P 500 bearish divergence", "sp500", signal="divergence",
                            kind="bearish", near_pct=2.0, trail=50)  # fmt: skip


GOOD = '[[rule]]\nname = "r"\nuniverse = "trend"\nseries = "advances"\ncomparator = ">="\n'
BAD_FILES = [
    ("[[rule]\n", "not valid TOML: Expected ']]' at the end of an array declaration (at line 1, "
     "column 7)"),
    ("", "no rules (add [[rule]] tables, see docs/alerts.example.toml)"),
    ('title = "x"\n', "unknown top-level key 'title' (rules are [[rule]])"),
    (GOOD + "threshold = 3\ncolour = 1\n", "rule 'r': unknown key 'colour'"),
    (GOOD, "rule 'r': missing key 'threshold' (needed by a threshold rule)"),
    (GOOD + 'threshold = "3"\n', "rule 'r': threshold must be a number, not a string '3'"),
    (GOOD + "threshold = true\n", "rule 'r': threshold must be a number, not a boolean True"),
    (GOOD.replace('">="', '"=>"') + "threshold = 3\n",
     "rule 'r': comparator = '=>': must be one of <, <=, >, >="),
    (GOOD.replace("advances", "pct_above_3dma") + "threshold = 3\n",
     "rule 'r': series = 'pct_above_3dma': unknown series 'pct_above_3dma' (a column of "
     "`export breadth`, e.g. pct_above_200dma, pct_above_20dma, pct_new_highs_52w, "
     "pct_new_highs_4w, mcclellan_osc)"),
    ('[[rule]]\nname = "z"\nuniverse = "trend"\nsignal = "zweig"\n',
     "rule 'z': unknown signal 'zweig' (known: zweig_thrust, crossing, divergence)"),
    ('[[rule]]\nname = "z"\nuniverse = "trend"\nsignal = "zweig_thrust"\nthreshold = 1\n',
     "rule 'z': key 'threshold' does not apply to signal 'zweig_thrust'"),
    ('[[rule]]\nname = "c"\nuniverse = "trend"\nsignal = "crossing"\nseries = "advances"\n'
     'level = 2\ndirection = "sideways"\n',
     "rule 'c': direction = 'sideways': must be one of up, down"),
    ('[[rule]]\nname = "d"\nuniverse = "trend"\nsignal = "divergence"\nkind = "sideways"\n',
     "rule 'd': kind = 'sideways': must be one of bearish, bullish"),
    ('[[rule]]\nname = "d"\nuniverse = "trend"\nsignal = "divergence"\nnear_pct = 1\n',
     "rule 'd': missing key 'kind' (needed by signal 'divergence')"),
    ('[[rule]]\nname = "d"\nuniverse = "trend"\nsignal = "divergence"\nkind = "bullish"\n'
     "near_pct = 100\n", "rule 'd': near_pct = 100: must be from 0 to below 100"),
    ('[[rule]]\nname = "d"\nuniverse = "trend"\nsignal = "divergence"\nkind = "bullish"\n'
     "trail = 2.5\n", "rule 'd': trail must be a whole number, not a number 2.5"),
    ('[[rule]]\nname = "d"\nuniverse = "trend"\nsignal = "divergence"\nkind = "bullish"\n',
     "rule 'd': no benchmark series in the store (looked for SPY, IVV, VOO, ^GSPC, SIM:LARGE)"),
    ('[[rule]]\nuniverse = "trend"\nsignal = "zweig_thrust"\n',
     "rule #1: missing key 'name' (needed by signal 'zweig_thrust')"),
    ('[[rule]]\nname = ""\nuniverse = "trend"\nsignal = "zweig_thrust"\n',
     "rule #1: name = '': must not be empty"),
    ('[[rule]]\nname = "z"\nuniverse = "trend"\nsignal = "zweig_thrust"\n' * 2,
     "rule 'z': a second rule with this name"),
    ('[[rule]]\nname = "u"\nuniverse = "nowhere"\nsignal = "zweig_thrust"\n',
     "rule 'u': unknown universe 'nowhere'"),
]  # fmt: skip


class Hook:
    """A local webhook on 127.0.0.1 (ephemeral port): records each POST, answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.posts: list[tuple[dict[str, str], bytes]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.posts.append((dict(self.headers), body))
                self.send_response(hook.status)
                if 300 <= hook.status < 400:
                    self.send_header("Location", "/elsewhere")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/secret-token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture()
def hook() -> Iterator[Hook]:
    h = Hook()
    yield h
    h.close()


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    store_dir: Path,
    *args: str,
) -> tuple[int, str, str]:
    """``cli.main(["alerts", "check", *args])`` in-process: (exit code, stdout, stderr)."""
    monkeypatch.setenv("BREADTH_DATA_DIR", str(store_dir))
    monkeypatch.delenv("BREADTH_ALERT_WEBHOOK", raising=False)
    capsys.readouterr()
    try:
        code = cli.main(["alerts", "check", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_alerts004_bad_file_one_line_exit2_nothing_sent(
    text: str,
    message: str,
    store_dir: Path,
    tmp_path: Path,
    hook: Hook,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    code, out, err = run(monkeypatch, capsys, store_dir, "--rules", str(path),
                         "--webhook", hook.url)  # fmt: skip
    assert code == 2 and out == ""
    assert err.splitlines()[0].startswith(f"error: {path}: {message}"), err
    assert len(err.splitlines()) == 1 and hook.posts == []


def test_alerts005_missing_rules_file_and_bad_webhook(
    store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    missing = tmp_path / "none.toml"
    monkeypatch.setenv("BREADTH_ALERT_RULES", str(missing))  # the settings default
    code, out, err = run(monkeypatch, capsys, store_dir)
    assert (code, out) == (2, "")
    assert err == f"error: {missing}: no such rules file (see docs/alerts.example.toml)\n"
    good = tmp_path / "good.toml"
    good.write_text(GOOD + "threshold = 3\n")
    code, out, err = run(monkeypatch, capsys, store_dir, "--rules", str(good),
                         "--webhook", "ftp://example.org/x")  # fmt: skip
    assert (code, out) == (2, "")
    assert err == "error: --webhook 'ftp://example.org/x': expected an http:// or https:// " \
        "URL with a host\n"  # fmt: skip


# -- evaluation on known values -------------------------------------------------------------


def test_alerts006_threshold_equal_to_value(svc: BreadthService) -> None:
    """advances = 3 on day 10: >= and <= fire at equality, > and < do not."""
    rules = tuple(
        rule(name=op, universe="trend", series="advances", comparator=op, threshold=3)
        for op in (">=", ">", "<=", "<")
    )
    got = evaluate(svc, rules, DAYS[10].date())
    assert got.session == DAYS[10].date()
    assert [(o.rule.name, o.fired, o.value) for o in got.outcomes] == [
        (">=", True, 3.0), (">", False, 3.0), ("<=", True, 3.0), ("<", False, 3.0)
    ]  # fmt: skip
    on_day_20 = evaluate(svc, rules[:1], DAYS[20].date()).outcomes[0]
    assert (on_day_20.fired, on_day_20.value) == (False, 2.0)


def test_alerts007_pct_above_and_crossings(svc: BreadthService) -> None:
    """% above the 5-day average: 75 on days 4-19, 50 on 20-26, 75 from 27 (docstring of
    the store); crossing 60 down fires on day 20 only, up on day 27 only (not on day 4,
    where the previous session has no value)."""
    pct = rule(name="p", universe="trend", series="pct_above_5dma", comparator=">", threshold=60)
    up = rule(name="u", universe="trend", signal="crossing", series="pct_above_5dma",
              level=60, direction="up")  # fmt: skip
    down = rule(name="d", universe="trend", signal="crossing", series="pct_above_5dma",
                level=60, direction="down")  # fmt: skip
    values, fired_up, fired_down = [], [], []
    for day in DAYS:
        got = evaluate(svc, (pct, up, down), day.date()).outcomes
        values.append(got[0].value)
        fired_up.append(got[1].fired)
        fired_down.append(got[2].fired)
    assert values == [None] * 4 + [75.0] * 16 + [50.0] * 7 + [75.0] * 3
    assert [i for i, f in enumerate(fired_up) if f] == [27]
    assert [i for i, f in enumerate(fired_down) if f] == [20]
    on_20 = evaluate(svc, (down,), DAYS[20].date()).outcomes[0]
    assert (on_20.value, on_20.previous) == (50.0, 75.0)
    assert on_20.line() == (
        "FIRED      d [trend] 2024-01-29: pct_above_5dma crosses 60 down, value 50.00, "
        "previous 75.00"
    )


def test_alerts008_zweig_thrust_fires_on_day_14(svc: BreadthService) -> None:
    z = rule(name="z", universe="thrust", signal="zweig_thrust")
    fired = [evaluate(svc, (z,), d.date()).outcomes[0].fired for d in DAYS]
    assert [i for i, f in enumerate(fired) if f] == [14]
    on_13, on_14 = (evaluate(svc, (z,), DAYS[i].date()).outcomes[0] for i in (13, 14))
    assert on_13.value == pytest.approx(100 * (1 - (9 / 11) ** 4))  # 55.2
    assert on_14.value == pytest.approx(100 * (1 - (9 / 11) ** 5))  # 63.3


def test_alerts009_asof_between_sessions_and_before_the_first(svc: BreadthService) -> None:
    r = rule(name="a", universe="trend", series="advances", comparator=">=", threshold=3)
    saturday = DAYS[5].date() + pd.Timedelta(days=(5 - DAYS[5].weekday()) % 7)
    assert evaluate(svc, (r,), saturday).session == DAYS[5].date() + pd.Timedelta(
        days=(4 - DAYS[5].weekday()) % 7
    )
    before = evaluate(svc, (r,), DAYS[0].date() - pd.Timedelta(days=3))
    assert before.session is None and before.outcomes[0].fired is False


# -- the command and its webhook ------------------------------------------------------------

RULES = """
[[rule]]
name = "three advance"
universe = "trend"
series = "advances"
comparator = ">="
threshold = 3

[[rule]]
name = "thrust"
universe = "thrust"
signal = "zweig_thrust"

[[rule]]
name = "back above 60"
universe = "trend"
signal = "crossing"
series = "pct_above_5dma"
level = 60
direction = "up"
"""


def test_alerts010_check_prints_each_rule_and_posts_exact_json(
    store_dir: Path, tmp_path: Path, hook: Hook, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = tmp_path / "rules.toml"
    path.write_text(RULES)
    code, out, err = run(monkeypatch, capsys, store_dir, "--rules", str(path),
                         "--webhook", hook.url, "--asof", str(DAYS[27].date()))  # fmt: skip
    assert (code, err) == (0, "")
    port = hook.url.split(":")[2].split("/")[0]
    assert out.splitlines() == [
        "FIRED      three advance [trend] 2024-02-07: advances >= 3, value 3.00",
        # 18 sessions into the rise: 100·(1 - (9/11)^18) = 97.30
        "not fired  thrust [thrust] 2024-02-07: Zweig breadth thrust fired, value 97.30",
        "FIRED      back above 60 [trend] 2024-02-07: pct_above_5dma crosses 60 up, "
        "value 75.00, previous 50.00",
        "2 of 3 rules fired: three advance, back above 60",
        f"webhook http://127.0.0.1:{port}: sent 2 fired rules (HTTP 200)",
    ]
    assert len(hook.posts) == 1
    headers, body = hook.posts[0]
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "schema": "breadth-monitor/alerts/1",
        "session": "2024-02-07",
        "data_version": Store(store_dir).version,
        "simulated": False,
        "fired": [
            {"rule": "three advance", "universe": "trend", "session": "2024-02-07",
             "signal": "threshold", "condition": "advances >= 3", "value": 3.0,
             "series": "advances", "comparator": ">=", "threshold": 3.0},
            {"rule": "back above 60", "universe": "trend", "session": "2024-02-07",
             "signal": "crossing", "condition": "pct_above_5dma crosses 60 up", "value": 75.0,
             "previous": 50.0, "series": "pct_above_5dma", "level": 60.0, "direction": "up"},
        ],
    }  # fmt: skip


def test_alerts011_nothing_fired_nothing_sent(
    store_dir: Path, tmp_path: Path, hook: Hook, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = tmp_path / "rules.toml"
    path.write_text(RULES.replace('">="', '">"'))
    monkeypatch.setenv("BREADTH_ALERT_RULES", str(path))
    code, out, err = run(monkeypatch, capsys, store_dir, "--webhook", hook.url,
                         "--asof", str(DAYS[26].date()))  # fmt: skip
    assert (code, err) == (0, "")
    assert out.splitlines()[-2:] == [
        "0 of 3 rules fired",
        f"webhook {hook.url.rsplit('/', 2)[0]}: nothing fired, nothing sent",
    ]
    assert hook.posts == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("failure", ["refused", "500", "302", "timeout"])
def test_alerts012_webhook_failure_one_line_exit1_after_results(
    failure: str, store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = tmp_path / "rules.toml"
    path.write_text(RULES)
    server = Hook(status=int(failure)) if failure in ("500", "302") else None
    listener = socket.socket() if failure == "timeout" else None
    if listener is not None:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
    port = (
        server.server.server_address[1] if server
        else listener.getsockname()[1] if listener
        else _closed_port()
    )  # fmt: skip
    try:
        code, out, err = run(monkeypatch, capsys, store_dir, "--rules", str(path), "--webhook",
                             f"http://127.0.0.1:{port}/secret", "--asof",
                             str(DAYS[27].date()), "--timeout", "0.5")  # fmt: skip
    finally:
        if server:
            server.close()
        if listener:
            listener.close()
    assert code == 1
    assert out.splitlines()[-1] == "2 of 3 rules fired: three advance, back above 60"
    expected = {
        "refused": "connection refused",
        "500": "answered HTTP 500 Internal Server Error",
        "302": "answered HTTP 302 Found",  # a redirected POST would lose its body
        "timeout": "no answer within 0.5 s",
    }[failure]
    sep = " " if failure in ("500", "302") else ": "
    assert err == f"error: webhook http://127.0.0.1:{port}{sep}{expected}\n"
    assert "secret" not in err


# -- the page's badge -----------------------------------------------------------------------


def test_alerts013_page_evaluation_cached_and_badge(store_dir: Path, tmp_path: Path) -> None:
    """The badge's evaluation is the CLI's, memoized per (data version, file, end date); no
    rules file: no badge; an invalid one: one line."""
    from components.page.alerts import badge
    from service.alerts.check import evaluate_file

    svc = BreadthService(Store(store_dir))
    path = tmp_path / "rules.toml"
    assert evaluate_file(svc, path, None) is None and badge(None) is None
    path.write_text(RULES)
    got = evaluate_file(svc, path, DAYS[27].date())
    assert got is not None and [o.rule.name for o in got.fired] == ["three advance",
                                                                   "back above 60"]  # fmt: skip
    computed = svc.stats["computed"]
    assert evaluate_file(svc, path, DAYS[27].date()) == got
    assert svc.stats["computed"] == computed  # a hit
    shown = badge(got)
    assert shown is not None
    summary, items = shown.children
    assert summary.children == "2 alerts fired on 2024-02-07"
    assert [li.children for li in items.children] == [
        "three advance [trend]: advances >= 3, value 3.00",
        "back above 60 [trend]: pct_above_5dma crosses 60 up, value 75.00",
    ]
    assert summary.title == "\n".join(li.children for li in items.children)
    quiet = evaluate_file(svc, path, DAYS[22].date())  # 2 advance, no crossing
    assert quiet is not None and quiet.fired == () and badge(quiet) is None
    path.write_text(RULES + "oops = 1\n")  # in the last [[rule]] table
    with pytest.raises(InputError, match=r"rule 'back above 60': unknown key 'oops'$"):
        evaluate_file(svc, path, None)


def test_alerts014_divergence_fires_where_indicators_divergences_flags(tmp_path: Path) -> None:
    """On a demo market: the rule fires on exactly the sessions where
    ``indicators.divergences`` flags the benchmark (SIM:LARGE, read from the store) against
    sim-large's % above the 200-day average, for both kinds and non-default parameters."""
    from data.jobs import load_demo
    from indicators.divergences import DivergenceParams, divergences

    store = Store(tmp_path / "demo")
    load_demo(store, seed=7, n_tickers=300, years=4)  # seed 3 has no bullish divergence
    svc = BreadthService(store)
    bench = store.read_prices(["SIM:LARGE"], fields=("close",)).close["SIM:LARGE"]
    breadth = svc.breadth(BreadthQuery(universe="sim-large"))["pct_above_200dma"]
    days = breadth.index
    for kind, near, trail in (("bearish", 2.0, 50), ("bullish", 10.0, 20)):
        params = DivergenceParams(near_pct=near, trail=trail)
        want = divergences(bench.astype("float64"), breadth, params)[kind].reindex(days)
        r = rule(name=kind, universe="sim-large", signal="divergence", kind=kind,
                 near_pct=near, trail=trail)  # fmt: skip
        got = [evaluate(svc, (r,), d.date()).outcomes[0] for d in days]
        assert [o.fired for o in got] == want.fillna(False).tolist()
        assert 0 < sum(o.fired for o in got) < len(days)
        assert [o.value for o in got] == [None if np.isnan(v) else v for v in breadth]
    assert r.condition() == (
        "bullish divergence: benchmark within 10% of its 52-week low, pct_above_200dma above "
        "its 20-session average and its value at the previous low"
    )
