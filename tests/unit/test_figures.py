"""components.breadth.figures: traces, names, axis units, view ranges and notices, no browser."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from components.breadth import figures as figs
from components.style import counts, ms, y_range
from indicators.breadth import BreadthParams, compute_breadth
from indicators.stats import long_run_average, trailing_percentile, trailing_quantiles
from service.pairs import missing_notices, resolve_pairs, rotation_lines

START, END = date(2022, 1, 3), date(2022, 12, 30)


@pytest.fixture(scope="module")
def breadth() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    dates = pd.bdate_range("2020-01-01", "2022-12-30")
    rets = rng.normal(0.0003, 0.015, (len(dates), 60))
    close = pd.DataFrame(
        100 * np.exp(np.cumsum(rets, axis=0)), index=dates, columns=[f"T{i:02d}" for i in range(60)]
    )
    close.iloc[:300, :10] = np.nan  # late listings
    return compute_breadth(close, params=BreadthParams(fast=20, slow=100))


@pytest.fixture(scope="module")
def context(breadth: pd.DataFrame) -> pd.DataFrame:
    s = breadth["pct_above_100dma"]
    band = trailing_quantiles(s)
    return pd.DataFrame(
        {"value": s, "percentile": trailing_percentile(s), "q10": band["q10"], "q90": band["q90"]}
    )


def _long_run(breadth: pd.DataFrame) -> dict[str, object]:
    lra = long_run_average(breadth["pct_above_100dma"])
    return {"value": lra.value, "start": lra.start, "end": lra.end, "n": lra.observations}


def _y(trace: go.Scatter) -> np.ndarray:
    return np.asarray(trace.y, dtype="float64")


def test_fig001_participation_traces(breadth: pd.DataFrame, context: pd.DataFrame) -> None:
    fig = figs.participation_figure(
        breadth, context, _long_run(breadth), fast=20, slow=100, start=START, end=END
    )
    names = [t.name for t in fig.data]
    assert "% above 100-day avg" in names and "% above 20-day avg" in names
    assert "Trailing 10th–90th percentile band" in names
    assert any(n.startswith("Long-run avg") for n in names)
    slow = fig.data[names.index("% above 100-day avg")]
    assert len(slow.x) == len(breadth)
    np.testing.assert_allclose(_y(slow), breadth["pct_above_100dma"], rtol=1e-6, equal_nan=True)
    assert np.asarray(slow.customdata).shape == (len(breadth), 4)
    assert "percentile" in slow.hovertemplate and "members with data" in slow.hovertemplate
    assert fig.layout.yaxis.ticksuffix == "%" and fig.layout.yaxis.title.text == "% of members"
    assert list(fig.layout.yaxis.range) == [0.0, 100.0]
    assert fig.layout.xaxis.range[0].startswith("2022-01-03")
    assert fig.layout.xaxis.type == "date"


def test_fig002_arrays_are_compact(breadth: pd.DataFrame, context: pd.DataFrame) -> None:
    fig = figs.participation_figure(
        breadth, context, _long_run(breadth), fast=20, slow=100, start=START, end=END
    )
    payload = pio.to_json(fig)
    assert '"bdata"' in payload and '"f4"' in payload
    assert len(payload) < 110 * len(breadth) + 20_000  # base64 arrays, not lists of floats


def test_fig003_dates_are_epoch_ms(breadth: pd.DataFrame) -> None:
    x = ms(breadth.index[:2])
    assert x.dtype == np.float32
    back = pd.to_datetime(x.astype("float64"), unit="ms")
    assert list(back.normalize()) == list(breadth.index[:2])


def test_fig004_highs_lows_with_comparison(breadth: pd.DataFrame) -> None:
    compare = breadth["pct_new_highs_52w"] * 0.5
    fig = figs.highs_lows_figure(
        breadth, compare, compare_label="sim-small", closing=True, start=START, end=END
    )
    names = [t.name for t in fig.data]
    assert names == [
        "% at 52-week highs",
        "% at 52-week lows",
        "% at highs: sim-small",
        "Net new highs (highs − lows)",
    ]
    assert "closing" in fig.layout.title.text
    assert fig.layout.yaxis.title.text == "% of eligible"
    assert fig.layout.yaxis2.title.text == "Net (count)"
    assert fig.data[3].yaxis == "y2"
    window = breadth.loc["2022-01-03":"2022-12-30", "net_new_highs"]
    lo, hi = fig.layout.yaxis2.range
    assert lo <= min(window.min(), 0) and hi >= window.max()


def test_fig005_highs_lows_without_comparison(breadth: pd.DataFrame) -> None:
    fig = figs.highs_lows_figure(breadth, None, start=START, end=END)
    assert len(fig.data) == 3 and "intraday" in fig.layout.title.text


def test_fig006_advance_decline(breadth: pd.DataFrame) -> None:
    fig = figs.advance_decline_figure(breadth, ratio_adjusted=True, start=START, end=END)
    assert [t.name for t in fig.data] == [
        "A/D line",
        "McClellan oscillator (ratio-adjusted)",
        "Summation index",
    ]
    assert [t.yaxis for t in fig.data] == ["y", "y2", "y3"]
    lo, hi = fig.layout.yaxis2.range
    assert lo == pytest.approx(-hi)  # oscillator centred on zero
    assert "‰" in fig.layout.yaxis2.title.text
    window = breadth.loc["2022-01-03":"2022-12-30", "ad_line"]
    lo, hi = fig.layout.yaxis.range
    assert lo < window.min() and hi > window.max()


def test_fig007_ranges_match_builders(breadth: pd.DataFrame) -> None:
    fig = figs.advance_decline_figure(breadth, ratio_adjusted=False, start=START, end=END)
    ranges = figs.advance_decline_ranges(breadth, START, END)
    for axis, yr in ranges.items():
        assert list(fig.layout[axis].range) == pytest.approx(yr)


def test_fig008_empty_frame_says_so() -> None:
    fig = figs.highs_lows_figure(pd.DataFrame(), None, start=None, end=None)
    assert not fig.data
    assert "No sessions" in fig.layout.annotations[0].text


def _closes() -> pd.DataFrame:
    idx = pd.bdate_range("2021-06-01", "2022-12-30")
    rng = np.random.default_rng(1)
    cols = ["SIM:LARGE", "SIM:SMALL", "SIM:VALUE", "SIM:GROWTH", "SIM:EQUAL"]
    data = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, (len(idx), len(cols))), axis=0))
    return pd.DataFrame(data, index=idx, columns=cols)


def test_fig009_rotation_lines_rebased_at_start() -> None:
    closes = _closes()
    pairs = resolve_pairs(list(closes.columns))
    lines = rotation_lines(closes, pairs, START)
    fig = figs.rotation_figure(lines, anchor=START, notices=[], start=START, end=END)
    assert [t.name for t in fig.data] == [
        "Small vs large caps",
        "Value vs growth",
        "Equal vs cap weight",
    ]
    for trace in fig.data:
        at = int(np.searchsorted(np.asarray(trace.x), ms(pd.DatetimeIndex([START]))[0]))
        assert at < len(trace.x)
        assert float(trace.y[at]) == pytest.approx(100.0)
    assert "03 Jan 2022" in fig.layout.title.text
    assert fig.layout.yaxis.title.text == "Ratio (base = 100)"
    assert fig.layout.yaxis.range[0] <= 100 <= fig.layout.yaxis.range[1]


def test_fig010_rotation_missing_leg_is_named() -> None:
    closes = _closes().drop(columns=["SIM:VALUE"])
    pairs = resolve_pairs(list(closes.columns))
    notices = missing_notices(pairs)
    assert len(notices) == 1 and "Value vs growth" in notices[0] and "IWD" in notices[0]
    fig = figs.rotation_figure(
        rotation_lines(closes, pairs, START), anchor=START, notices=notices, start=START, end=END
    )
    assert len(fig.data) == 2
    assert "Value vs growth" in fig.layout.annotations[0].text


def test_fig011_rotation_with_no_pair_is_never_blank() -> None:
    closes = _closes()[["SIM:LARGE"]]
    pairs = resolve_pairs(list(closes.columns))
    notices = missing_notices(pairs)
    fig = figs.rotation_figure(
        rotation_lines(closes, pairs, START), anchor=START, notices=notices, start=START, end=END
    )
    assert not fig.data
    assert "No rotation pair" in fig.layout.annotations[0].text
    assert "small caps" in fig.layout.annotations[0].text


def test_fig012_benchmark_and_missing_benchmark() -> None:
    closes = _closes()
    fig = figs.benchmark_figure(closes["SIM:LARGE"], ticker="SIM:LARGE", start=START, end=END)
    assert len(fig.data) == 1 and "SIM:LARGE" in fig.layout.title.text
    assert fig.layout.yaxis.title.text == "Adjusted close"
    empty = figs.benchmark_figure(None, ticker="", start=START, end=END)
    assert "No large-cap benchmark" in empty.layout.annotations[0].text


def test_fig013_y_range_over_the_window_only() -> None:
    frame = pd.DataFrame({"a": [1000.0, 1.0, 3.0]}, index=pd.bdate_range("2022-01-03", periods=3))
    lo, hi = y_range(frame, ["a"], date(2022, 1, 4), date(2022, 1, 5), pad=0.0)
    assert (lo, hi) == (1.0, 3.0)
    assert y_range(frame, ["missing"], None, None) is None


def _base_layout_reference(fig: go.Figure, *, height: int, title: str) -> go.Figure:
    """The update_* form base_layout replaced (same result, 15–40 ms slower per chart)."""
    from components.style import X_AXIS, Y_AXIS, frame_layout

    fig.update_layout(**frame_layout(height=height, title=title))
    fig.update_xaxes(**X_AXIS)
    fig.update_yaxes(**Y_AXIS)
    return fig


@pytest.mark.parametrize("rows", [0, 1, 3])
def test_fig040_base_layout_equals_the_update_calls(rows: int) -> None:
    from plotly.subplots import make_subplots

    from components.style import base_layout

    def build() -> go.Figure:
        fig = make_subplots(rows=rows, cols=1, shared_xaxes=True) if rows else go.Figure()
        fig.add_trace(go.Scatter(x=[1, 2], y=[3, 4]), **({"row": 1, "col": 1} if rows else {}))
        return fig

    fast = base_layout(build(), height=300, title="t").to_plotly_json()
    slow = _base_layout_reference(build(), height=300, title="t").to_plotly_json()
    assert fast == slow
    if rows == 3:  # subplot geometry kept, every axis styled
        assert fast["layout"]["xaxis"]["matches"] == "x3"
        assert fast["layout"]["yaxis3"]["automargin"] is True
        assert fast["layout"]["xaxis2"]["type"] == "date"


def test_fig041_legend_sits_under_the_title_and_yfit_rules(
    breadth: pd.DataFrame, context: pd.DataFrame
) -> None:
    from components.frame import LEGEND_PX, TICK_OVERHANG_PX, TITLE_PX
    from components.style import HEIGHTS, Y_PAD

    fig = figs.advance_decline_figure(breadth, ratio_adjusted=False, start=START, end=END)
    legend = fig.layout.legend
    assert (legend.xref, legend.yref, legend.yanchor) == ("container", "container", "top")
    assert legend.y == pytest.approx(1 - TITLE_PX / HEIGHTS["advance_decline"])
    # its three entries fit one row: the title, that row and the top tick label (top_margin)
    assert fig.layout.margin.t == TITLE_PX + LEGEND_PX[0] + TICK_OVERHANG_PX == 82
    rules = fig.layout.meta["yfit"]
    assert rules["yaxis2"] == {"pad": Y_PAD, "include": [0.0], "symmetric": True}
    assert all(rule for rule in rules.values())  # no empty object (Plotly would prune it)
    hl = figs.highs_lows_figure(breadth, start=START, end=END)
    assert hl.layout.meta["yfit"]["yaxis"] == {"pad": Y_PAD, "include": [0.0], "floor": -0.5}
    part = figs.participation_figure(
        breadth, context, _long_run(breadth), fast=20, slow=100, start=START, end=END
    )
    assert "yfit" not in (part.layout.meta or {})  # the 0–100 scale stays fixed


def test_fig042_legend_rows_as_plotly_lays_them_out() -> None:
    """One row while every entry (its text + 45 px) fits, else a grid of the widest entry; no
    entry, no row. Texts are ~0.55 × 12 px a character."""
    from components.frame import legend_rows, text_px

    assert text_px("x" * 10) == pytest.approx(66.0) and text_px("ab", font=10) == 11.0
    assert legend_rows([]) == 0
    assert legend_rows([13.2] * 3, width=1000) == 1  # 3 × 58.2 px
    ten = [66.0] * 10  # 111 px each, 1,110 px in one row
    assert legend_rows(ten, width=1110) == 1
    assert legend_rows(ten, width=1000) == 2  # 9 per row
    assert legend_rows(ten, width=300) == 5  # 2 per row
    assert legend_rows([264.0, 6.6], width=400) == 1  # 309 + 51.6 px
    assert legend_rows([264.0, 6.6], width=350) == 2  # a grid of 309 px cells
    assert legend_rows([264.0], width=100) == 1  # wider than the chart: still one row


def test_fig043_top_margin_holds_the_legend_so_plotly_draws_once() -> None:
    """The top margin is the title band alone without a legend; with one, it adds the
    legend's rows and the top tick label's overhang (what Plotly's automargin would push
    it to, so the first drawing is the last). Only entries the legend lists count."""
    from components.frame import LEGEND_PX, TICK_OVERHANG_PX, TITLE_PX, legend_names, top_margin
    from components.style import base_layout

    def fig(*traces: go.Scatter, **layout: object) -> go.Figure:
        return go.Figure(list(traces), layout=layout)

    a, b = go.Scatter(x=[1, 2], y=[1, 2], name="a"), go.Scatter(x=[1], y=[3], name="b")
    hidden = go.Scatter(x=[1], y=[1], name="kept out", showlegend=False)
    empty = go.Scatter(x=[], y=[], name="empty")  # Plotly hides a trace without points
    assert legend_names(fig(a, b, hidden, empty, go.Scatter(x=[1], y=[1]))) == ["a", "b"]
    assert legend_names(fig(a, hidden)) == []  # one entry: Plotly shows no legend
    assert legend_names(fig(a, showlegend=True)) == ["a"]
    assert legend_names(fig(a, b, showlegend=False)) == []
    one_row = TITLE_PX + LEGEND_PX[0] + TICK_OVERHANG_PX
    assert top_margin(fig(a)) == TITLE_PX + 6
    assert top_margin(fig(a, b)) == one_row == 82
    long = [
        go.Scatter(x=[1], y=[1], name=f"{n}-day long-run avg 64.2% (all data, 2013–2026)")
        for n in (20, 50, 200)
    ] + [go.Scatter(x=[1], y=[1], name="% above 200-day avg")]
    assert top_margin(fig(*long)) == one_row + LEGEND_PX[1] == 101  # 2 rows at 1,200 px
    assert base_layout(fig(a, b), height=300, title="t").layout.margin.t == one_row
    # a title on two lines (the RRG's on a phone): the band, the legend and the margin grow
    # by one line
    two = base_layout(fig(a, b), height=300, title="t<br>u").layout
    assert two.margin.t == one_row + 18 and two.legend.y == pytest.approx(1 - (34 + 18) / 300)
    # the benchmark's legend names its divergence marks: room for it only when it has them
    closes = _closes()["SIM:LARGE"]
    plain = figs.benchmark_figure(closes, ticker="SIM:LARGE", start=START, end=END)
    assert plain.layout.margin.t == TITLE_PX + 6
    marks = [go.Scatter(x=[1], y=[1], name="Bearish divergence"),
             go.Scatter(x=[], y=[], name="Bullish divergence")]  # fmt: skip
    marked = figs.benchmark_figure(closes, ticker="SIM:LARGE", start=START, end=END, marks=marks)
    assert marked.layout.showlegend is True and marked.layout.margin.t == one_row


def test_fig030_hover_counts_travel_as_small_integers(breadth: pd.DataFrame) -> None:
    """Counts in hover data are the smallest integer type that holds them, halves rounded up
    as the hover's ``.0f`` shows them; the chart's counts equal the breadth frame's."""
    got = counts(np.array([0.0, 1.5, 2.4, np.nan, 65535.0]))
    assert got.dtype == np.uint16 and got.tolist() == [0, 2, 2, 0, 65535]
    assert counts(np.array([70000.0])).dtype == np.uint32
    signed = counts(pd.Series([-3.0, 5.0, -0.5]))
    assert signed.dtype == np.int16 and signed.tolist() == [-3, 5, 0]
    assert counts(np.array([-40000.0, 1.0])).dtype == np.int32
    assert counts(np.column_stack([[1.0, 2.0], [3.0, 4.0]])).shape == (2, 2)
    fig = figs.highs_lows_figure(breadth, start=START, end=END)
    highs = next(t for t in fig.data if t.name == "% at 52-week highs")
    custom = np.asarray(highs.customdata)
    assert custom.dtype == np.uint16
    want = breadth["new_highs_52w"].fillna(0).to_numpy()
    assert np.array_equal(custom, want)


def test_fig031_participation_hover_data_is_whole_numbers_with_nan_kept(
    breadth: pd.DataFrame, context: pd.DataFrame
) -> None:
    """The slow series' hover data (percentile, members with data, members, eligible) are the
    whole numbers its ``.0f`` hover shows: the percentile rounded halves up, NaN where it is
    not defined yet (shown as such, not as a 0th percentile)."""
    fig = figs.participation_figure(
        breadth, context, _long_run(breadth), fast=20, slow=100, start=START, end=END
    )
    slow = next(t for t in fig.data if t.name == "% above 100-day avg")
    custom = np.asarray(slow.customdata)
    assert custom.dtype == np.float32 and custom.shape == (len(breadth), 4)
    pct = context["percentile"].to_numpy()
    undefined = np.isnan(pct)
    assert 0 < undefined.sum() < len(pct)  # the fixture has both
    assert np.isnan(custom[undefined, 0]).all()
    assert np.array_equal(custom[~undefined, 0], np.floor(pct[~undefined] + 0.5))
    for col, name in ((1, "members_with_data"), (2, "members"), (3, "eligible_100dma")):
        assert np.array_equal(custom[:, col], breadth[name].to_numpy(dtype="float32")), name
