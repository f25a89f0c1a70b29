"""The one place that knows where the app keeps its service and settings on the Flask server.

``create_app`` calls ``attach(server, service, settings)`` once; everything else asks
``service_of(server)`` / ``settings_of(server)`` (a background job or a route holding the
Flask app) or ``get_service()`` / ``get_settings()`` (inside a request). Nobody else writes
or reads the keys.
"""

from __future__ import annotations

import flask

from service.breadth import BreadthService
from settings import Settings

SERVICE_KEY = "breadth_service"
"""``server.extensions`` key of the BreadthService."""
SETTINGS_KEY = "BREADTH_SETTINGS"
"""``server.config`` key of the Settings (a config entry, so Flask extensions can read it)."""


def attach(server: flask.Flask, service: BreadthService, settings: Settings) -> None:
    """Make ``service`` and ``settings`` the app's."""
    server.extensions[SERVICE_KEY] = service
    server.config[SETTINGS_KEY] = settings


def service_of(server: flask.Flask) -> BreadthService:
    """The service ``create_app`` attached to ``server``."""
    svc: BreadthService = server.extensions[SERVICE_KEY]
    return svc


def settings_of(server: flask.Flask) -> Settings:
    """The settings ``create_app`` attached to ``server``."""
    settings: Settings = server.config[SETTINGS_KEY]
    return settings


def maybe_service(server: flask.Flask) -> BreadthService | None:
    """The service, or None on a server ``attach`` has not run on (health probe of a bare
    Flask app)."""
    svc: BreadthService | None = server.extensions.get(SERVICE_KEY)
    return svc


def get_service() -> BreadthService:
    """The service of the app serving the current request."""
    return service_of(flask.current_app)


def get_settings() -> Settings:
    """The settings of the app serving the current request."""
    return settings_of(flask.current_app)
