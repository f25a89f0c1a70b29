"""Evaluating alert rules on one session, the lines the CLI prints, and the JSON document
posted to a webhook (its schema: ``payload``; also in docs/alerts.example.toml).

The session is the last stored session on or before the date asked for (the latest one by
default). Each rule's whole-history series is memoized per data version (``svc.memo``), so
the page's badge and the CLI compute the same values the same way.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from data.errors import InputError
from service.alerts.rules import SIGNALS, Rule, check_store, parse_rules
from service.breadth import BreadthService

SCHEMA = "breadth-monitor/alerts/1"
"""``schema`` of the webhook document; changes when its keys do."""


@dataclass(frozen=True)
class Outcome:
    """A rule on the session: fired or not, and the value it looked at (None: undefined,
    e.g. too little history, or no session of the universe on or before the date)."""

    rule: Rule
    session: date | None
    fired: bool
    value: float | None
    previous: float | None = None
    """A crossing's value on the session before (None for other rules or when undefined)."""

    def line(self) -> str:
        """One line for the CLI, e.g. ``FIRED      washout [sp500] 2025-07-28:
        pct_above_200dma < 20, value 18.4``."""
        state = "FIRED    " if self.fired else "not fired"
        when = self.session.isoformat() if self.session else "no session"
        value = "no value" if self.value is None else f"value {self.value:.2f}"
        if self.rule.signal == "crossing":
            value += ", previous " + ("none" if self.previous is None else f"{self.previous:.2f}")
        r = self.rule
        return f"{state}  {r.name} [{r.universe}] {when}: {r.condition()}, {value}"

    def record(self) -> dict[str, Any]:
        """The rule's entry in the webhook document."""
        r = self.rule
        params = {
            k: getattr(r, k)
            for k in ("series", "comparator", "threshold", "level", "direction", "kind")
            if getattr(r, k) is not None
        }
        params |= {k: getattr(r, k) for k in ("near_pct", "trail") if getattr(r, k) is not None}
        return {
            "rule": r.name,
            "universe": r.universe,
            "session": self.session.isoformat() if self.session else None,
            "signal": r.signal,
            "condition": r.condition(),
            "value": self.value,
            **({"previous": self.previous} if r.signal == "crossing" else {}),
            **params,
        }


@dataclass(frozen=True)
class Evaluation:
    """Every rule of a file on one session, with what the store was when it was evaluated."""

    session: date | None
    data_version: str
    simulated: bool
    outcomes: tuple[Outcome, ...]

    @property
    def fired(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.fired)

    def summary(self) -> str:
        """The CLI's last line: how many rules fired, and which."""
        names = ", ".join(o.rule.name for o in self.fired)
        n, total = len(self.fired), len(self.outcomes)
        return f"{n} of {total} rules fired" + (f": {names}" if names else "")

    def payload(self) -> dict[str, Any]:
        """The webhook document: ``schema``, ``session`` (YYYY-MM-DD), ``data_version``,
        ``simulated`` (true on the demo market) and ``fired``: one object per fired rule with
        ``rule``, ``universe``, ``session``, ``signal`` ("threshold" for a series rule),
        ``condition`` (text), ``value`` (number or null) and the rule's own keys."""
        return {
            "schema": SCHEMA,
            "session": self.session.isoformat() if self.session else None,
            "data_version": self.data_version,
            "simulated": self.simulated,
            "fired": [o.record() for o in self.fired],
        }


def _series(svc: BreadthService, rule: Rule) -> pd.DataFrame:
    """The rule's ``fired``/``value`` series over the whole history, memoized."""
    key = hashlib.sha1(repr(rule).encode()).hexdigest()[:16]
    return svc.memo("alert-series", key, lambda: SIGNALS[rule.signal].compute(svc, rule))


def _outcome(svc: BreadthService, rule: Rule, asof: pd.Timestamp | None) -> Outcome:
    frame = _series(svc, rule)
    upto = frame if asof is None else frame.loc[:asof]
    if upto.empty:
        return Outcome(rule, None, False, None)
    row = upto.iloc[-1]
    return Outcome(
        rule,
        upto.index[-1].date(),
        bool(row["fired"]),
        _number(row["value"]),
        _number(row["previous"]) if "previous" in row.index else None,
    )


def _number(raw: Any) -> float | None:
    value = float(raw)
    return value if math.isfinite(value) else None


def evaluate(svc: BreadthService, rules: tuple[Rule, ...], asof: date | None = None) -> Evaluation:
    """Every rule on the last session on or before ``asof`` (default: the latest)."""
    stamp = pd.Timestamp(asof) if asof is not None else None
    outcomes = tuple(_outcome(svc, rule, stamp) for rule in rules)
    sessions = [o.session for o in outcomes if o.session is not None]
    return Evaluation(
        session=max(sessions) if sessions else None,
        data_version=svc.version(),
        simulated=svc.simulated(),
        outcomes=outcomes,
    )


def evaluate_file(svc: BreadthService, path: Path, end: date | None) -> Evaluation | None:
    """The page's evaluation: the rules file at ``path`` on the view's end date, cached per
    (data version, file contents, end date). None when there is no rules file; InputError
    (one line) when it is invalid."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the rules file ({exc})") from None
    digest = hashlib.sha1(text.encode()).hexdigest()[:16]

    def compute() -> Evaluation:
        rules = parse_rules(text, str(path))
        check_store(svc, rules, str(path))
        return evaluate(svc, rules, end)

    return svc.memo("alerts", f"{digest}:{end}", compute)
