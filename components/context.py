"""What components need from the app, in one place: its service (through
``server.context``, the one module that knows the Flask keys), the rotation read API over
it, and what the URL may ask for (``choices``, from ``service.catalog``).
"""

from __future__ import annotations

from components.url.values import Choices
from server.context import get_service, service_of, settings_of
from service.breadth import BreadthService
from service.catalog import catalog
from service.rotation import RotationService

__all__ = ["choices", "get_service", "rotation_service", "service_of", "settings_of"]


def rotation_service(svc: BreadthService) -> RotationService:
    """The rotation read API over the app's breadth service (same cache, same store)."""
    return RotationService(svc)


def choices(svc: BreadthService) -> Choices:
    """What the URL may ask for: the store's universes, default universe and date range."""
    c = catalog(svc)
    return Choices(
        universes=c.universes,
        default_universe=c.default_universe,
        first=c.first,
        last=c.last,
        close_only=c.close_only,
    )
