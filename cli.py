"""Command line: ``python cli.py demo | import | status | refresh | universe | export | report |
alerts``.

Thin: each command parses typed arguments, calls one function of data/ or service, prints.
Here: the group and the data commands; commands/export.py: exports and reports;
commands/params.py: exit codes, options and ``user_errors``.
Heavy imports live inside the commands (``cli.py --help`` loads no pandas). A user error
never shows a traceback: it is one ``error: ...`` line on stderr and an exit code:

- 0 ok;
- 1 partial: some tickers failed (listed), or a refresh was cancelled; also a store that
  cannot be read or written (``StoreError``);
- 2 usage or input error: bad option or date, unknown universe, bad ticker or file, empty
  store, an ``--out`` that cannot be written (``InputError``, click's usage errors);
- 3 source unreachable or failed as a whole (``SourceError``): e.g. ``refresh`` offline
  stops within seconds, nothing changed.

``--out`` paths are checked when parsed, before any work (commands/params.py): an
export's is ``-`` (stdout) or a file whose folder exists and that is not itself a folder;
``report``'s is a folder, or a path where one can be made (not a file).
``--start``/``--end``/``--asof`` dates follow the rule in service/windows.py (a date past the
stored sessions is clamped with a ``note:`` line).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from commands.alerts import alerts
from commands.export import export, report
from commands.params import (
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    cli_settings,
    open_store,
    user_errors,
)
from data.errors import StoreError


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

    settings = cli_settings()
    version = load_demo(
        open_store(),
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

    settings = cli_settings()
    summary = import_files(
        open_store(),
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
        click.echo(status_report(open_store()))
    except StoreError as exc:  # a corrupt file: still say which, below
        click.echo(f"status: {exc}")
    click.echo(integrity_report(open_store()))  # every file of the current and previous version


@cli.command()
@click.option("--universe", "universes", multiple=True, help="Universe(s) to refresh.")
@click.option("--tickers", "tickers", multiple=True, help="Extra tickers.")
@click.option("--full", is_flag=True, help="Fetch whole histories again.")
@click.option("--progress/--no-progress", default=True)
@click.option("--sectors", is_flag=True, help="Then look up stocks' sectors (one request each).")
@user_errors
def refresh(
    universes: tuple[str, ...],
    tickers: tuple[str, ...],
    full: bool,
    progress: bool,
    sectors: bool,
) -> None:
    """Download new bars from Yahoo Finance (incremental)."""
    from data.refresh import run_refresh_cli

    store = open_store()
    code = run_refresh_cli(store, cli_settings(), universes, tickers, full=full, progress=progress)
    if sectors:
        from data.sectors import lookup_yahoo
        from data.universes import universe_members

        names = sorted({t for u in universes for t in universe_members(store, u)}) or None
        click.echo(lookup_yahoo(store, names))
    sys.exit(code)


@cli.group()
def universe() -> None:
    """List, add and update universes."""


@universe.command("list")
@user_errors
def universe_list() -> None:
    """Universes known to the store and built in."""
    from data.universes import describe_universes

    click.echo(describe_universes(open_store()))


@universe.command("add")
@click.argument("name")
@click.argument("path", type=click.Path(path_type=Path))
@user_errors
def universe_add(name: str, path: Path) -> None:
    """Add a custom universe from a ticker list or a ticker,start_date,end_date table."""
    from data.universes import add_universe_file

    click.echo(add_universe_file(open_store(), name, path))


@universe.command("update")
@click.argument("name")
@user_errors
def universe_update(name: str) -> None:
    """Fetch a universe's public membership or holdings file (needs internet)."""
    from data.universes import update_universe

    click.echo(update_universe(open_store(), name))


@universe.command("sectors")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--from-yahoo", is_flag=True, help="Look up stocks without a sector (internet).")
@click.option("--universe", "name", default=None, help="With --from-yahoo: only its members.")
@user_errors
def universe_sectors(path: Path | None, from_yahoo: bool, name: str | None) -> None:
    """Sector assignments: store a ticker,sector CSV, look sectors up on Yahoo, or list them.

    Precedence: this CSV, then stored sector holdings, then Yahoo, then the store's ticker
    info (data/sectors.py). A new CSV replaces the previous one's assignments."""
    from data import sectors
    from data.universes import universe_members

    store = open_store()
    if path is not None and from_yahoo:
        raise click.UsageError("give a FILE or --from-yahoo, not both")
    if path is not None:
        limit = min(sectors.MAX_FILE_BYTES, cli_settings().max_upload_bytes)
        click.echo(sectors.set_file_sectors(store, path, limit))
    elif from_yahoo:
        members = universe_members(store, name) if name else None
        click.echo(sectors.lookup_yahoo(store, members))
    else:
        click.echo(sectors.describe(store))


cli.add_command(export)
cli.add_command(report)
cli.add_command(alerts)


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
