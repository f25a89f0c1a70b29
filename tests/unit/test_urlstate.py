"""components.url (fields, query): the view <-> query string, malformed input never raises."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.url.fields import ViewState
from components.url.query import (
    controls_query,
    default_state,
    from_store,
    parse_query,
    preset_range,
    to_query,
    to_store,
)
from components.url.values import MAX_WINDOW, MIN_WINDOW, Choices

CHOICES = Choices(
    universes=("all", "sim-large", "sim-small", "sp500"),
    default_universe="sim-large",
    first=date(2013, 1, 2),
    last=date(2026, 3, 31),
)


def test_url001_empty_query_is_the_default_view() -> None:
    state, notices = parse_query("", CHOICES)
    assert notices == []
    assert state == ViewState(universe="sim-large", start=date(2023, 3, 31), end=date(2026, 3, 31))
    assert parse_query(None, CHOICES) == (state, [])


def test_url002_full_query_parses() -> None:
    q = (
        "?u=sp500&cmp=sim-small&start=2020-01-02&end=2021-06-30&fast=20&slow=100"
        "&highs=close&mcc=ratio"
    )
    state, notices = parse_query(q, CHOICES)
    assert notices == []
    assert state == ViewState(
        universe="sp500",
        start=date(2020, 1, 2),
        end=date(2021, 6, 30),
        fast=20,
        slow=100,
        intraday=False,
        ratio_adjusted=True,
        compare="sim-small",
    )


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("u=nope", "u='nope' ignored (unknown universe)"),
        ("fast=0", "fast='0' ignored (outside 5–400 sessions)"),
        ("slow=1000000000", "slow='1000000000' ignored (outside 5–400 sessions)"),
        ("slow=abc", "slow='abc' ignored (not a whole number"),
        ("fast=５０", "fast='５０' ignored"),
        ("start=2020-13-01", "start='2020-13-01' ignored"),
        ("start=yesterday", "start='yesterday' ignored (not a date"),
        ("u=sp500&u=all", "u given 2 times"),
        ("zzz=1", "unknown parameter 'zzz' ignored"),
        ("highs=maybe", "highs='maybe' ignored"),
        ("mcc=", "mcc='' ignored"),
        ("fast=200&slow=50", "fast window 200 is not shorter than slow window 50"),
        ("start=2022-01-01&end=2021-01-01", "start 2022-01-01 is after end 2021-01-01"),
        ("start=1990-01-01", "before the stored data; using 2013-01-02"),
        ("end=2030-01-01", "after the stored data; using 2026-03-31"),
        ("start=2027-01-01", "after the last stored session"),
        ("cmp=sim-large", "comparison universe equals the universe"),
        ("x" * 5000, "too long"),
        ("&".join(f"k{i}=1" for i in range(60)), "more than 40 parameters"),
    ],
)
def test_url003_bad_values_fall_back_with_a_notice(query: str, fragment: str) -> None:
    state, notices = parse_query(query, CHOICES)
    assert any(fragment in n for n in notices), notices
    assert state.universe in CHOICES.universes
    assert MIN_WINDOW <= state.fast < state.slow <= MAX_WINDOW
    assert state.start is not None and state.end is not None and state.start <= state.end


def test_url004_reversed_dates_use_default_range() -> None:
    state, _ = parse_query("start=2022-01-01&end=2021-01-01", CHOICES)
    default = default_state(CHOICES)
    assert (state.start, state.end) == (default.start, default.end)


def test_url005_intraday_needs_ohlc() -> None:
    close_only = Choices(
        universes=("all",), first=date(2020, 1, 1), last=date(2021, 1, 1), close_only=True
    )
    state, notices = parse_query("highs=intraday", close_only)
    assert state.intraday is False
    assert "closes only" in notices[0]
    assert default_state(close_only).intraday is False


def test_url006_notice_quotes_junk_printably() -> None:
    _, notices = parse_query("u=%00%01" + "é" * 100, CHOICES)
    assert notices and "\x00" not in notices[0] and len(notices[0]) < 120


def test_url007_controls_query_round_trip() -> None:
    raw = ("sp500", None, "2020-01-02T00:00:00", "2021-01-04", 10, 40, "close", "ratio")
    names = ("universe", "compare", "start", "end", "fast", "slow", "intraday", "ratio_adjusted")
    q = controls_query(dict(zip(names, raw, strict=True)), CHOICES)
    state, notices = parse_query(q, CHOICES)
    assert notices == []
    assert (state.start, state.fast, state.compare) == (date(2020, 1, 2), 10, "")


def test_url008_presets() -> None:
    assert preset_range("Max", CHOICES) == (date(2013, 1, 2), date(2026, 3, 31))
    assert preset_range("YTD", CHOICES) == (date(2026, 1, 1), date(2026, 3, 31))
    assert preset_range("6M", CHOICES) == (date(2025, 9, 30), date(2026, 3, 31))
    assert preset_range("1Y", CHOICES) == (date(2025, 3, 31), date(2026, 3, 31))
    assert preset_range("10Y", CHOICES) == (date(2016, 3, 31), date(2026, 3, 31))
    short = Choices(first=date(2025, 1, 2), last=date(2026, 3, 31))
    assert preset_range("5Y", short)[0] == date(2025, 1, 2)
    assert preset_range("6M", Choices(first=None, last=None)) == (None, None)


def test_url009_store_dict_round_trip() -> None:
    state = ViewState(
        universe="sp500",
        start=date(2020, 1, 2),
        end=date(2021, 1, 4),
        fast=10,
        slow=40,
        intraday=False,
        ratio_adjusted=True,
        compare="all",
    )
    assert from_store(to_store(state)) == state
    assert from_store(None) == ViewState()


@st.composite
def valid_states(draw: st.DrawFn) -> ViewState:
    universe = draw(st.sampled_from(CHOICES.universes))
    compare = draw(st.sampled_from(("", *[u for u in CHOICES.universes if u != universe])))
    start = draw(st.dates(min_value=CHOICES.first, max_value=CHOICES.last))
    end = draw(st.dates(min_value=start, max_value=CHOICES.last))
    fast = draw(st.integers(MIN_WINDOW, MAX_WINDOW - 1))
    slow = draw(st.integers(fast + 1, MAX_WINDOW))
    return ViewState(
        universe=universe,
        start=start,
        end=end,
        fast=fast,
        slow=slow,
        intraday=draw(st.booleans()),
        ratio_adjusted=draw(st.booleans()),
        compare=compare,
    )


@given(valid_states())
def test_url010_round_trip(state: ViewState) -> None:
    assert parse_query(to_query(state), CHOICES) == (state, [])


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_url011_random_text_never_raises(text: str) -> None:
    state, notices = parse_query(text, CHOICES)
    assert isinstance(notices, list)
    assert state.universe in CHOICES.universes


@settings(max_examples=200)
@given(
    st.dictionaries(
        st.sampled_from(["u", "cmp", "start", "end", "fast", "slow", "highs", "mcc", "??", "ü"]),
        st.text(max_size=30),
        max_size=8,
    )
)
def test_url012_random_values_for_known_keys_never_raise(values: dict[str, str]) -> None:
    from urllib.parse import urlencode

    state, _ = parse_query(urlencode(values), CHOICES)
    assert MIN_WINDOW <= state.fast < state.slow <= MAX_WINDOW
    assert state.start is None or state.end is None or state.start <= state.end
