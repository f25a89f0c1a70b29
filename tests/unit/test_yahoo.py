"""data.sources.yahoo against a fake yfinance.download (tests/fakes/yahoo.py); all offline."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from data.errors import SourceError
from data.sources.yahoo import MAX_BACKOFF_S, backoff_delay, fetch_bars
from data.sources.yahoo_errors import classify, parse_yfinance_errors
from data.sources.yahoo_frames import last_final_date, normalize_download
from tests.fakes.yahoo import FakeYahoo, assemble, make_history, sessions

AFTER_CLOSE = datetime(2024, 3, 1, 23, 0, tzinfo=UTC)  # Fri 18:00 New York
INTRADAY = datetime(2024, 3, 1, 16, 0, tzinfo=UTC)  # Fri 11:00 New York


def _fake(**kwargs: object) -> FakeYahoo:
    days = sessions("2024-02-01", "2024-03-01")
    hist = {
        "AAA": make_history(days, np.linspace(10, 20, len(days))),
        "BRK-B": make_history(days, np.linspace(300, 310, len(days))),
        "^GSPC": make_history(days, np.linspace(4000, 4100, len(days))),
    }
    return FakeYahoo(histories=hist, **kwargs)  # type: ignore[arg-type]


def _fetch(fake: FakeYahoo, tickers: list[str], **kwargs: object):  # type: ignore[no-untyped-def]
    sleeps: list[float] = []
    opts: dict = dict(download=fake, sleep=sleeps.append, now=AFTER_CLOSE, rng=random.Random(1))
    opts.update(kwargs)
    return fetch_bars(tickers, date(2024, 2, 1), None, **opts), sleeps


def test_yahoo001_fake_matches_real_yfinance_download(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake's frame equals yfinance.download's own, run offline with a stubbed Ticker."""
    multi = pytest.importorskip("yfinance.multi")
    from yfinance.utils import empty_df

    fake = _fake()
    fake.histories["BBB"] = make_history(sessions("2024-02-05", "2024-02-20"), [5.0] * 12)

    class _PH:
        _last_error = None

    class _Ticker:
        def __init__(self, sym: str) -> None:
            self.sym, self._price_history = sym, _PH()

        def history(self, **kw: object) -> pd.DataFrame:
            if self.sym not in fake.histories:
                self._price_history._last_error = "possibly delisted; no timezone found"
                return empty_df()
            return fake.histories[self.sym].copy()

    monkeypatch.setattr(multi, "Ticker", _Ticker)
    import yfinance

    for tickers in (["AAA", "BBB", "NOPE"], ["AAA"], ["NOPE"]):
        kw = dict(group_by="ticker", auto_adjust=True, progress=False, threads=False)
        real = yfinance.download(tickers, **kw)
        ours = fake(tickers, **kw)
        pd.testing.assert_frame_equal(ours, real)
        assert real.columns.names == ["Ticker", "Price"]
    assert real.index.name is None and real.empty  # all failed: unnamed empty index
    assert ours.columns.get_level_values(1).tolist()[-2] == "Adj Close"


def test_yahoo002_normalize_multiindex_and_spellings() -> None:
    fake = _fake()
    raw = fake(["AAA", "brk-b", "^GSPC"], group_by="ticker", auto_adjust=True)
    prices, missing = normalize_download(raw, ["aaa", "BRK.B", "^GSPC"], now=AFTER_CLOSE)
    assert missing == []
    assert prices.tickers == ["AAA", "BRK-B", "^GSPC"]
    assert prices.close.index.name == "date" and prices.close.index.tz is None
    assert prices.close.index[0] == pd.Timestamp("2024-02-01")
    assert prices.volume is not None and prices.volume.dtypes.eq("float64").all()
    assert prices.close["AAA"].iloc[-1] == pytest.approx(20.0)


def test_yahoo003_normalize_single_ticker_tz_duplicates_nan_rows() -> None:
    idx = pd.DatetimeIndex(
        ["2024-01-02", "2024-01-03", "2024-01-03", "2024-01-04"], name="Date"
    ).tz_localize("America/New_York")
    flat = pd.DataFrame(
        {"Open": 1.0, "High": 1.0, "Low": 1.0, "Close": [1.0, 2.0, 3.0, np.nan], "Volume": 5},
        index=idx,
    )
    prices, missing = normalize_download(flat, ["AAA"], now=AFTER_CLOSE)
    assert missing == []
    assert prices.close["AAA"].tolist() == [1.0, 3.0]  # duplicate keeps last, NaN row dropped
    assert list(prices.dates) == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")]
    swapped = assemble({"AAA": make_history(["2024-01-02"], [7.0])}).swaplevel(0, 1, axis=1)
    prices2, _ = normalize_download(swapped, ["AAA"], now=AFTER_CLOSE)  # group_by="column"
    assert prices2.close["AAA"].tolist() == [7.0]


def test_yahoo004_partial_last_day_dropped_until_final() -> None:
    fake = _fake()
    raw = fake(["AAA"], group_by="ticker", auto_adjust=True)
    during, _ = normalize_download(raw, ["AAA"], now=INTRADAY)
    after, _ = normalize_download(raw, ["AAA"], now=AFTER_CLOSE)
    assert during.dates[-1] == pd.Timestamp("2024-02-29")
    assert after.dates[-1] == pd.Timestamp("2024-03-01")
    assert last_final_date(datetime(2024, 3, 1, 21, 14, tzinfo=UTC)) == date(2024, 2, 29)
    assert last_final_date(datetime(2024, 3, 1, 21, 15, tzinfo=UTC)) == date(2024, 3, 1)


def test_yahoo005_rate_limit_then_success_with_bounded_backoff() -> None:
    fake = _fake(raise_rate_limit=2)
    result, sleeps = _fetch(fake, ["AAA", "BRK-B"], backoff_s=2.0, max_retries=4)
    assert result.failed == {} and result.prices.tickers == ["AAA", "BRK-B"]
    assert len(fake.calls) == 3 and len(sleeps) == 2
    assert 2.0 <= sleeps[0] < 2.5 and 4.0 <= sleeps[1] < 5.0
    rng = random.Random(0)
    assert all(backoff_delay(k, 2.0, rng) <= MAX_BACKOFF_S for k in range(1, 30))


def test_yahoo006_logged_rate_limit_retries_only_failed_ticker() -> None:
    fake = _fake(rate_limited={"BRK-B": 1})
    result, sleeps = _fetch(fake, ["AAA", "BRK-B"])
    assert result.failed == {} and result.prices.tickers == ["AAA", "BRK-B"]
    assert [c["tickers"] for c in fake.calls] == [["AAA", "BRK-B"], ["BRK-B"]]
    assert len(sleeps) == 1


def test_yahoo007_bad_ticker_among_good_is_final_not_retried() -> None:
    fake = _fake()
    result, sleeps = _fetch(fake, ["AAA", "NOPE", "BRK.B"])
    assert result.prices.tickers == ["AAA", "BRK-B"]
    assert list(result.failed) == ["NOPE"] and "delisted" in result.failed["NOPE"]
    assert result.failure_kinds["NOPE"] == "missing"
    assert len(fake.calls) == 1 and sleeps == []


def test_yahoo008_empty_result_fails_batch_after_retries() -> None:
    fake = _fake(empty_result=True)
    result, sleeps = _fetch(fake, ["AAA"], max_retries=2)
    assert result.prices.tickers == [] and len(sleeps) == 2
    assert result.failed["AAA"].startswith("no data returned")


def test_yahoo009_delisted_ticker() -> None:
    fake = _fake()
    fake.histories["GONE"] = make_history(sessions("2024-01-02", "2024-02-09"), [3.0] * 29)
    overlap, _ = _fetch(fake, ["GONE", "AAA"])
    assert overlap.prices.close["GONE"].last_valid_index() == pd.Timestamp("2024-02-09")
    later = fetch_bars(["GONE"], date(2024, 2, 20), None, download=fake, sleep=lambda s: None)
    assert "delisted" in later.failed["GONE"] and later.attempts == 1


@pytest.mark.parametrize("mode", ["network_down", "raise_network"])
def test_yahoo010_all_attempts_fail_with_connection_errors(mode: str) -> None:
    fake = _fake(**{mode: True})
    with pytest.raises(SourceError, match="not reachable"):
        _fetch(fake, ["AAA", "BRK-B", "^GSPC"], max_retries=1, batch_size=2)
    assert len(fake.calls) == 1  # unreachable before any answer: no retry (test_yahoo_offline)


def test_yahoo011_whole_batch_exception_not_fatal_for_other_batches() -> None:
    fake = _fake(raise_rate_limit=3)
    result, sleeps = _fetch(fake, ["AAA", "BRK-B", "^GSPC"], batch_size=2, max_retries=2)
    assert set(result.failed) == {"AAA", "BRK-B"}
    assert "YFRateLimitError" in result.failed["AAA"] and "3 attempts" in result.failed["AAA"]
    assert result.prices.tickers == ["^GSPC"] and len(sleeps) == 2


def test_yahoo012_parse_and_classify_yfinance_logs() -> None:
    logged = parse_yfinance_errors(
        [
            "\n2 Failed downloads:",
            "['AAPL', 'BRK-B']: DNSError('Failed to perform, curl: (6) Could not resolve host')",
            "Failed to get ticker 'MSFT' reason: Failed to perform, curl: (28) timed out",
        ]
    )
    assert set(logged) == {"AAPL", "BRK-B", "MSFT"}
    assert classify(logged["AAPL"][0]) == "unreachable" and classify(logged["MSFT"][0]) == "network"
    assert classify("YFRateLimitError('Too Many Requests.')") == "rate_limit"
    assert classify("possibly delisted; no price data found") == "missing"
    assert classify(TimeoutError("x")) == "network"


def test_yahoo013_progress_in_order_and_cancel() -> None:
    fake = _fake()
    seen: list[tuple[int, int]] = []
    full, _ = _fetch(
        fake, ["AAA", "BRK-B", "^GSPC"], batch_size=1,
        on_batch=lambda p: seen.append((p.batches_done, p.batches_total)),
    )  # fmt: skip
    assert seen == [(1, 3), (2, 3), (3, 3)] and full.failed == {}
    calls = iter([False, True])
    cut, _ = _fetch(fake, ["AAA", "BRK-B"], batch_size=1, cancel=lambda: next(calls))
    assert cut.cancelled and cut.prices.tickers == ["AAA"]
