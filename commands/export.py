"""``cli.py export breadth|sectors|rotation|rrg|claims|analogs`` (CSV) and ``cli.py report``
(HTML and PNG of a page view): each parses typed options, calls one service or report
function, writes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from commands.params import (
    DATE,
    OUT_OPTION,
    IntListParam,
    check_out_dir,
    note,
    open_store,
    user_errors,
)
from data.errors import InputError


@click.group()
def export() -> None:
    """Export indicator tables as CSV."""


@export.command("breadth")
@click.option("--universe", default="all", show_default=True)
@click.option("--tickers-file", type=click.Path(path_type=Path), default=None)
@click.option("--start", type=DATE, default=None)
@click.option("--end", type=DATE, default=None)
@OUT_OPTION
@click.option("--fast", "sma_fast", type=click.IntRange(5, 400), default=50, show_default=True)
@click.option("--slow", "sma_slow", type=click.IntRange(5, 400), default=200, show_default=True)
@click.option(
    "--windows",
    "extra_windows",
    type=IntListParam(5, 400),
    default=None,
    help="Extra moving averages, e.g. 20,50,100,200: adds pct_above_<n>dma, eligible_<n>dma.",
)
@click.option(
    "--hl-weeks",
    type=IntListParam(choices=(4, 13, 26, 52)),
    default=None,
    help="New highs/lows over 4,13,26,52 weeks (20, 63, 126, 252 bars): adds "
    "new_highs_<w>w, new_lows_<w>w, pct_new_highs_<w>w, pct_new_lows_<w>w.",
)
@user_errors
def export_breadth(
    universe: str,
    tickers_file: Path | None,
    start: date | None,
    end: date | None,
    out: str,
    sma_fast: int,
    sma_slow: int,
    extra_windows: tuple[int, ...] | None,
    hl_weeks: tuple[int, ...] | None,
) -> None:
    """Breadth indicators per session of a universe (or of a ticker list)."""
    from indicators.kernels import warm_in_background

    warm_in_background()  # a fresh clone compiles the kernel while the store is read
    from service import windows
    from service.exports import export_breadth_csv, write_output

    store = open_store()
    start, end = windows.clamp_window(store, start, end, note)
    text = export_breadth_csv(
        store,
        universe=universe,
        tickers_file=tickers_file,
        start=start,
        end=end,
        sma_fast=sma_fast,
        sma_slow=sma_slow,
        windows=extra_windows or (),
        hl_weeks=hl_weeks or (),
    )
    write_output(text, out)


@export.command("sectors")
@click.option("--universe", default="all", show_default=True)
@click.option("--window", type=click.IntRange(5, 400), default=200, show_default=True)
@click.option("--start", type=DATE, default=None)
@click.option("--end", type=DATE, default=None)
@OUT_OPTION
@user_errors
def export_sectors(
    universe: str, window: int, start: date | None, end: date | None, out: str
) -> None:
    """Sector breadth: date,sector,members_with_data,pct_above_<n>dma (long)."""
    from service import windows
    from service.exports import sectors_csv, write_output

    store = open_store()
    start, end = windows.clamp_window(store, start, end, note)
    write_output(sectors_csv(store, universe, window, start, end), out)


# -- rotation exports (issue 6; tables and columns: service/exports.py, docs/INDICATORS.md) --


@export.command("rotation")
@click.option("--start", type=DATE, default=None, help="First date (ratio rebased to 100 there).")
@click.option("--end", type=DATE, default=None)
@OUT_OPTION
@user_errors
def export_rotation_cmd(start: date | None, end: date | None, out: str) -> None:
    """Ratio lines: small vs large, value vs growth, equal vs cap weight."""
    from service import windows
    from service.exports import rotation_csv, write_output

    store = open_store()
    start, end = windows.clamp_window(store, start, end, note)
    write_output(rotation_csv(store, start, end), out)


@export.command("rrg")
@click.option("--tickers", default="", help="Comma-separated (default: sector and style ETFs).")
@click.option("--benchmark", default=None, help="Default: the large-cap index (SPY, ^GSPC).")
@click.option("--freq", type=click.Choice(["W", "D"]), default="W", show_default=True)
@click.option("--window", type=click.IntRange(2, 520), default=52, show_default=True)
@click.option("--momentum", type=click.IntRange(1, 260), default=10, show_default=True)
@click.option("--start", type=DATE, default=None)
@click.option("--end", type=DATE, default=None)
@OUT_OPTION
@user_errors
def export_rrg_cmd(
    tickers: str,
    benchmark: str | None,
    freq: str,
    window: int,
    momentum: int,
    start: date | None,
    end: date | None,
    out: str,
) -> None:
    """Relative rotation graph: RS-Ratio, RS-Momentum and quadrant per period and ticker."""
    from indicators.rrg import RrgParams
    from service import windows
    from service.exports import parse_tickers, rrg_csv, write_output

    bench = parse_tickers(benchmark)[0] if benchmark else None
    params = RrgParams(window=window, momentum=momentum, freq=freq)
    store = open_store()
    start, end = windows.clamp_window(store, start, end, note)
    write_output(rrg_csv(store, parse_tickers(tickers), bench, params, start, end), out)


@export.command("claims")
@click.option("--asof", type=DATE, default=None, help="Default: the latest session.")
@click.option("--universe", default="", help="Default: russell3000 if stored, else all.")
@click.option("--compare", default="", help="Second universe for 52-week highs (sp500).")
@OUT_OPTION
@user_errors
def export_claims_cmd(asof: date | None, universe: str, compare: str, out: str) -> None:
    """Claim check: breadth and index figures behind "narrow rally, then broadening"."""
    from service import windows
    from service.exports import claims_csv, write_output

    store = open_store()
    asof = windows.clamp_asof(store, asof, note)
    write_output(claims_csv(store, asof, universe, compare), out)


@export.command("analogs")
@click.option("--asof", type=DATE, default=None, help="Default: the latest session.")
@click.option("--universe", default="", help="Default: russell3000 if stored, else all.")
@click.option(
    "--table",
    type=click.Choice(["forward", "episodes", "summary"]),
    default="forward",
    show_default=True,
)
@click.option(
    "--near-high",
    type=click.FloatRange(0, 100),
    default=5.0,
    show_default=True,
    help="Index within this % of its 52-week high.",
)
@click.option(
    "--margin",
    type=float,
    default=0.0,
    show_default=True,
    help="Breadth at least this many points below its long-run average.",
)
@click.option("--gap", type=click.IntRange(0, 2520), default=63, show_default=True)
@OUT_OPTION
@user_errors
def export_analogs_cmd(
    asof: date | None,
    universe: str,
    table: str,
    near_high: float,
    margin: float,
    gap: int,
    out: str,
) -> None:
    """Historical analogs of the setup, with forward returns of the rotation pairs."""
    from indicators.analogs import AnalogParams
    from service import windows
    from service.exports import analogs_csv, write_output

    params = AnalogParams(near_high_pct=near_high, breadth_margin=margin, gap=gap)
    store = open_store()
    asof = windows.clamp_asof(store, asof, note)
    write_output(analogs_csv(store, asof, universe, params, table), out)


@click.command()
@click.option("--url-query", default="", help="The page's query string, e.g. '?u=sp500&start=…'.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    callback=check_out_dir,
    help="Folder for report.html and one PNG per chart.",
)
@click.option("--png/--no-png", default=True, show_default=True, help="PNGs (kaleido).")
@user_errors
def report(url_query: str, out_dir: Path, png: bool) -> None:
    """A view's report: standalone HTML (interactive, offline) and PNG images per chart."""
    from components.report.export import export_report
    from service.breadth import BreadthService

    query = url_query.split("?", 1)[1] if "?" in url_query else url_query
    try:
        rep, paths = export_report(BreadthService(open_store()), query, out_dir, png=png)
    except OSError as exc:  # the folder cannot be made or written (checked: not a file)
        raise InputError(f"{out_dir}: cannot write the report ({exc.strerror or exc})") from exc
    for notice in rep.notices:
        click.echo(f"note: {notice}", err=True)
    click.echo("\n".join(str(p) for p in paths))


# -- divergences (issue #15 item 5; columns: docs/INDICATORS.md "Divergences") -------------
@export.command("divergences")
@click.option("--universe", default="all", show_default=True)
@click.option("--benchmark", default=None, help="Default: the large-cap index (SPY, ^GSPC).")
@click.option(
    "--near",
    type=click.FloatRange(0.5, 10),
    default=2.0,
    show_default=True,
    help="Benchmark within this % of its 52-week high (low).",
)
@click.option(
    "--trail",
    type=click.IntRange(10, 200),
    default=50,
    show_default=True,
    help="Sessions of the breadth series' trailing average.",
)
@click.option(
    "--window",
    type=click.IntRange(5, 400),
    default=200,
    show_default=True,
    help="Breadth series: % above the N-day average.",
)
@click.option("--start", type=DATE, default=None)
@click.option("--end", type=DATE, default=None)
@OUT_OPTION
@user_errors
def export_divergences_cmd(
    universe: str,
    benchmark: str | None,
    near: float,
    trail: int,
    window: int,
    start: date | None,
    end: date | None,
    out: str,
) -> None:
    """Bearish and bullish breadth divergences: one row per flagged session."""
    from service import windows
    from service.exports import divergences_csv, parse_tickers, write_output

    bench = parse_tickers(benchmark)[0] if benchmark else None
    store = open_store()
    start, end = windows.clamp_window(store, start, end, note)
    text = divergences_csv(
        store,
        universe=universe,
        benchmark=bench,
        near_pct=near,
        trail=trail,
        window=window,
        start=start,
        end=end,
    )
    write_output(text, out)
