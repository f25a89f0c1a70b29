"""Start dash_duo servers on ports counted up from BREADTH_TEST_PORT (default 8050), one per
test, so two checkouts can run browser tests side by side (give them ports far apart)."""

from __future__ import annotations

import itertools
import os
from typing import Any

PORTS = itertools.count(int(os.environ.get("BREADTH_TEST_PORT", "8050")))


def start(duo: Any, app: Any) -> None:
    """``duo.start_server(app)`` on the next port."""
    duo.start_server(app, port=next(PORTS))
