"""Where browser tests save their screenshots.

A test run writes to ``tests/browser/screenshots/`` (git-ignored), so the suite leaves the
working tree as it found it. ``make screenshots`` sets ``SCREENSHOT_DIR=docs/screenshots`` to
refresh the README's images on purpose.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "tests" / "browser" / "screenshots")
if not SCREENSHOTS.is_absolute():
    SCREENSHOTS = ROOT / SCREENSHOTS
