"""Alert rules: the schema (one ``Rule`` dataclass, the ``SIGNALS`` registry), reading a
TOML rules file strictly, and each signal's series over the whole stored history.

A rule is a ``[[rule]]`` table with ``name`` and ``universe`` and either a threshold on a
breadth series (``series``, ``comparator``, ``threshold``) or a ``signal`` (zweig_thrust,
crossing, divergence) with that signal's keys; docs/alerts.example.toml shows every form.
Any problem (TOML syntax, an unknown or missing key, a wrong type, an unknown series, signal
or universe, no benchmark for a divergence) raises ``InputError`` with one line naming the
file, the rule and the problem.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from data.errors import InputError
from indicators.breadth import HL_WEEKS, BreadthParams, compute_breadth
from indicators.divergences import DivergenceParams
from indicators.signals import COMPARATORS, DIRECTIONS, compare, crossing
from service.breadth import BreadthQuery, BreadthService
from service.divergences import divergence_frame, require_benchmark

THRESHOLD = "threshold"
"""The kind of a rule without ``signal``: ``series comparator threshold``."""


@dataclass(frozen=True)
class Rule:
    """One alert rule as read from the file (numbers as floats; unused keys None)."""

    name: str
    universe: str
    signal: str = THRESHOLD
    series: str | None = None
    comparator: str | None = None
    threshold: float | None = None
    level: float | None = None
    direction: str | None = None
    kind: str | None = None
    near_pct: float | None = None
    trail: int | None = None

    def condition(self) -> str:
        """What the rule tests, e.g. ``pct_above_200dma < 20``."""
        return SIGNALS[self.signal].condition(self)

    def query(self) -> BreadthQuery:
        """The breadth query whose frame holds this rule's series."""
        return series_query(self.universe, self.series or "pct_above_200dma")


@dataclass(frozen=True)
class Key:
    """A rule key: its TOML type(s), a check of the value (returns a problem or None)."""

    types: tuple[type, ...]
    type_name: str
    check: Callable[[Any], str | None] = lambda v: None


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    return lambda v: None if v in choices else f"must be one of {', '.join(choices)}"


def _number_in(lo: float, hi: float) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        ok = math.isfinite(v) and lo <= v <= hi
        return None if ok else f"must be a number from {lo:g} to {hi:g}"

    return check


def _series_problem(name: Any) -> str | None:
    try:
        series_query("all", name)
    except InputError as exc:
        return str(exc)
    return None


_TEXT = Key((str,), "a string", lambda v: None if v.strip() else "must not be empty")
_NUMBER = Key((int, float), "a number", _number_in(-1e12, 1e12))
KEYS: dict[str, Key] = {
    "name": _TEXT,
    "universe": _TEXT,
    "signal": _TEXT,
    "series": Key((str,), "a string", _series_problem),
    "comparator": Key((str,), "a string", _one_of(tuple(COMPARATORS))),
    "threshold": _NUMBER,
    "level": _NUMBER,
    "direction": Key((str,), "a string", _one_of(DIRECTIONS)),
    "kind": Key((str,), "a string", _one_of(("bearish", "bullish"))),
    "near_pct": Key(
        (int, float), "a number", lambda v: None if 0 <= v < 100 else "must be from 0 to below 100"
    ),
    "trail": Key((int,), "a whole number", _number_in(1, 2520)),
}
"""Every key a rule may have, with its type and check (which keys a kind needs: SIGNALS)."""

Compute = Callable[[BreadthService, Rule], pd.DataFrame]
"""A signal's series over the whole stored history, on the store's session index: columns
``fired`` (bool), ``value`` (float: what the rule looked at, NaN where undefined) and, for
a crossing, ``previous`` (the value on the session before)."""


@dataclass(frozen=True)
class Signal:
    """A kind of rule: the keys it requires and allows beyond name/universe, what it tests
    (``condition``, one short phrase) and its series (``compute``)."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    condition: Callable[[Rule], str]
    compute: Compute
    text: str


def _threshold(svc: BreadthService, rule: Rule) -> pd.DataFrame:
    values = svc.breadth(rule.query())[rule.series]
    assert rule.comparator is not None and rule.threshold is not None
    return pd.DataFrame(
        {"fired": compare(values, rule.comparator, rule.threshold), "value": values}
    )


def _zweig(svc: BreadthService, rule: Rule) -> pd.DataFrame:
    frame = svc.breadth(BreadthQuery(universe=rule.universe))
    return pd.DataFrame(
        {"fired": frame["zweig_signal"].astype(bool), "value": frame["breadth_thrust"]}
    )


def _crossing(svc: BreadthService, rule: Rule) -> pd.DataFrame:
    values = svc.breadth(rule.query())[rule.series]
    assert rule.level is not None and rule.direction is not None
    fired = crossing(values, rule.level, rule.direction)
    return pd.DataFrame({"fired": fired, "value": values, "previous": values.shift(1)})


def _divergence_params(rule: Rule) -> DivergenceParams:
    default = DivergenceParams()
    return DivergenceParams(
        near_pct=default.near_pct if rule.near_pct is None else rule.near_pct,
        trail=default.trail if rule.trail is None else rule.trail,
    )


def _divergence(svc: BreadthService, rule: Rule) -> pd.DataFrame:
    """The page's divergence flags (``service.divergences``, memoized: the same frame as the
    Breadth tab's marks) of the universe's % above its 200-day average."""
    params = _divergence_params(rule)
    query = rule.query()
    breadth = svc.breadth(query)[f"pct_above_{params.window}dma"]
    _, flags = divergence_frame(
        svc, query, near_pct=params.near_pct, trail=params.trail, window=params.window
    )
    assert rule.kind is not None
    fired = flags[rule.kind].reindex(breadth.index, fill_value=False).astype(bool)
    return pd.DataFrame({"fired": fired, "value": breadth})


def _divergence_text(rule: Rule) -> str:
    p = _divergence_params(rule)
    extreme, side = ("high", "below") if rule.kind == "bearish" else ("low", "above")
    return (
        f"{rule.kind} divergence: benchmark within {p.near_pct:g}% of its 52-week {extreme}, "
        f"pct_above_{p.window}dma {side} its {p.trail}-session average and its value at the "
        f"previous {extreme}"
    )


SIGNALS: dict[str, Signal] = {
    THRESHOLD: Signal(
        ("series", "comparator", "threshold"),
        (),
        lambda r: f"{r.series} {r.comparator} {r.threshold:g}",
        _threshold,
        "a breadth series compared with a threshold on the session",
    ),
    "zweig_thrust": Signal(
        (),
        (),
        lambda r: "Zweig breadth thrust fired",
        _zweig,
        "the Zweig breadth thrust fired on the session (value: the thrust EMA, %)",
    ),
    "crossing": Signal(
        ("series", "level", "direction"),
        (),
        lambda r: f"{r.series} crosses {r.level:g} {r.direction}",
        _crossing,
        "a breadth series crossed a level between the previous session and this one",
    ),
    "divergence": Signal(
        ("kind",),
        ("near_pct", "trail"),
        _divergence_text,
        _divergence,
        "a bearish or bullish breadth divergence flagged on the session "
        "(indicators.divergences; value: % above the 200-day average)",
    ),
}
"""Signal name -> its schema and series. A rule without ``signal`` is a THRESHOLD rule."""


# -- series names ----------------------------------------------------------------------------

_WINDOW = re.compile(r"(?:pct_above|eligible)_(\d+)dma")
_WEEKS = re.compile(r"(?:pct_)?new_(?:highs|lows)_(\d+)w")


@lru_cache(maxsize=64)
def _columns(params: BreadthParams) -> tuple[str, ...]:
    """The columns ``export breadth`` writes for these parameters (from a 2×1 panel)."""
    index = pd.DatetimeIndex(["2000-01-03", "2000-01-04"])
    close = pd.DataFrame({"X": [1.0, 2.0]}, index=index)
    return tuple(compute_breadth(close, params=params).columns)


def series_query(universe: str, series: Any) -> BreadthQuery:
    """The breadth query whose frame has column ``series`` (extra windows such as
    ``pct_above_20dma`` or ``pct_new_highs_4w`` added, as ``export breadth --windows
    --hl-weeks`` would); InputError naming the series when no export column has that name."""
    windows: tuple[int, ...] = ()
    weeks: tuple[int, ...] = ()
    if m := _WINDOW.fullmatch(series):
        windows = (int(m.group(1)),) if 5 <= int(m.group(1)) <= 400 else ()
    elif m := _WEEKS.fullmatch(series):
        weeks = (int(m.group(1)),) if int(m.group(1)) in HL_WEEKS else ()
    query = BreadthQuery(universe=universe, windows=windows, hl_weeks=weeks)
    if series not in _columns(query.params()):
        raise InputError(
            f"unknown series {series!r} (a column of `export breadth`, e.g. pct_above_200dma, "
            "pct_above_20dma, pct_new_highs_52w, pct_new_highs_4w, mcclellan_osc)"
        )
    return query


# -- reading a rules file --------------------------------------------------------------------


def parse_rules(text: str, source: str) -> tuple[Rule, ...]:
    """Rules of a TOML text (``source`` names it in messages); InputError on any problem."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML: {exc}") from exc
    extra = sorted(set(doc) - {"rule"})
    if extra:
        raise InputError(f"{source}: unknown top-level key {extra[0]!r} (rules are [[rule]])")
    tables = doc.get("rule")
    if not isinstance(tables, list) or not tables:
        raise InputError(f"{source}: no rules (add [[rule]] tables, see docs/alerts.example.toml)")
    rules: list[Rule] = []
    for number, table in enumerate(tables, start=1):
        name = table.get("name")
        label = f"rule {name!r}" if isinstance(name, str) and name.strip() else f"rule #{number}"
        try:
            rule = _rule(table)
        except InputError as exc:
            raise InputError(f"{source}: {label}: {exc}") from None
        if any(r.name == rule.name for r in rules):
            raise InputError(f"{source}: {label}: a second rule with this name")
        rules.append(rule)
    return tuple(rules)


def _rule(table: dict[str, Any]) -> Rule:
    for key in table:
        if key not in KEYS:
            raise InputError(f"unknown key {key!r}")
    for key in ("name", "universe", "signal"):
        if key in table:
            _check(key, table[key])
    signal_name = table.get("signal", THRESHOLD)
    if "signal" in table and (signal_name == THRESHOLD or signal_name not in SIGNALS):
        known = ", ".join(s for s in SIGNALS if s != THRESHOLD)
        raise InputError(f"unknown signal {signal_name!r} (known: {known})")
    signal = SIGNALS[signal_name]
    allowed = {"name", "universe", *signal.required, *signal.optional}
    allowed |= {"signal"} if signal_name != THRESHOLD else set()
    for key in ("name", "universe", *signal.required):
        if key not in table:
            what = "a threshold rule" if signal_name == THRESHOLD else f"signal {signal_name!r}"
            raise InputError(f"missing key {key!r} (needed by {what})")
    for key in table:
        if key not in allowed:
            what = "a threshold rule" if signal_name == THRESHOLD else f"signal {signal_name!r}"
            raise InputError(f"key {key!r} does not apply to {what}")
        _check(key, table[key])
    values = {k: float(v) if isinstance(v, int) and k != "trail" else v for k, v in table.items()}
    return Rule(**{"signal": signal_name, **values})


def _check(key: str, value: Any) -> None:
    spec = KEYS[key]
    if isinstance(value, bool) or not isinstance(value, spec.types):
        raise InputError(f"{key} must be {spec.type_name}, not {_toml_type(value)} {value!r}")
    problem = spec.check(value)
    if problem:
        raise InputError(f"{key} = {value!r}: {problem}")


def _toml_type(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}.get(
        type(value), f"a {type(value).__name__}"
    )


def load_rules(path: Path) -> tuple[Rule, ...]:
    """Rules of the TOML file at ``path``; InputError naming it when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such rules file (see docs/alerts.example.toml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the rules file ({exc})") from None
    return parse_rules(text, str(path))


def check_store(svc: BreadthService, rules: tuple[Rule, ...], source: str) -> None:
    """InputError naming the first rule the store cannot serve: its universe is unknown (or
    not fetched), or it is a divergence and the store has no benchmark series."""
    for rule in rules:
        try:
            svc.universe_info(rule.universe)
            if rule.signal == "divergence":
                require_benchmark(svc)
        except InputError as exc:
            raise InputError(f"{source}: rule {rule.name!r}: {exc}") from None
