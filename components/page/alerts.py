"""The header's alerts badge: the rules of the settings' rules file (BREADTH_ALERT_RULES)
that fired on the view's end date, evaluated by ``service.alerts.check`` (the CLI's
``alerts check`` evaluation, cached per data version, rules file and end date). No rules
file: no badge. The badge is a <details>: its summary says how many fired, opening it lists
each rule with its value (also in the summary's title, for a hover)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, html
from dash.development.base_component import Component

from components.context import get_service
from components.ids import Ids
from components.url.query import from_store
from data.errors import InputError
from server.context import get_settings
from service.alerts.check import Evaluation, evaluate_file


def badge(result: Evaluation | None) -> Component | None:
    """The badge for an evaluation: None when there is none or nothing fired."""
    if result is None or not result.fired or result.session is None:
        return None
    items = [
        f"{o.rule.name} [{o.rule.universe}]: {o.rule.condition()}"
        + ("" if o.value is None else f", value {o.value:.2f}")
        for o in result.fired
    ]
    n = len(items)
    text = f"{n} alert{'s' if n > 1 else ''} fired on {result.session.isoformat()}"
    return html.Details(
        [
            html.Summary(text, title="\n".join(items), className="badge alerts-fired"),
            html.Ul([html.Li(item) for item in items], className="alerts-list small mb-0"),
        ],
        className="alerts-details",
    )


def problem(message: str) -> Component:
    """A badge saying the rules file cannot be used, with the one-line reason."""
    return html.Details(
        [
            html.Summary("Alert rules: error", title=message, className="badge alerts-error"),
            html.P(message, className="alerts-list small mb-0"),
        ],
        className="alerts-details",
    )


def update_alerts(
    view: dict[str, Any] | None, rng: dict[str, Any] | None, _version: Any = None
) -> Component | None:
    """The badge for the view's end date (the latest session when the view has none)."""
    state = from_store({**(view or {}), **(rng or {})})
    try:
        result = evaluate_file(get_service(), get_settings().alert_rules, state.end)
    except InputError as exc:
        return problem(str(exc))
    return badge(result)


def register(app: Dash) -> None:
    """Register the alerts badge's callback on ``app``."""
    app.callback(
        Output(Ids.ALERTS, "children"),
        Input(Ids.VIEW, "data"),
        Input(Ids.RANGE, "data"),
        Input(Ids.DATA_VERSION, "data"),
    )(update_alerts)
