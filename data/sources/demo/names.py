"""Fake ticker codes and company names for the simulated (demo) market.

Tickers are 3–4 upper-case letters drawn partly with English letter frequencies, so they look
plausible, but every name is "Simulated Co NNNN" and famous real codes are excluded by a hand
list (the ~200 best-known US stocks and ETFs, every code starting with "XL" and every code
starting with "SIM") and every fund in ``data.benchmarks.FUNDS`` (universe ``all`` would drop
it). Codes are random, so a few may still coincide with some real listing: they name
simulated companies only.
"""

from __future__ import annotations

import numpy as np

from data.benchmarks import FUNDS

FAMOUS_TICKERS: frozenset[str] = frozenset(
    """
    AAPL MSFT AMZN GOOG GOOGL META NVDA TSLA BRK JPM JNJ PG UNH HD XOM CVX PFE KO PEP ABBV MRK
    LLY AVGO COST WMT DIS CSCO ORCL INTC AMD IBM QCOM TXN ADBE CRM NFLX PYPL NKE MCD SBUX BA CAT
    GE MMM HON UPS FDX LMT RTX NOC GD GS MS BAC WFC AXP BLK SCHW USB PNC TFC VZ TMUS CMCSA CHTR
    AMGN GILD BMY ABT TMO DHR MDT ISRG SYK CVS HUM ELV ANTM LOW TGT BKNG MAR ABNB UBER LYFT
    SNAP PINS SHOP COIN PLTR SNOW ZM DOCU ROKU SPOT TWTR GM RIVN LCID NIO DE EMR ETN ITW ROK
    CSX UNP NSC DAL UAL AAL LUV CCL RCL NCLH MGM WYNN LVS SPG PLD AMT CCI EQIX PSA DLR NEE DUK
    AEP EXC SRE XEL PCG LIN APD SHW ECL NEM FCX DOW COP EOG SLB OXY PSX MPC VLO KMI WMB HAL
    BKR CL KMB GIS HSY MDLZ KHC STZ TAP ADM SYY KR WBA MU AMAT LRCX KLAC ASML TSM MRVL NXPI
    ADI SMCI DELL HPQ HPE ACN INTU NOW WDAY TEAM PANW CRWD FTNT NET DDOG MDB OKTA ARM BABA
    AIG MET PRU TRV MMC AON SPGI MCO ICE CME STT NTRS COF SYF ALLY KEY HBAN FITB CFG ZION
    YELP EBAY ETSY CHWY DASH RBLX HOOD SOFI AFRM
    SPY IVV VOO QQQ IWM IWB IWD IWF IWN IWO IWR IWS IWP IWV IJH IJR MDY RSP DIA VTI VTV VUG VB
    VO VV VEA VWO EFA EEM ITOT TLT IEF SHY HYG LQD TIP GLD SLV USO UUP SMH SOXX KRE KBE XBI IBB
    ITB XHB XRT XOP OIH GDX ARKK TQQQ SQQQ SPXL UVXY VIXY MTUM QUAL USMV VLUE SPLG QQQM IPO
    SPX NDX RUT VIX DJI DJIA GSPC NYA COMP ACWI
    """.split()  # noqa: SIM905 (a word list reads better than 260 quoted strings)
)
"""A hand list of well-known real US tickers (stocks, ETFs, index symbols) never generated."""

_LETTERS = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
# Rough English letter frequencies (per cent), so codes look like tickers, not noise.
_FREQ = np.array(
    [8.2, 1.5, 2.8, 4.3, 12.7, 2.2, 2.0, 6.1, 7.0, 0.3, 0.8, 4.0, 2.4,
     6.7, 7.5, 1.9, 0.2, 6.0, 6.3, 9.1, 2.8, 1.0, 2.4, 0.4, 2.0, 0.2]
)  # fmt: skip


def _allowed(code: str) -> bool:
    """Not a famous ticker, nor a fund the project knows (``all`` would drop it as a fund)."""
    return code not in FAMOUS_TICKERS and code not in FUNDS and not code.startswith(("XL", "SIM"))


def make_tickers(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct fake tickers (about 5% three letters, the rest four), sorted.

    Letters are drawn half by English frequency, half uniformly: plausible-looking codes, of
    which about 1% still coincide with some real US listing (measured against ~3,500 real
    tickers); the hand list removes the famous ones.

    Deterministic given the state of ``rng``.
    """
    prob = 0.5 * _FREQ / _FREQ.sum() + 0.5 / 26
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        m = 2 * (n - len(out)) + 16
        letters = _LETTERS[rng.choice(26, size=(m, 4), p=prob)]
        three = rng.random(m) < 0.05
        for row, short in zip(letters, three, strict=True):
            code = "".join(row[:3] if short else row)
            if code not in seen and _allowed(code):
                seen.add(code)
                out.append(code)
                if len(out) == n:
                    break
    return sorted(out)


def company_names(n: int) -> list[str]:
    """ "Simulated Co 0001" … in ticker order (zero-padded to at least four digits)."""
    width = max(4, len(str(n)))
    return [f"Simulated Co {i:0{width}d}" for i in range(1, n + 1)]
