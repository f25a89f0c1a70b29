"""Command line: ``python cli.py demo | import | status | refresh | universe | export | report``.

Thin: each command parses typed arguments, calls one function of data/ or service, prints.
Heavy imports live inside the commands (``cli.py --help`` loads no pandas). A user error
never shows a traceback: it is one ``error: ...`` line on stderr and an exit code:

- 0 ok;
- 1 partial: some tickers failed (listed), or a refresh was cancelled; also a store that
  cannot be read or written (``StoreError``);
- 2 usage or input error: bad option or date, unknown universe, bad ticker or file, empty
  store, an ``--out`` that cannot be written (``InputError``, click's usage errors);
- 3 source unreachable or failed as a whole (``SourceError``): e.g. ``refresh`` offline
  stops within seconds, nothing changed.

``--out`` paths are checked when parsed, before any work (``check_out_file``,
``check_out_dir``): an export's is ``-`` (stdout) or a file whose folder exists and that is
not itself a folder; ``report``'s is a folder, or a path where one can be made (not a file).
``--start``/``--end``/``--asof`` dates follow the rule in service/windows.py (a date past the
stored sessions is clamped with a ``note:`` line).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from data.errors import BreadthError, InputError, SourceError, StoreError
from settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from data.store import Store

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3


class DateParam(click.ParamType):
    """A YYYY-MM-DD date that fails with a clean usage error."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(str(value), "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


DATE = DateParam()


def user_errors(func: F) -> F:
    """Turn BreadthError into one line on stderr and exit code 2 (input), 3 (source) or 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except SourceError as exc:
            click.echo(f"error: {str(exc).rstrip('. ')}; nothing changed", err=True)
            sys.exit(EXIT_UNREACHABLE)
        except BreadthError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_PARTIAL)

    return wrapper  # type: ignore[return-value]


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)


def check_out_file(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--out`` of an export: ``-`` or a writable-looking file path (click callback)."""
    if value == "-":
        return value
    if not value.strip():
        raise click.BadParameter("empty path: give a file path, or - for stdout")
    path = Path(value)
    if path.is_dir():
        raise click.BadParameter(f"{value} is a folder: give a file path inside it")
    parent = path.parent
    if not parent.exists():
        raise click.BadParameter(f"folder {parent} does not exist")
    if not parent.is_dir():
        raise click.BadParameter(f"{parent} is a file, not a folder")
    return value


def check_out_dir(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """``--out`` of ``report``: an existing folder or a new one's path (click callback)."""
    for part in (value, *value.parents):
        if part.exists():
            if not part.is_dir():
                what = "" if part == value else f" (in {value})"
                raise click.BadParameter(f"{part} is a file, not a folder{what}")
            break
    return value


def _store() -> Store:
    from data.store import Store

    return Store(_settings().data_dir)


def _note(text: str) -> None:
    click.echo(f"note: {text}", err=True)


OUT_OPTION = click.option(
    "--out",
    default="-",
    show_default=True,
    callback=check_out_file,
    help="CSV path, or - for stdout.",
)
"""Every export's --out: checked before any work (check_out_file)."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Breadth & Rotation Monitor: load data, refresh it, export indicators."""


@cli.command()
@click.option("--seed", type=int, default=None, help="Random seed (default BREADTH_DEMO_SEED).")
@click.option("--tickers", "n_tickers", type=click.IntRange(50, 20000), default=None)
@click.option("--years", type=click.IntRange(2, 40), default=None)
@user_errors
def demo(seed: int | None, n_tickers: int | None, years: int | None) -> None:
    """Write the simulated demo market into the store (replaces what it holds)."""
    from data.jobs import load_demo

    settings = _settings()
    version = load_demo(
        _store(),
        seed=settings.demo_seed if seed is None else seed,
        n_tickers=settings.demo_tickers if n_tickers is None else n_tickers,
        years=settings.demo_years if years is None else years,
    )
    click.echo(f"demo market stored (simulated data), version {version}")


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--replace/--merge", default=False, help="Replace the store, or merge (default).")
@click.option("--overwrite", is_flag=True, help="Let the files change bars already stored.")
@click.option("--date-format", default=None, help="strptime codes of the dates, e.g. %d/%m/%Y.")
@user_errors
def import_(
    paths: tuple[Path, ...], replace: bool, overwrite: bool, date_format: str | None
) -> None:
    """Store price files (CSV or Parquet, long or wide)."""
    from data.jobs import import_files

    settings = _settings()
    summary = import_files(
        _store(),
        list(paths),
        replace=replace,
        overwrite=overwrite,
        date_format=date_format,
        date_bounds=settings.import_bounds(),
        max_bytes=settings.max_upload_bytes,
    )
    click.echo(summary)


@cli.command()
@user_errors
def status() -> None:
    """Say what the store holds."""
    from data.jobs import status_report
    from data.store.guard import integrity_report

    try:
        click.echo(status_report(_store()))
    except StoreError as exc:  # a corrupt file: still say which, below
        click.echo(f"status: {exc}")
    click.echo(integrity_report(_store()))  # every file of the current and previous version


@cli.command()
@click.option("--universe", "universes", multiple=True, help="Universe(s) to refresh.")
@click.option("--tickers", "tickers", multiple=True, help="Extra tickers.")
@click.option("--full", is_flag=True, help="Fetch whole histories again.")
@click.option("--progress/--no-progress", default=True)
@user_errors
def refresh(
    universes: tuple[str, ...], tickers: tuple[str, ...], full: bool, progress: bool
) -> None:
    """Download new bars from Yahoo Finance (incremental)."""
    from data.refresh import run_refresh_cli

    sys.exit(
        run_refresh_cli(_store(), _settings(), universes, tickers, full=full, progress=progress)
    )


@cli.group()
def universe() -> None:
    """List, add and update universes."""


@universe.command("list")
@user_errors
def universe_list() -> None:
    """Universes known to the store and built in."""
    from data.universes import describe_universes

    click.echo(describe_universes(_store()))


@universe.command("add")
@click.argument("name")
@click.argument("path", type=click.Path(path_type=Path))
@user_errors
def universe_add(name: str, path: Path) -> None:
    """Add a custom universe from a ticker list or a ticker,start_date,end_date table."""
    from data.universes import add_universe_file

    click.echo(add_universe_file(_store(), name, path))


@universe.command("update")
@click.argument("name")
@user_errors
def universe_update(name: str) -> None:
    """Fetch a universe's public membership or holdings file (needs internet)."""
    from data.universes import update_universe

    click.echo(update_universe(_store(), name))


@cli.group()
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
@user_errors
def export_breadth(
    universe: str,
    tickers_file: Path | None,
    start: date | None,
    end: date | None,
    out: str,
    sma_fast: int,
    sma_slow: int,
) -> None:
    """Breadth indicators per session of a universe (or of a ticker list)."""
    from service import windows
    from service.exports import export_breadth_csv, write_output

    store = _store()
    start, end = windows.clamp_window(store, start, end, _note)
    text = export_breadth_csv(
        store,
        universe=universe,
        tickers_file=tickers_file,
        start=start,
        end=end,
        sma_fast=sma_fast,
        sma_slow=sma_slow,
    )
    write_output(text, out)


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

    store = _store()
    start, end = windows.clamp_window(store, start, end, _note)
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
    store = _store()
    start, end = windows.clamp_window(store, start, end, _note)
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

    store = _store()
    asof = windows.clamp_asof(store, asof, _note)
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
    store = _store()
    asof = windows.clamp_asof(store, asof, _note)
    write_output(analogs_csv(store, asof, universe, params, table), out)


@cli.command()
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
        rep, paths = export_report(BreadthService(_store()), query, out_dir, png=png)
    except OSError as exc:  # the folder cannot be made or written (checked: not a file)
        raise InputError(f"{out_dir}: cannot write the report ({exc.strerror or exc})") from exc
    for notice in rep.notices:
        click.echo(f"note: {notice}", err=True)
    click.echo("\n".join(str(p) for p in paths))


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; usage errors become one line on stderr and exit code 2."""
    try:
        cli.main(args=argv, prog_name="cli.py", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message())
        return EXIT_USAGE
    except click.UsageError as exc:
        hint = (
            f" (see: python cli.py {exc.ctx.command_path.split(' ', 1)[-1]} --help)"
            if (exc.ctx and " " in exc.ctx.command_path)
            else " (see: python cli.py --help)"
        )
        click.echo(f"error: {exc.format_message()}{hint}", err=True)
        return EXIT_USAGE
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        return EXIT_PARTIAL
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
