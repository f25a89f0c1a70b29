"""One spelling of a ticker everywhere: files, universes, the store and Yahoo Finance; and one
answer to what a ticker is (``ticker_kind``: stock, ETF, index, benchmark).

The canonical form is Yahoo's: upper case, share classes with a dash (``BRK-B``), index
tickers with their caret (``^GSPC``), futures and currencies with ``=`` (``ES=F``), and the
demo market's prefix ``SIM:`` kept as is (``SIM:XLK``).

Share classes arrive spelled many ways and are all mapped to the dash form:

- ``BRK.B``, ``BRK/B``, ``BRK B`` -> ``BRK-B`` (separator ``.``, ``/`` or one space, then a
  one-letter class). A dot followed by ``L``, ``T`` or ``F`` is *kept*, because on Yahoo it is an
  exchange suffix (London, Tokyo, Frankfurt: ``VOD.L``), as are all suffixes of two or more
  letters (``RY.TO``, ``BHP.AX``). Known ambiguity: ``.V`` (TSX Venture) is converted like a
  share class (``MKC.V`` -> ``MKC-V``, McCormick's voting shares); Canadian venture listings are
  out of scope for a US breadth monitor.
- iShares holdings files drop the separator (``BRKB``). Those are mapped through the explicit
  table ``JOINED_SHARE_CLASSES`` below; a joined spelling is only listed when it is *not* itself
  a real ticker (``NWSA``, ``FOXA`` and ``GOOGL`` are real, so they are not in the table).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

import pandas as pd

from data.benchmarks import FUNDS
from data.errors import InputError

MAX_TICKER_LENGTH = 15
MAX_LIST_LENGTH = 2_000
DEMO_PREFIX = "SIM:"

JOINED_SHARE_CLASSES: dict[str, str] = {
    "BRKA": "BRK-A",
    "BRKB": "BRK-B",
    "BFA": "BF-A",
    "BFB": "BF-B",
    "LENB": "LEN-B",
    "HEIA": "HEI-A",
    "MOGA": "MOG-A",
    "MOGB": "MOG-B",
    "CWENA": "CWEN-A",
    "GEFB": "GEF-B",
    "UHALB": "UHAL-B",
    "BIOB": "BIO-B",
    "CRDA": "CRD-A",
    "CRDB": "CRD-B",
    "LGFA": "LGF-A",
    "LGFB": "LGF-B",
}
"""Share-class tickers as iShares holdings files spell them (no separator) -> Yahoo form."""

EXCHANGE_SUFFIX_LETTERS = frozenset("LTF")
"""One-letter dot suffixes that are Yahoo exchange suffixes, not share classes."""

_ALLOWED = re.compile(r"[A-Z0-9.\-^=:]+")
_SHARE_CLASS = re.compile(r"^([A-Z0-9]+)(?:[./]| )([A-Z])$")
_LIST_SEPARATORS = re.compile(r"[\s,;]+")


def normalize_ticker(raw: str) -> str:
    """The canonical (Yahoo) spelling of ``raw``; raise ``InputError`` when it is not a ticker.

    Allowed after normalisation: ``A-Z 0-9 . - ^ = :``, at most 15 characters, at least one
    letter or digit. See the module docstring for share classes.
    """
    if not isinstance(raw, str):
        raise InputError(f"ticker must be text, got {type(raw).__name__}")
    text = raw.strip().upper()
    if not text:
        raise InputError("empty ticker")
    if not text.startswith(DEMO_PREFIX) and not text.startswith("^"):
        text = _share_class(text)
    if len(text) > MAX_TICKER_LENGTH:
        raise InputError(f"ticker {raw.strip()!r} is longer than {MAX_TICKER_LENGTH} characters")
    if not _ALLOWED.fullmatch(text) or not any(c.isalnum() for c in text):
        raise InputError(
            f"ticker {raw.strip()!r} is not valid (allowed: letters, digits and . - ^ = :)"
        )
    return text


def _share_class(text: str) -> str:
    """``BRK.B``/``BRK/B``/``BRK B``/``BRKB`` -> ``BRK-B``; anything else unchanged."""
    if text in JOINED_SHARE_CLASSES:
        return JOINED_SHARE_CLASSES[text]
    match = _SHARE_CLASS.match(text)
    if match is None:
        return text
    root, cls = match.groups()
    separator = text[len(root)]
    if separator == "." and cls in EXCHANGE_SUFFIX_LETTERS:
        return text
    return f"{root}-{cls}"


def validate_ticker_list(text: str) -> list[str]:
    """Tickers typed by a user: separated by commas, semicolons, spaces or newlines.

    Returns the normalised tickers, duplicates removed, in first-seen order. Raises
    ``InputError`` naming the invalid entries (up to five), when the list is empty, or when it
    holds more than 2,000 tickers. Note that a space separates tickers here, so ``BRK B`` is
    two entries: type ``BRK.B`` or ``BRK-B``.
    """
    tokens = [tok for tok in _LIST_SEPARATORS.split(text or "") if tok]
    if not tokens:
        raise InputError("no tickers given")
    seen: dict[str, None] = {}
    bad: list[str] = []
    for token in tokens:
        try:
            seen.setdefault(normalize_ticker(token), None)
        except InputError:
            bad.append(token)
    if bad:
        shown = ", ".join(repr(b) for b in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise InputError(f"invalid ticker(s): {shown}{more}")
    if len(seen) > MAX_LIST_LENGTH:
        raise InputError(f"{len(seen)} tickers given; at most {MAX_LIST_LENGTH} are allowed")
    return list(seen)


STOCK = "stock"
NON_STOCK_KINDS: frozenset[str] = frozenset({"etf", "fund", "index", "benchmark"})
"""Ticker kinds that universe ``all`` leaves out (funds, indexes, built benchmark series)."""

_KIND_ALIASES: dict[str, str] = {
    "equity": STOCK,
    "stocks": STOCK,
    "common stock": STOCK,
    "mutualfund": "fund",
    "mutual fund": "fund",
    "etn": "etf",
}
"""Spellings of a kind as files and yfinance's ``quoteType`` give them -> ours."""


def ticker_kind(ticker: str, kind: Any = None, funds: Collection[str] = ()) -> str:
    """What a ticker is: "stock", "etf", "fund", "index" or "benchmark".

    The one classification the project uses (universe ``all`` through
    ``data.universes.stock_tickers``, the kind a refresh records). In order:

    1. a recorded non-stock ``kind`` (an imported file's ``kind`` column, a demo market's
       benchmarks, a refresh's guess; yfinance ``quoteType`` spellings such as ``ETF`` or
       ``MUTUALFUND`` are understood);
    2. a caret ticker (``^GSPC``) is an index; a demo series with no kind (``SIM:LARGE``) a
       benchmark (the simulated market's built indexes);
    3. a fund the project knows (``data.benchmarks.FUNDS``) or one of ``funds`` (the ETFs whose
       holdings the store's universes came from) is an ETF, even where "stock" was recorded:
       a guess made without information must not put SPY among stocks;
    4. otherwise a stock (a missing or empty kind included: imported files carry none).
    """
    text = "" if kind is None or (not isinstance(kind, str) and pd.isna(kind)) else str(kind)
    text = text.strip().lower()
    text = _KIND_ALIASES.get(text, text)
    if text in NON_STOCK_KINDS:
        return text
    if ticker.startswith("^"):
        return "index"
    if ticker.startswith(DEMO_PREFIX) and not text:
        return "benchmark"
    if ticker in FUNDS or ticker in funds:
        return "etf"
    if text and text != STOCK:
        return text  # a kind we do not know: keep it, and it is not a stock
    return STOCK


def is_stock(ticker: str, kind: Any = None, funds: Collection[str] = ()) -> bool:
    """True when ``ticker_kind`` says "stock" (universe ``all`` holds exactly these)."""
    return ticker_kind(ticker, kind, funds) == STOCK


def stock_tickers(
    tickers: Collection[str], info: pd.DataFrame | None = None, funds: Collection[str] = ()
) -> list[str]:
    """The sorted ``tickers`` that are stocks (``ticker_kind``), kinds read from ``info``
    (columns ticker, kind) where it has a row for them."""
    kinds: dict[str, Any] = {}
    if info is not None and len(info) and "kind" in info.columns:
        kinds = dict(zip(info["ticker"].astype(str), info["kind"], strict=True))
    fund_set = frozenset(funds)
    return sorted(str(t) for t in tickers if is_stock(str(t), kinds.get(str(t)), fund_set))
