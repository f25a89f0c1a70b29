"""Start dash_duo servers on ports counted up from BREADTH_TEST_PORT (default 8050), one per
test, so two checkouts can run browser tests side by side (give them ports far apart)."""

from __future__ import annotations

import itertools
import os
from typing import Any

PORTS = itertools.count(int(os.environ.get("BREADTH_TEST_PORT", "8050")))


def start(duo: Any, app: Any, search: str = "") -> None:
    """``duo.start_server(app)`` on the next port, the page opened once at ``/`` + ``search``.

    dash_duo's own start opens ``/`` (its ``server_url`` setter navigates), so a test that
    wants another view loaded the page twice, the first view computed for nothing: about a
    second per browser test. ``duo._url`` is what that setter stores; ``wait_for_page`` is
    its navigation (waits for Dash's entry point), here to the view the test asks for."""
    duo.start_server(app, port=next(PORTS), navigate=False)
    duo._url = duo.server.url
    duo.wait_for_page(duo.server.url + "/" + search)
