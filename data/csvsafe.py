"""Spreadsheet formula injection: text cells that a spreadsheet would run are neutralised.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, which some
spreadsheets strip before looking) is read by Excel, LibreOffice and Google Sheets as a formula
(OWASP "CSV Injection"). Export text cells — headers, universe and ticker names, notes — get a
leading ``'`` instead. Numbers are left alone: ``-1.5`` is a number, not a formula.
"""

from __future__ import annotations

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """``value`` with a leading ``'`` when it is text starting with a formula trigger."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with safe column names, index names and text cells (numeric columns untouched)."""
    out = frame.copy()
    out.columns = [safe_text(c) for c in out.columns]
    out.index = out.index.rename(safe_text(out.index.name)) if out.index.name else out.index
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].map(safe_text)
    return out
