"""PNG images of a report's charts and tables (tables as ``go.Table`` pictures) with
kaleido (1.x drives the system Chromium, which it finds by itself at /usr/bin/chromium).

One browser per process, kept between reports (kaleido's sync server, started at the first
PNG, closed at exit): starting Chromium is ~1.7 s of the ~4.2 s a Breadth report took on 2
cores, so a serving worker's later reports take ~2.5 s (bench/targets_page.py, T7). More
browser tabs (``n``) were slower on 2 cores.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from components.report.build import Report
from components.report.sections import REPORT_WIDTH
from data.errors import BreadthError

PNG_WIDTH = REPORT_WIDTH
PNG_SCALE = 1


class ImageExportError(BreadthError):
    """kaleido is missing or could not start a browser."""


def png_name(key: str) -> str:
    return f"{key.replace('_', '-')}.png"


def write_pngs(
    report: Report, out_dir: Path, *, width: int = PNG_WIDTH, scale: int = PNG_SCALE
) -> list[Path]:
    """One PNG per chart and per table (``width`` × its height, times ``scale``); paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sections = report.sections
    paths = [out_dir / png_name(c.key) for c in sections]
    figs = [_stamped(c.figure, report, width, c.height) for c in sections]
    try:
        keep_browser()
        with warnings.catch_warnings():  # "kopts is ignored if using a server": expected
            warnings.simplefilter("ignore", UserWarning)
            pio.write_images(
                figs,
                paths,
                format="png",
                width=width,
                height=[c.height for c in sections],
                scale=scale,
                validate=False,
            )
    except (ImportError, ValueError, RuntimeError, OSError) as exc:
        raise ImageExportError(
            f"PNG export needs kaleido (pip install kaleido) and Chromium: {exc}"
        ) from exc
    return paths


def keep_browser() -> bool:
    """Start kaleido's per-process browser unless it runs; True when it runs afterwards.

    A server whose thread died (a test harness stopping threads, as dash_duo does) is reset
    first, or the next request would wait forever on it. An older kaleido without the sync
    server: False (one browser per call, as before)."""
    import kaleido

    server = getattr(kaleido, "_global_server", None)
    if server is None or not hasattr(kaleido, "start_sync_server"):
        return False
    thread = getattr(server, "_thread", None)
    if server.is_running() and (thread is None or not thread.is_alive()):
        server._initialized = False  # kaleido 1.x keeps no other running state
    kaleido.start_sync_server(silence_warnings=True)
    return bool(server.is_running())


STAMP_PX = 18
"""Height in px added under each PNG for its caption."""


def caption(report: Report) -> str:
    """What a PNG shared on its own must say: universe, range, as-of, simulated or not."""
    sim = "<b>SIMULATED DATA</b> · " if report.simulated else ""
    return f"{sim}{report.universe_label} · {report.date_range} · {report.as_of}"


def _stamped(figure: go.Figure, report: Report, width: int, height: int) -> go.Figure:
    fig = go.Figure(figure).update_layout(width=width, height=height)
    # under the date axis, right-aligned: a fixed distance from the image's bottom edge, where
    # no legend reaches (a legend of several rows, as the window-set charts have, pushes the
    # plot's top down, and a caption placed above the plot then runs into it)
    bottom = int(fig.layout.margin.b or 32)
    fig.update_layout(margin={"b": bottom + STAMP_PX})
    fig.add_annotation(
        text=caption(report),
        xref="paper",
        yref="paper",
        x=1.0,
        y=0.0,
        yshift=-bottom,
        xanchor="right",
        yanchor="top",
        showarrow=False,
        font={"size": 11, "color": "#c62828" if report.simulated else "#495057"},
    )
    return fig
