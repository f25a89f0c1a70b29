"""``cli.py alerts check``: evaluate the alert rules on a session, print one line per rule,
post the fired ones to a webhook. Exit codes: 0 evaluated (whether or not a rule fired),
1 the webhook did not take the document (after the results are printed), 2 a bad rules
file, option or store (one ``error:`` line, nothing sent)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from commands.params import DATE, cli_settings, note, open_store, user_errors
from data.errors import InputError


@click.group()
def alerts() -> None:
    """Alert rules on breadth series and signals (docs/alerts.example.toml)."""


@alerts.command("check")
@click.option(
    "--rules",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Rules file (TOML). Default: BREADTH_ALERT_RULES.",
)
@click.option(
    "--webhook",
    default=None,
    help="POST the fired rules here as JSON. Default: BREADTH_ALERT_WEBHOOK (empty: none).",
)
@click.option("--asof", type=DATE, default=None, help="Default: the latest session.")
@click.option("--timeout", type=click.FloatRange(0.1, 300), default=10.0, show_default=True)
@user_errors
def alerts_check(
    rules: Path | None, webhook: str | None, asof: date | None, timeout: float
) -> None:
    """Evaluate every rule on the latest session (or --asof) and say which fired."""
    from service import windows
    from service.alerts.check import evaluate
    from service.alerts.rules import check_store, load_rules
    from service.alerts.webhook import check_url, post_json, where
    from service.breadth import BreadthService

    settings = cli_settings()
    path = rules or settings.alert_rules
    url = settings.alert_webhook if webhook is None else webhook.strip()
    if url:
        check_url(url)
    rule_set = load_rules(path)
    store = open_store()
    if store.is_empty():
        raise InputError("the store is empty: run `python cli.py demo` or `import` first")
    svc = BreadthService(store)
    check_store(svc, rule_set, str(path))
    result = evaluate(svc, rule_set, windows.clamp_asof(store, asof, note))
    for outcome in result.outcomes:
        click.echo(outcome.line())
    click.echo(result.summary())
    if url and result.fired:
        status = post_json(url, result.payload(), timeout=timeout)
        click.echo(f"webhook {where(url)}: sent {len(result.fired)} fired rules (HTTP {status})")
    elif url:
        click.echo(f"webhook {where(url)}: nothing fired, nothing sent")
