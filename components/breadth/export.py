"""CSV of exactly what the charts show, over the view's dates (the Download button)."""

from __future__ import annotations

import io

import pandas as pd

from components.breadth.views import compare_series, market_closes, query
from components.url.fields import ViewState
from data.benchmarks import resolve_role
from data.csvsafe import safe_frame
from service.breadth import BreadthService
from service.pairs import BENCHMARK_ROLE, resolve_pairs, rotation_lines


def view_frame(svc: BreadthService, state: ViewState) -> pd.DataFrame:
    """One row per session of the view; columns named with their units."""
    q = query(state)
    frame = svc.breadth(q)
    names = q.columns()
    slow, fast = names["pct_slow"], names["pct_fast"]
    context = svc.context(q, slow)
    out = pd.DataFrame(index=frame.index)
    out[f"{slow}_pct"] = frame[slow]
    out[f"{slow}_percentile"] = context["percentile"]
    out[f"{slow}_q10_pct"] = context["q10"]
    out[f"{slow}_q90_pct"] = context["q90"]
    out[f"{slow}_long_run_avg_pct"] = svc.long_run(q, slow)["value"]
    out[f"{fast}_pct"] = frame[fast]
    for col in (
        "members",
        "members_with_data",
        names["eligible_slow"],
        "new_highs_52w",
        "new_lows_52w",
        "pct_new_highs_52w",
        "pct_new_lows_52w",
        "net_new_highs",
        "advances",
        "declines",
        "ad_line",
        "mcclellan_osc",
        "mcclellan_sum",
    ):
        out[col] = frame[col]
    compare = compare_series(svc, state)
    if compare is not None:
        out[f"pct_new_highs_52w_{state.compare}"] = compare.reindex(out.index)
    closes = market_closes(svc)
    bench = resolve_role(BENCHMARK_ROLE, list(closes.columns))
    if bench:
        out[f"close_{bench}"] = closes[bench].reindex(out.index)
    if state.start is not None:
        lines = rotation_lines(closes, resolve_pairs(list(closes.columns)), state.start)
        for label in lines.columns:
            out[f"ratio_rebased_100: {label}"] = lines[label].reindex(out.index)
    start = pd.Timestamp(state.start) if state.start else None
    end = pd.Timestamp(state.end) if state.end else None
    return out.loc[start:end]


def view_csv(svc: BreadthService, state: ViewState) -> str:
    """CSV text with a header comment naming the universe, options and data version."""
    frame = view_frame(svc, state)
    buf = io.StringIO()
    simulated = " (SIMULATED DATA)" if svc.store.manifest().get("simulated") else ""
    buf.write(
        f"# universe={state.universe}; windows={state.fast}/{state.slow}; "
        f"highs={'intraday' if state.intraday else 'closing'}; "
        f"mcclellan={'ratio-adjusted' if state.ratio_adjusted else 'classic'}; "
        f"data version={svc.version()}{simulated}\n"
    )
    safe_frame(frame).to_csv(buf, index_label="date", date_format="%Y-%m-%d", float_format="%.6g")
    return buf.getvalue()


def file_name(state: ViewState) -> str:
    """breadth-<universe>-<start>-<end>.csv"""
    return f"breadth-{state.universe}-{state.start or 'start'}-{state.end or 'end'}.csv"
