"""The command line's plumbing: exit codes, the date parameter, ``--out`` checks, and
``user_errors``, which turns a BreadthError into one ``error:`` line and its exit code
(cli.py's docstring lists the codes)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from data.errors import BreadthError, InputError, SourceError
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


class IntListParam(click.ParamType):
    """A comma-separated list of whole numbers, each in ``low..high`` or, with ``choices``,
    one of them; returned sorted without repeats. Fails with a clean usage error."""

    name = "N,N,..."

    def __init__(
        self, low: int = 1, high: int = 10**6, choices: tuple[int, ...] | None = None
    ) -> None:
        self.low, self.high, self.choices = low, high, choices

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        items = [part.strip() for part in str(value).split(",")]
        allowed = (
            ", ".join(map(str, self.choices))
            if self.choices
            else f"whole numbers from {self.low} to {self.high}"
        )
        out: set[int] = set()
        for item in items:
            ok = item.isdigit() and (
                int(item) in self.choices if self.choices else self.low <= int(item) <= self.high
            )
            if not ok:
                self.fail(f"{item!r} in {value!r}: give a comma list of {allowed}", param, ctx)
            out.add(int(item))
        return tuple(sorted(out))


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


def cli_settings() -> Settings:
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


def open_store() -> Store:
    from data.store import Store

    return Store(cli_settings().data_dir)


def note(text: str) -> None:
    click.echo(f"note: {text}", err=True)


OUT_OPTION = click.option(
    "--out",
    default="-",
    show_default=True,
    callback=check_out_file,
    help="CSV path, or - for stdout.",
)
"""Every export's --out: checked before any work (check_out_file)."""
