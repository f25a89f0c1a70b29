"""Building a new store version from a price write (called by Store.write_prices under lock)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from data import store_io as io
from data.errors import StoreError
from data.model import FIELDS, Prices, UniverseInfo
from data.store_panels import first_last, merge_year, split_years

if TYPE_CHECKING:
    from data.store import Store

SOURCE_KINDS = ("demo", "yahoo", "files", "mixed")


def _source(old: dict[str, Any], kind: str, label: str, replace_all: bool) -> dict[str, str]:
    """The source after a write: the new one, or "mixed" when merged into another kind."""
    if kind not in SOURCE_KINDS:
        raise StoreError(f"unknown source kind {kind!r}; expected one of {SOURCE_KINDS}")
    prev = old.get("source")
    if replace_all or not prev:
        return {"kind": kind, "label": label}
    labels = list(dict.fromkeys([*prev["label"].split("; "), label]))
    new_kind = kind if prev["kind"] == kind else "mixed"
    return {"kind": new_kind, "label": "; ".join(labels)[-500:]}


def _upsert_info(old: pd.DataFrame | None, new: pd.DataFrame | None) -> pd.DataFrame | None:
    if new is None:
        return old
    if "ticker" not in new.columns:
        raise StoreError("ticker_info has no 'ticker' column")
    new = new.reset_index(drop=True).assign(ticker=new["ticker"].astype(str).to_numpy())
    both = new if old is None or old.empty else pd.concat([old, new], ignore_index=True)
    return both.drop_duplicates("ticker", keep="last").sort_values("ticker").reset_index(drop=True)


def build_prices(
    store: Store,
    old: dict[str, Any],
    version: str,
    created: list[Path],
    *,
    prices: Prices,
    source_kind: str,
    source_label: str,
    simulated: bool,
    replace_all: bool,
    replace_tickers: Collection[str],
    ticker_info: pd.DataFrame | None,
    universes: Sequence[tuple[UniverseInfo, pd.DataFrame]],
    drop_universes: bool,
    refresh_summary: dict[str, Any] | None,
) -> dict[str, Any]:
    """The new manifest after writing the touched year files, ticker index, info, universes."""
    parts = store.parts
    old_files = old.get("files", {}) if not replace_all else {}
    old_prices: dict[str, dict[str, str]] = old_files.get("prices", {})
    index = (
        store._ticker_index(old)
        if old_files.get("tickers")
        else pd.DataFrame({"ticker": pd.Series([], dtype=str), "first_date": [], "last_date": []})
    )
    given = split_years(prices.panels()) if len(prices.close.columns) else {}
    drop = set(replace_tickers) & set(index["ticker"])
    affected = set(given)
    for _, row in index[index["ticker"].isin(drop)].iterrows():
        affected.update(range(row["first_date"].year, row["last_date"].year + 1))
    fields = [f for f in FIELDS if f in old_prices or f in prices.panels()]
    new_prices = {f: dict(old_prices.get(f, {})) for f in fields}
    ranges = []
    for year in sorted(affected):
        y = str(year)
        stored = {f: io.read_block(parts / old_prices[f][y]) for f in fields
                  if y in old_prices.get(f, {})}  # fmt: skip
        merged = merge_year(stored, given.get(year, {}), drop, fields)
        for f in fields:
            new_prices[f].pop(y, None)
            if merged:
                name = f"{f}-{y}-{version}.parquet"
                io.write_table(io.encode_block(merged[f]), parts / name, created)
                new_prices[f][y] = name
        if merged:
            ranges.append(first_last(merged["close"]))
    new_prices = {f: years for f, years in new_prices.items() if years}
    # ticker index: min/max over untouched history and the rewritten years
    kept = index[~index["ticker"].isin(drop)]
    both = pd.concat([kept, *ranges], ignore_index=True) if ranges else kept
    index = (
        both.groupby("ticker", sort=True)
        .agg(first_date=("first_date", "min"), last_date=("last_date", "max"))
        .reset_index()
    )
    files: dict[str, Any] = {"prices": new_prices, "tickers": None, "info": None, "universes": {}}
    if len(index):
        files["tickers"] = f"tickers-{version}.parquet"
        table = pa.Table.from_pandas(index, preserve_index=False)
        io.write_table(table, parts / files["tickers"], created)
    if ticker_info is None and old_files.get("info"):
        files["info"] = old_files["info"]  # unchanged: carried over by name
    else:
        old_info = None
        if old_files.get("info"):
            old_info = io.read_frame_file(parts / old_files["info"])
        info = _upsert_info(old_info, ticker_info)
        if info is not None and len(info):
            files["info"] = f"info-{version}.parquet"
            table = pa.Table.from_pandas(info, preserve_index=False)
            io.write_table(table, parts / files["info"], created)
    if not drop_universes:
        files["universes"] = dict(old.get("files", {}).get("universes", {}))
    for uinfo, intervals in universes:
        store.put_universe(files, uinfo, intervals, version, created)
    present = [f for f in FIELDS if f in new_prices]
    first = index["first_date"].min() if len(index) else None
    last = index["last_date"].max() if len(index) else None
    refresh = refresh_summary if refresh_summary is not None else (
        {} if replace_all else old.get("refresh", {})
    )  # fmt: skip
    return {
        "format": 1,
        "source": _source(old, source_kind, source_label, replace_all),
        "simulated": bool(simulated or (not replace_all and old.get("simulated", False))),
        "close_only": not ("high" in present and "low" in present),
        "fields": present,
        "first_date": f"{first:%Y-%m-%d}" if first is not None else "",
        "last_date": f"{last:%Y-%m-%d}" if last is not None else "",
        "n_tickers": len(index),
        "refresh": dict(refresh),
        "files": files,
    }
