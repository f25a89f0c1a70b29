"""The header's callback: hide the control groups that change nothing on the active tab
(``components.page.controls.IDLE_ON``) and say why in their place."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output

from components.ids import Ids
from components.page.controls import IDLE_ON, idle_styles


def register(app: Dash) -> None:
    """Register the header's callback on ``app``."""
    outputs: list[Any] = [Output(i, "style") for i in IDLE_ON]
    app.callback(*outputs, Output(Ids.IDLE_CONTROLS_NOTE, "style"), Input(Ids.TABS, "active_tab"))(
        idle_styles
    )
