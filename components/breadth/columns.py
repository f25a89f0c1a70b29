"""The columns each Breadth chart contributes to "Download CSV" (``Chart.columns``).

Each function returns a frame indexed by session, over the whole stored history (the
download cuts it to the view's dates), its columns named with their units.
"""

from __future__ import annotations

import pandas as pd

from components.breadth.views import compare_series, divergences, market_closes, query
from components.url.fields import ViewState
from data.benchmarks import resolve_role
from service.breadth import VOLUME_COLUMNS, BreadthService
from service.pairs import BENCHMARK_ROLE, resolve_pairs, rotation_lines


def benchmark(svc: BreadthService, state: ViewState) -> pd.DataFrame:
    """``close_<ticker>``: the large-cap benchmark's adjusted close; ``divergence_bearish``,
    ``divergence_bullish``: every flagged session (True/False; ``dvn``/``dvt``, the slow
    window's breadth), whether or not the marks are drawn."""
    closes = market_closes(svc)
    bench = resolve_role(BENCHMARK_ROLE, list(closes.columns))
    if not bench:
        return pd.DataFrame()
    out = closes[[bench]].add_prefix("close_")
    found = divergences(svc, state)
    if found is not None:
        flags = found[1][["bearish", "bullish"]].add_prefix("divergence_")
        out = out.join(flags.reindex(out.index).fillna(False).astype(bool))
    return out


def participation(svc: BreadthService, state: ViewState) -> pd.DataFrame:
    """% above the slow average with its trailing percentile, band and long-run average, %
    above the fast average, and the counts behind them."""
    q = query(state)
    frame = svc.breadth(q)
    names = q.columns()
    slow, fast = names["pct_slow"], names["pct_fast"]
    context = svc.context(q, slow)
    return pd.DataFrame(
        {
            f"{slow}_pct": frame[slow],
            f"{slow}_percentile": context["percentile"],
            f"{slow}_q10_pct": context["q10"],
            f"{slow}_q90_pct": context["q90"],
            f"{slow}_long_run_avg_pct": svc.long_run(q, slow)["value"],
            f"{fast}_pct": frame[fast],
            "members": frame["members"],
            "members_with_data": frame["members_with_data"],
            names["eligible_slow"]: frame[names["eligible_slow"]],
        },
        index=frame.index,
    )


HIGHS_LOWS = (
    "new_highs_52w",
    "new_lows_52w",
    "pct_new_highs_52w",
    "pct_new_lows_52w",
    "net_new_highs",
)
ADVANCE_DECLINE = ("advances", "declines", "ad_line", "mcclellan_osc", "mcclellan_sum")


def highs_lows(svc: BreadthService, state: ViewState) -> pd.DataFrame:
    """Counts and % of members at 52-week highs and lows, and the comparison universe's %."""
    frame = svc.breadth(query(state))[list(HIGHS_LOWS)]
    compare = compare_series(svc, state)
    if compare is not None:
        frame = frame.assign(**{f"pct_new_highs_52w_{state.compare}": compare})
    return frame


def advance_decline(svc: BreadthService, state: ViewState) -> pd.DataFrame:
    """Advances, declines, the A/D line and the McClellan oscillator and summation index."""
    return svc.breadth(query(state))[list(ADVANCE_DECLINE)]


def volume(svc: BreadthService, state: ViewState) -> pd.DataFrame:
    """Up and down volume (shares), the A/D volume line, up-volume % and the Arms index:
    the ``export breadth`` volume columns; none when the store has no volume."""
    frame = svc.volume(query(state))
    return pd.DataFrame() if frame.columns.empty else frame[list(VOLUME_COLUMNS)]


def rotation(svc: BreadthService, state: ViewState) -> pd.DataFrame:
    """``ratio_rebased_100: <pair>``: each ratio line rebased to 100 at the view's start."""
    if state.start is None:
        return pd.DataFrame()
    closes = market_closes(svc)
    lines = rotation_lines(closes, resolve_pairs(list(closes.columns)), state.start)
    return lines.add_prefix("ratio_rebased_100: ")


# -- issue #15 items 1 and 2: the window-set charts (the export's own column names) --------
def windows(svc: BreadthService, state: ViewState) -> pd.DataFrame:
    """``pct_above_<n>dma`` and ``eligible_<n>dma`` of each window of ``mw`` (ascending), as
    ``export breadth --windows`` names them."""
    frame = svc.breadth(query(state))
    names = [c for n in state.windows for c in (f"pct_above_{n}dma", f"eligible_{n}dma")]
    return frame[names]


def net_highs(svc: BreadthService, state: ViewState) -> pd.DataFrame:
    """``new_highs_<w>w``, ``new_lows_<w>w``, ``pct_new_highs_<w>w``, ``pct_new_lows_<w>w`` of
    each week count of ``hw`` (ascending), then ``cum_net_new_highs``, as ``export breadth
    --hl-weeks`` names them."""
    frame = svc.breadth(query(state))
    kinds = ("new_highs", "new_lows", "pct_new_highs", "pct_new_lows")
    names = [f"{k}_{w}w" for w in state.hl_weeks for k in kinds]
    return frame[[*names, "cum_net_new_highs"]]
