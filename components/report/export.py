"""Write a view's report to a folder (``cli.py report``) or pack it as a zip (the page)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from components.report.build import Report, build_report
from components.report.html import render_html
from components.report.images import write_pngs
from service.breadth import BreadthService

HTML_NAME = "report.html"


def report_stem(report: Report) -> str:
    s = report.state
    if s.tab in ("claims", "analogs"):
        return f"{s.tab}-report-{report.universe}-{(s.asof or 'latest')}"
    tab = "" if s.tab == "breadth" else f"{s.tab}-"
    return f"breadth-report-{tab}{s.universe}-{s.start or 'start'}-{s.end or 'end'}"


def export_report(
    svc: BreadthService, query: str | None, out_dir: Path, *, png: bool = True
) -> tuple[Report, list[Path]]:
    """report.html and (with ``png``) one PNG per chart and table in ``out_dir``; paths."""
    report = build_report(svc, query)
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / HTML_NAME
    page.write_text(render_html(report), encoding="utf-8")
    paths = [page]
    if png:
        paths += write_pngs(report, out_dir)
    return report, paths


def png_zip(svc: BreadthService, query: str | None) -> tuple[str, bytes]:
    """(file name, zip bytes) of the view's PNGs plus its HTML report."""
    with tempfile.TemporaryDirectory(prefix="breadth-report-") as tmp:
        report, paths = export_report(svc, query, Path(tmp))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in paths:
                zf.write(path, arcname=path.name)
    return f"{report_stem(report)}.zip", buf.getvalue()
