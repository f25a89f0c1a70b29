"""The one place components get the app's service and what the URL may ask for.

``create_app`` puts the ``BreadthService`` in the Flask app's extensions under
``SERVICE_KEY``; callbacks and the layout call ``get_service()`` (inside a request) or
``service_of(server)`` (a background job holding the Flask app), never the key themselves.
"""

from __future__ import annotations

from datetime import date

import flask

from components.url.fields import Choices
from data.universes import available_universes
from service.breadth import BreadthService
from service.rotation import RotationService

SERVICE_KEY = "breadth_service"
PREFERRED_DEFAULTS = ("sp500", "sim-large")


def service_of(server: flask.Flask) -> BreadthService:
    """The service ``create_app`` attached to ``server``."""
    svc: BreadthService = server.extensions[SERVICE_KEY]
    return svc


def get_service() -> BreadthService:
    """The service of the app serving the current request."""
    return service_of(flask.current_app)


def rotation_service(svc: BreadthService) -> RotationService:
    """The rotation read API over the app's breadth service (same cache, same store)."""
    return RotationService(svc)


def choices(svc: BreadthService) -> Choices:
    """What the URL may ask for, from the store's manifest and stored universes."""
    m = svc.store.manifest()
    names = ("all", *(u.name for u in available_universes(svc.store)))
    default = next((n for n in PREFERRED_DEFAULTS if n in names), "all")
    first, last = m.get("first_date"), m.get("last_date")
    return Choices(
        universes=names,
        default_universe=default,
        first=date.fromisoformat(first) if first else None,
        last=date.fromisoformat(last) if last else None,
        close_only=bool(m.get("close_only", False)),
    )
