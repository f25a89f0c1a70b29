"""The page's tabs, declared once: ``TAB_LIST`` (URL value and label, in page order).

A tab is a folder ``components/<name>/`` with ``layout.py`` (``layout(choices, infos)``, the
tab's content), ``callbacks.py`` (``register(app)``; its view callback reads the page's state
from the tab's own store, ``view_store(name)``) and ``export.py`` (``view_csv(svc,
state)`` and ``file_name(state)``: what "Download CSV" gives on that tab). Adding a tab is the
folder plus one entry here: the ``tab`` URL field validates against this list, the tab strip,
the callbacks and the CSV download find the folder by name (``components.page.tabs``), and a
test checks every folder has its parts.

This module imports nothing of the page, so the URL fields can read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.ids import Ids


@dataclass(frozen=True)
class Tab:
    """One tab: its URL value (also its folder under ``components/``) and its label."""

    name: str
    label: str


TAB_LIST: tuple[Tab, ...] = (
    Tab("breadth", "Breadth"),
    Tab("sectors", "Sectors"),
    Tab("rrg", "Rotation (RRG)"),
    Tab("claims", "Claim check"),
    Tab("analogs", "Analogs"),
)
"""Every tab, in page order; the first is the default."""

TABS: dict[str, str] = {t.name: t.label for t in TAB_LIST}
"""URL value -> label."""


def view_store(name: object) -> dict[str, object]:
    """The pattern-matching id of a tab's own state store. The page's state (``TAB_STATE``,
    written by the URL sync) is copied there only while that tab is active (clientside,
    ``tabs.route``), and each tab's callback reads its own store: a tab click or a tab
    control asks the server for the active tab's outputs only, not for every tab's."""
    return {"type": Ids.TAB_VIEW, "tab": name}
