"""Every callback of the page, registered on one app: ``register(app)``.

Each part registers its own callbacks with ``app.callback`` (nothing goes through Dash's
global registry, so every app built in a process gets all of them): the URL sync, the page's
"View settings" button, each tab of ``components.tabs.TAB_LIST`` (its folder's
``callbacks.register``), the CSV download, the "Load real data" panel and the report export.
"""

from __future__ import annotations

from dash import Dash

from components.page import alerts as page_alerts
from components.page import callbacks as page_callbacks
from components.page import download
from components.page import tabs as page_tabs
from components.page.tabs import parts
from components.refresh import callbacks as refresh_callbacks
from components.report import callbacks as report_callbacks
from components.tabs import TAB_LIST
from components.url import sync


def register(app: Dash) -> None:
    """Register every callback of the page on ``app``."""
    sync.register(app)
    page_callbacks.register(app)  # "View settings" on phones; idle controls per tab
    page_tabs.register(app)  # the tab strip (clientside)
    for tab in TAB_LIST:
        parts(tab.name).register(app)
    download.register(app)  # "Download CSV" (the active tab's table)
    refresh_callbacks.register(app)  # "Load real data" (a background callback)
    report_callbacks.register(app)  # "Export report" (HTML, PNG)
    page_alerts.register(app)  # the header's badge of alert rules fired on the end date
