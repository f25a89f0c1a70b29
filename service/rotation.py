"""Cached rotation queries — RRG, claim check, analogs — on top of ``service.BreadthService``.

Every value is memoized through the breadth service's two-level cache, keyed by the store's
data version and the query, so a refresh invalidates it. Callers must not mutate results.
Benchmark roles resolve with ``data.benchmarks.resolve_role`` (real tickers first, then the
demo market's ``SIM:`` series).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from data.benchmarks import PAIRS, ROLES, SECTORS, resolve_role
from data.errors import InputError
from data.universes import ALL
from indicators.analogs import AnalogParams, AnalogResult, find_analogs
from indicators.claims import Leg, UniverseBreadth, claim_table
from indicators.rrg import RrgParams, RrgResult, relative_rotation
from indicators.verdicts import DIFFERS, Candidate, note_columns
from service.breadth import BreadthQuery, BreadthService
from service.note import NEAR_HIGH_PCTS, NEARBY_SESSIONS, NOTE, NOTE_DATE, NOTE_UNIVERSES
from service.pairs import BENCHMARK_ROLE

DEFAULT_COMPARE = "sp500"
PREFERRED_UNIVERSE = "russell3000"
"""The claims' and analogs' default universe; ``all`` stands in when it is not stored."""


# -- the RRG page's members ----------------------------------------------------------------
STYLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "IWD": ("Large value", ROLES["value"]),
    "IWF": ("Large growth", ROLES["growth"]),
    "IWN": ("Small value", ("IWN",)),
    "IWO": ("Small growth", ("IWO",)),
    "IJH": ("Mid caps", ROLES["mid"]),
    "IJR": ("Small caps", ("IJR", "SIM:SMALL")),
}
"""Style slot of the RRG page -> (label, candidate tickers, most preferred first)."""


@dataclass(frozen=True)
class Member:
    """One RRG slot: the ETF it stands for and the stored ticker that fills it (or None)."""

    slot: str
    label: str
    group: str
    candidates: tuple[str, ...]
    ticker: str | None


def slots() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(slot, label, group, candidates) of every RRG member: sectors, then styles (the page's
    RRG and the CLI's ``export rrg`` default, through ``resolve_members``)."""
    sectors = [(etf, name, "Sector", ROLES[etf]) for name, etf in sorted(SECTORS.items())]
    styles = [(etf, label, "Style", cands) for etf, (label, cands) in STYLES.items()]
    return sectors + styles


def candidate_tickers() -> list[str]:
    """Every ticker an RRG member or the benchmark could resolve to."""
    names = {t for *_, cands in slots() for t in cands} | set(ROLES[BENCHMARK_ROLE])
    return sorted(names)


def resolve_members(available: list[str]) -> list[Member]:
    """Each slot filled with its first candidate in ``available`` (a ticker used once)."""
    have: set[str] = set(available)
    used: set[str] = set()
    out = []
    for slot, label, group, cands in slots():
        ticker = next((t for t in cands if t in have and t not in used), None)
        if ticker is not None:
            used.add(ticker)
        out.append(Member(slot, label, group, cands, ticker))
    return out


def missing_notice(members: list[Member], benchmark: str | None) -> list[str]:
    """Lines naming the series the store lacks (empty when every slot is filled)."""
    lines = []
    if benchmark is None:
        lines.append(f"no benchmark series (looked for {', '.join(ROLES[BENCHMARK_ROLE])})")
    gone = [m for m in members if m.ticker is None]
    if gone:
        names = ", ".join(f"{m.slot} ({m.label})" for m in gone)
        lines.append(f"not in the store, so not drawn: {names}")
    return lines


def member_labels(members: list[Member]) -> dict[str, str]:
    """Stored ticker -> label of the filled slots (the slot's ETF named when it differs)."""
    return {
        m.ticker: m.label if m.ticker == m.slot else f"{m.label} (for {m.slot})"
        for m in members
        if m.ticker is not None
    }


def fallback_note(used: str, label: str) -> str:
    """What to show when the default universe is not stored and ``used`` stands in."""
    return f"no {PREFERRED_UNIVERSE} universe is stored: universe {used} ({label}) used instead"


def _key(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


class RotationService:
    """RRG, claim check and analogs over one BreadthService (shares its cache)."""

    def __init__(self, svc: BreadthService) -> None:
        self.svc = svc
        self.store = svc.store

    # -- tickers -------------------------------------------------------------------------
    def available(self) -> list[str]:
        """Every ticker the store holds (benchmarks included)."""
        return self.svc.memo("tickers", "all", lambda: self.store.last_dates().index.tolist())

    def role_ticker(self, role: str) -> str | None:
        """The stored ticker that plays ``role`` (e.g. large -> SPY), or None."""
        return resolve_role(role, self.available())

    def default_rrg_tickers(self) -> tuple[str, ...]:
        """The RRG's members the store holds (``resolve_members``: the page's list, also the
        CLI's ``export rrg`` default), sectors then styles."""
        members = resolve_members(self.available())
        return tuple(m.ticker for m in members if m.ticker is not None)

    def sessions(self) -> pd.DatetimeIndex:
        """Session dates of the store (the large-cap role's bars, or every stored date)."""
        large = self.role_ticker("large")
        if large is not None:
            return pd.DatetimeIndex(self.svc.closes([large])[large].dropna().index)
        return pd.DatetimeIndex(self.svc.breadth(BreadthQuery(universe="all")).index)

    def resolve_asof(self, asof: date | None) -> pd.Timestamp:
        """The last session on or before ``asof`` (default: the latest session)."""
        days = self.sessions()
        if len(days) == 0:
            raise InputError("the store holds no sessions")
        if asof is None:
            return pd.Timestamp(days[-1])
        upto = days[days <= pd.Timestamp(asof)]
        if len(upto) == 0:
            raise InputError(f"--asof {asof} is before the first stored session {days[0].date()}")
        return pd.Timestamp(upto[-1])

    def default_universe(self) -> str:
        """russell3000 when stored, else every stock in the store ("all")."""
        stored = {u.name.lower() for u in self.store.list_universes()}
        return PREFERRED_UNIVERSE if PREFERRED_UNIVERSE in stored else ALL

    def universe_fallback(self, universe: str) -> str:
        """The note naming the stand-in when ``universe`` is empty and the preferred default
        is not stored; "" otherwise (a universe the user chose needs no note)."""
        if universe:
            return ""
        used = self.default_universe()
        if used == PREFERRED_UNIVERSE:
            return ""
        return fallback_note(used, self.svc.universe_info(used).label)

    # -- queries -------------------------------------------------------------------------
    def rrg(self, tickers: tuple[str, ...], benchmark: str, params: RrgParams) -> RrgResult:
        """RS-Ratio/RS-Momentum of ``tickers`` vs ``benchmark`` over the whole history."""

        def compute() -> RrgResult:
            closes = self.svc.closes(sorted({*tickers, benchmark}))
            if benchmark not in closes.columns:
                raise InputError(f"benchmark {benchmark!r} is not in the store")
            missing = [t for t in tickers if t not in closes.columns]
            if missing:
                raise InputError(f"not in the store: {', '.join(missing)}")
            return relative_rotation(closes[list(tickers)], closes[benchmark], params)

        return self.svc.memo("rrg", _key(tickers, benchmark, params), compute)

    def _universe_breadth(self, name: str) -> UniverseBreadth:
        info = self.svc.universe_info(name)
        frame = self.svc.breadth(BreadthQuery(universe=name))
        note = ""
        if not info.point_in_time:  # the survivorship caveat, then the universe's own note
            parts = [] if "survivorship" in info.note.lower() else [info.survivorship_note]
            note = "; ".join(p for p in [*parts, info.note] if p)
        return UniverseBreadth(info.name, frame, note)

    def _legs(self, roles: tuple[str, ...]) -> dict[str, Leg]:
        tickers = {role: self.role_ticker(role) for role in roles}
        present = sorted({t for t in tickers.values() if t})
        closes = self.svc.closes(present) if present else pd.DataFrame()
        return {role: Leg(role, t, closes[t] if t else None) for role, t in tickers.items()}

    def claims(self, asof: date | None, universe: str, compare: str) -> pd.DataFrame:
        """The claim table for ``asof`` (see indicators.claims; columns CLAIM_COLUMNS), then
        what the note said and the verdict (indicators.verdicts.NOTE_COLUMNS)."""
        when = self.resolve_asof(asof)
        uni = universe or self.default_universe()
        cmp_ = compare or DEFAULT_COMPARE
        fallback = self.universe_fallback(universe)

        def compute() -> pd.DataFrame:
            main = self._universe_breadth(uni)
            if fallback:  # the caveat of the universe's rows names the stand-in first
                main = replace(main, note="; ".join(p for p in (fallback, main.note) if p))
            other = self._universe_breadth(cmp_) if cmp_.lower() != uni.lower() else None
            legs = self._legs(("large", "small", "value", "growth"))
            table = claim_table(main, other, legs, when)
            return self._with_note(table, when, uni, cmp_, bool(fallback))

        return self.svc.memo("claims", _key(when, uni, cmp_, fallback), compute)

    def _with_note(
        self, table: pd.DataFrame, when: pd.Timestamp, uni: str, cmp_: str, stand_in: bool
    ) -> pd.DataFrame:
        """The claim table with ``NOTE_COLUMNS`` appended: what the note said, its tolerance,
        the verdict on the note's date, and for a % at 52-week highs row that differs the
        nearest definition the data supports (``highs_candidates``)."""
        broad, narrow = NOTE_UNIVERSES
        aliases = {cmp_: narrow, uni: broad}
        stand_ins = frozenset({uni}) if stand_in else frozenset()
        on_date = when.date() == NOTE_DATE
        first = note_columns(table, NOTE, on_date, aliases=aliases, stand_ins=stand_ins)
        alternatives = {
            (str(c), str(u)): self.highs_candidates(str(u), when)
            for c, u, v in zip(table["claim"], table["universe"], first["verdict"], strict=True)
            if c == "pct_new_highs_52w" and v == DIFFERS
        }
        cols = note_columns(table, NOTE, on_date, alternatives, aliases, stand_ins)
        return pd.concat([table, cols], axis=1)

    def highs_candidates(self, universe: str, when: pd.Timestamp) -> list[Candidate]:
        """Definitions of "% at a 52-week high" the data supports near ``when``, each one
        change away from the claim's own (listed first: intraday highs when stored, else
        closing; made or matched; on ``when``): the other basis, "within 1%" of the high,
        or the claim's own definition on one of the ``NEARBY_SESSIONS`` sessions before
        ``when`` (latest first). One change at a time, so that the nearest is a reading of
        the note a reader can name, not the best of many combined tweaks."""
        days = self.svc.breadth(BreadthQuery(universe=universe)).loc[:when].index
        days = days[-(NEARBY_SESSIONS + 1) :][::-1]
        shares = self.svc.at_high(universe, tuple(days), NEAR_HIGH_PCTS)
        own = "intraday" if "intraday" in set(shares["basis"]) else "close"
        other = [b for b in ("intraday", "close") if b != own and b in set(shares["basis"])]
        near_own, *nears = NEAR_HIGH_PCTS

        def pick(basis: str, near: float, day: pd.Timestamp) -> Candidate:
            sel = shares[
                (shares["basis"] == basis) & (shares["near_pct"] == near) & (shares["date"] == day)
            ]
            kind = "closing" if basis == "close" else "intraday"
            what = f"{kind} highs" if near == 0 else f"within {near:g}% of the {kind} high"
            value = float(sel["pct"].iloc[0]) if len(sel) else float("nan")
            return Candidate(f"{what}, {day:%Y-%m-%d}", value)

        today, *before = days
        return [
            pick(own, near_own, today),
            *(pick(basis, near_own, today) for basis in other),
            *(pick(own, near, today) for near in nears),
            *(pick(own, near_own, day) for day in before),
        ]

    def analogs(self, asof: date | None, universe: str, params: AnalogParams) -> AnalogResult:
        """Episodes resembling the setup, with forward returns of PAIRS (indicators.analogs)."""
        when = self.resolve_asof(asof)
        uni = universe or self.default_universe()

        def compute() -> AnalogResult:
            frame = self.svc.breadth(BreadthQuery(universe=uni))
            if params.breadth_column not in frame.columns:
                raise InputError(f"no breadth column {params.breadth_column!r}")
            legs = self._legs(tuple(sorted({r for n, d, _ in PAIRS.values() for r in (n, d)})))
            large = legs["large"].close
            if large is None:
                raise InputError(f"no large-cap index in the store ({', '.join(ROLES['large'])})")
            pairs = {
                pid: (legs[num].close, legs[den].close)
                for pid, (num, den, _) in PAIRS.items()
                if legs[num].close is not None and legs[den].close is not None
            }
            result = find_analogs(frame[params.breadth_column], large, pairs, params, when)
            names = {
                pid: (str(legs[PAIRS[pid][0]].ticker), str(legs[PAIRS[pid][1]].ticker))
                for pid in pairs
            }
            return replace(result, pairs=names)

        return self.svc.memo("analogs", _key(when, uni, params), compute)
