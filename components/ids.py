"""Every component id of the page, typed once (no string id is written twice)."""

from __future__ import annotations

from enum import StrEnum


class Ids(StrEnum):
    """Component ids. Pattern-matching ids use ``{"type": Ids.X, ...}``."""

    URL = "url"
    LINK = "url-canonical"  # the page's link in its canonical form, as the layout rendered it
    VIEW = "view-state"
    RANGE = "view-range"
    NOTICES = "url-notices"

    # header
    BANNER = "simulated-banner"
    BADGE = "data-badge"
    COVERAGE = "coverage-badge"
    SURVIVORSHIP = "survivorship-note"
    ALERTS = "alerts-badge"  # rules fired on the view's end date (components/page/alerts.py)

    # controls
    UNIVERSE = "universe"
    COMPARE = "compare-universe"
    DATES = "date-range"
    PRESET = "preset"
    FAST = "ma-fast"
    SLOW = "ma-slow"
    HIGHS = "highs-mode"
    HIGHS_NOTE = "highs-note"
    MCCLELLAN = "mcclellan-mode"
    MA_WINDOWS = "ma-windows"  # issue #15: windows of "Participation across windows"
    HL_WEEKS = "hl-weeks"  # issue #15: week counts of "New highs − new lows"
    DOWNLOAD_BUTTON = "download-button"
    DATE_CONTROLS = "date-controls"
    OPTION_CONTROLS = "option-controls"
    IDLE_CONTROLS_NOTE = "idle-controls-note"
    IDLE_TABLE = "idle-table"  # a store: idle_styles per tab, for the clientside callback
    DOWNLOAD = "download"
    COPY_LINK = "copy-link"
    COPY_STATUS = "copy-link-status"
    SETTINGS = "view-settings"
    SETTINGS_TOGGLE = "view-settings-toggle"

    # charts
    BENCHMARK = "chart-benchmark"
    PARTICIPATION = "chart-participation"
    HIGHS_LOWS = "chart-highs-lows"
    ADVANCE_DECLINE = "chart-advance-decline"
    ROTATION = "chart-rotation"
    VOLUME = "chart-volume"
    WINDOWS = "chart-windows"  # issue #15: participation across windows
    NET_HIGHS = "chart-net-highs"  # issue #15: new highs − new lows (%)
    ROTATION_TABLE = "rotation-table"
    ROTATION_NOTICE = "rotation-notice"
    SYNC = "x-sync"
    DRAWN = "breadth-drawn"  # set once update_charts has drawn the Breadth charts in the page

    # load / refresh real data from the page (components/refresh/)
    DATA_VERSION = "data-version"
    DATA_INFO = "data-info"
    REFRESH_OPEN = "refresh-open"
    REFRESH_MODAL = "refresh-modal"
    REFRESH_UNIVERSE = "refresh-universe"
    REFRESH_HISTORY = "refresh-history"
    REFRESH_TOKEN = "refresh-token"
    REFRESH_START = "refresh-start"
    REFRESH_CANCEL = "refresh-cancel"
    REFRESH_PROGRESS = "refresh-progress"
    REFRESH_PROGRESS_TEXT = "refresh-progress-text"
    REFRESH_PROGRESS_BOX = "refresh-progress-box"
    REFRESH_STATUS = "refresh-status"
    REFRESH_RELOAD = "refresh-reload"
    REFRESH_LEAD = "refresh-lead"

    # report export (components/report/)
    REPORT_HTML = "report-html"
    REPORT_PNG = "report-png"
    REPORT_DOWNLOAD = "report-download"
    REPORT_STATUS = "report-status"

    # tabs (components/page/tabs.py and the rrg/, claims/, analogs/ folders)
    TABS = "page-tabs"  # the selected tab's name (a store)
    TAB = "page-tab"  # {"type": TAB, "tab": name}: a tab's button
    TAB_PANEL = "page-tab-panel"  # {"type": TAB_PANEL, "tab": name}: its panel
    TAB_STATE = "tab-state"
    TAB_VIEW = "tab-view"  # {"type": TAB_VIEW, "tab": name}: TAB_STATE while that tab is active
    RRG = "chart-rrg"
    RRG_TAIL = "rrg-tail"
    RRG_FREQ = "rrg-freq"
    RRG_END = "rrg-end"
    RRG_END_LABEL = "rrg-end-label"
    RRG_NOTICE = "rrg-notice"
    RRG_TABLE = "rrg-table"
    RRG_WIDTH = "rrg-width"
    RRG_REDRAW = "rrg-redraw"
    RRG_FOCUS = "rrg-focus"
    CLAIM_ASOF = "claim-asof"
    CLAIM_NOTE_DATE = "claim-note-date"
    CLAIM_LATEST = "claim-latest"
    CLAIM_UNIVERSE = "claim-universe"
    CLAIM_COMPARE = "claim-compare"
    CLAIM_TABLE = "claim-table"
    ANALOG_GAP = "analog-gap"
    ANALOG_NEAR = "analog-near"
    ANALOG_MARKS = "analog-marks"
    ANALOG_SETUP = "analog-setup"
    ANALOG_TABLE = "analog-table"
    ANALOG_SUMMARY = "analog-summary"
    ANALOG_FORWARD = "chart-analog-forward"
    # divergences (issue #15 item 5): the Breadth tab's controls under the benchmark chart
    DIV_MARKS = "div-marks"
    DIV_NEAR = "div-near"
    DIV_TRAIL = "div-trail"
    # sector breadth (components/sectors/)
    SECTOR_WINDOW = "sector-window"
    SECTOR_HEATMAP = "chart-sector-heatmap"
    SECTOR_TABLE = "sector-table"
    SECTOR_MESSAGE = "sector-message"
