"""Spreadsheet formula injection: text cells that a spreadsheet would run are neutralised.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, which some
spreadsheets strip before looking) is read by Excel, LibreOffice and Google Sheets as a formula
(OWASP "CSV Injection"). Export text cells — headers, universe and ticker names, notes — get a
leading ``'`` instead. Numbers are left alone: ``-1.5`` is a number, not a formula.
"""

from __future__ import annotations

import pandas as pd
from pandas.api.types import is_datetime64_any_dtype, is_numeric_dtype

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """``value`` with a leading ``'`` when it is text starting with a formula trigger."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with safe column names, index names and text cells; numeric (and boolean) and
    datetime columns are untouched. The one implementation every CSV export uses."""
    out = frame.copy()
    out.columns = pd.Index([safe_text(c) for c in out.columns])
    out.index = out.index.rename(safe_text(out.index.name)) if out.index.name else out.index
    for col in out.columns:
        values = out[col]
        if is_numeric_dtype(values) or is_datetime64_any_dtype(values):
            continue
        out[col] = [safe_text(v) for v in values]
    return out
