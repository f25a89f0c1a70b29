"""A report as one standalone HTML file: interactive Plotly charts with their data embedded
and plotly.js inlined once (no network needed to open it), the tab's tables as the page
draws them, with the universe, date range, options, coverage, data as-of date and short
definitions written on it."""

from __future__ import annotations

import html
from datetime import datetime

import pandas as pd
import plotly.io as pio

from components.page.graphs import graph_config
from components.report.build import DEFINITIONS, Chart, Report, Section

PLOT_CONFIG = graph_config()
STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;
background:#f4f6f8;color:#1f2d3d}
main{max-width:1400px;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.2rem 0}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;font-size:.9rem}
.meta dt{font-weight:600;color:#5a6570}
.simulated{background:#fff3cd;border-left:8px solid #c87f0a;padding:.6rem 1rem;
font-size:1.1rem;margin:.6rem 0}
.note{background:#e8f1fb;border-left:6px solid #1f4e79;padding:.4rem .8rem;font-size:.85rem}
section.chart{background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.08);
margin:1rem 0;padding:.5rem}
section.chart h2{font-size:1rem;margin:.2rem .4rem}
section.chart p.def{font-size:.8rem;color:#495057;margin:.3rem .4rem}
table.returns{border-collapse:collapse;font-size:.85rem}
table.returns td,table.returns th{padding:.2rem .6rem;border-bottom:1px solid #e9ecef;
text-align:right}
section.table{background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.08);
margin:1rem 0;padding:.5rem;overflow-x:auto}
section.table h2{font-size:1rem;margin:.2rem .4rem}
section.table p.def{font-size:.8rem;color:#495057;margin:.3rem .4rem}
section.table table{border-collapse:collapse;font-size:.85rem;margin:.3rem .4rem}
section.table th,section.table td{padding:.2rem .6rem;border-bottom:1px solid #e9ecef;
text-align:left;vertical-align:top}
section.table .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.claim-definition{font-size:.75rem;color:#5a6570;max-width:32rem}
.claim-definition-folded{display:none}
.claim-note{font-size:.8rem;max-width:24rem}
.quadrant-leading{color:#1a7f37;font-weight:600}.quadrant-weakening{color:#9a6700;font-weight:600}
.quadrant-lagging{color:#c62828;font-weight:600}.quadrant-improving{color:#1f4ea1;font-weight:600}
.alert{padding:.4rem .8rem;border-left:6px solid #c87f0a;background:#fff3cd;font-size:.85rem}
.small{font-size:.85rem}.text-muted{color:#6c757d}
footer{font-size:.8rem;color:#6c757d;margin:1rem 0}
"""


def _meta(report: Report) -> str:
    rows = [
        ("Tab", report.tab_label),
        ("Universe", report.universe_label),
        ("Date range", report.date_range),
        ("Options", report.options),
        ("Data", f"{report.as_of} · {report.source} · version {report.version}"),
        ("Coverage", report.coverage or "—"),
        ("View", report.query),
    ]
    return "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows)


def _returns(table: pd.DataFrame) -> str:
    if table.empty:
        return ""
    shown = table.rename(
        columns={"since_start": "since start (%)", "ytd": "year to date (%)"}
    ).set_index("name")
    body = shown.to_html(
        classes="returns", border=0, float_format=lambda v: f"{v:+.1f}", na_rep="–"
    )
    return f"<h3>Returns</h3>{body}"


def _section(report: Report, section: Section, *, plotlyjs: bool) -> str:
    """A chart (interactive, plotly.js inlined when ``plotlyjs``) or a table, titled and
    defined."""
    if isinstance(section, Chart):
        body = pio.to_html(
            section.figure,
            full_html=False,
            include_plotlyjs=plotlyjs,
            div_id=f"chart-{section.key}",
            default_height=f"{section.height}px",
            config=PLOT_CONFIG,
            validate=False,
        )
        kind = "chart"
    else:
        body = f"<div id='table-{section.key}'>{section.body}</div>"
        kind = "table"
    extra = _returns(report.returns) if section.key == "rotation" else ""
    return (
        f"<section class='{kind}' data-chart='{section.key}'><h2>{html.escape(section.title)}"
        f"</h2>{body}<p class='def'>{html.escape(DEFINITIONS[section.key])}</p>{extra}</section>"
    )


def render_html(report: Report, *, generated: datetime | None = None) -> str:
    """The report as a complete HTML document (about 5 MB: plotly.js is inlined once)."""
    stamp = (generated or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M %Z")
    title = report.title
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if report.simulated:
        parts.append(
            "<div class='simulated' id='simulated-data'><strong>Simulated data.</strong> Every "
            "price, index and universe in this report comes from a seeded simulation, not from "
            "real securities.</div>"
        )
    parts.append(f"<dl class='meta'>{_meta(report)}</dl>")
    notes = [report.survivorship, *report.notices]
    parts += [f"<p class='note'>{html.escape(n)}</p>" for n in notes if n]
    first = next((i for i, sec in enumerate(report.sections) if isinstance(sec, Chart)), -1)
    parts += [_section(report, sec, plotlyjs=i == first) for i, sec in enumerate(report.sections)]
    parts.append(
        f"<footer>Breadth &amp; Rotation Monitor · generated {html.escape(stamp)}. Breadth "
        "counts only members with a bar and enough history on each date; coverage = members "
        "with a bar / members. Definitions in full: docs/INDICATORS.md.</footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts)
