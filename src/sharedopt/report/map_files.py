"""The report's map files and its page: map.png, map.svg, map_by_service.png, map_<service>.png, report.html.

The main map (its PNG and SVG, the slowest files of a small report) is drawn in a process
forked from this one (:func:`sharedopt.report.parallel.start_job`) while this one draws the
service panels and builds the page; the page then embeds the main map's PNG. matplotlib is
loaded here once, before the fork, so both processes have it. Each file is made by the same
function from the same tables whichever process makes it: the same bytes as a serial write.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from sharedopt.candidates.table import ESTIMATED
from sharedopt.report.html import build_context, render_html
from sharedopt.report.map import (
    PANEL_THRESHOLD,
    figure_bytes,
    plot_portfolio_map,
    plot_service_map,
    plot_service_panels,
    portfolio_services,
    preload,
    service_slug,
)
from sharedopt.report.parallel import ForkedJob, start_job
from sharedopt.report.tables import region_label
from sharedopt.results.run_summary import RunSummary

__all__ = ["MAP_FORMATS", "start_main_map", "write_maps_and_html", "write_service_maps"]

#: the formats that need the main map (the page embeds its PNG)
MAP_FORMATS = frozenset({"png", "svg", "html"})


def start_main_map(tmp: Path, inputs: dict, wanted: frozenset[str], title: str) -> ForkedJob | None:
    """Load matplotlib, then start drawing the main map in a forked process.

    Parameters
    ----------
    tmp : pathlib.Path
        The report's temporary folder.
    inputs : dict
        The report writer's tables and map options.
    wanted : frozenset of str
        Requested formats (some of :data:`MAP_FORMATS`).
    title : str
        Report title.

    Returns
    -------
    ForkedJob or None
        None when no second process runs: :func:`write_maps_and_html` draws it here.
    """
    preload()
    arguments = (tmp, _map_inputs(inputs), wanted, title)
    return start_job(lambda: main_map(*arguments))


def _map_inputs(inputs: dict) -> dict:
    """What the main map needs (no progress callback: a worker says nothing)."""
    return {key: inputs[key] for key in ("authorities", "portfolio", "shares", "summary", "map")}


def main_map(tmp: Path, inputs: dict, wanted: frozenset[str], title: str,
             say: Callable[[str], None] | None = None) -> bytes:
    """Draw the main map; write map.png and map.svg as requested; return its PNG (for the page).

    Parameters
    ----------
    tmp : pathlib.Path
        The report's temporary folder.
    inputs : dict
        ``authorities``, ``portfolio``, ``shares``, ``summary`` and ``map`` (the map options).
    wanted : frozenset of str
        Requested formats.
    title : str
        Report title.
    say : callable, optional
        Gets 'map.svg' when the SVG is started (a worker says nothing).

    Returns
    -------
    bytes
        The PNG, written or not.
    """
    summary, options = inputs["summary"], inputs["map"]
    fig = plot_portfolio_map(inputs["authorities"], inputs["portfolio"], inputs["shares"],
                             title=_map_title(title, summary), attribution=summary.attribution,
                             shading=options["shading"], estimated=options[ESTIMATED], existing=options["existing"])
    png = figure_bytes(fig, "png")
    if "png" in wanted:
        (tmp / "map.png").write_bytes(png)
    if "svg" in wanted:
        if say is not None:
            say("map.svg")
        (tmp / "map.svg").write_bytes(figure_bytes(fig, "svg"))
    return png


def _map_title(title: str, summary: RunSummary) -> str:
    """Map heading: report title plus region when known."""
    region = region_label(summary.region)
    return f"{title} \u2014 {region}" if region else title


def write_maps_and_html(tmp: Path, inputs: dict, wanted: frozenset[str], title: str,
                        job: ForkedJob | None) -> list[str]:
    """map.png, map.svg, map_by_service.png and report.html (which embeds the PNGs); return the names.

    Parameters
    ----------
    tmp : pathlib.Path
        The report's temporary folder.
    inputs : dict
        The report writer's tables, map options and ``progress``.
    wanted : frozenset of str
        Requested formats.
    title : str
        Report title.
    job : ForkedJob or None
        The main map being drawn elsewhere (:func:`start_main_map`), or None to draw it here.

    Returns
    -------
    list of str
    """
    say = inputs["progress"]
    say("map.png")
    png = main_map(tmp, inputs, wanted, title, say) if job is None else None
    panels = _panel_files(tmp, inputs, wanted, say)
    context = _page_context(inputs, title) if "html" in wanted else None
    png = job.result_or(lambda: main_map(tmp, inputs, wanted, title)) if job is not None else png
    written = [name for name, fmt in (("map.png", "png"), ("map.svg", "svg")) if fmt in wanted]
    written += ["map_by_service.png"] if panels is not None and "png" in wanted else []
    if context is not None:
        say("report.html")
        context["map_data"] = base64.b64encode(png).decode("ascii")
        context["panels_png"] = base64.b64encode(panels).decode("ascii") if panels is not None else None
        (tmp / "report.html").write_text(render_html(context), encoding="utf-8")
        written.append("report.html")
    return written


def _panel_files(tmp: Path, inputs: dict, wanted: frozenset[str], say: Callable[[str], None]):
    """map_by_service.png when asked; the panels' 90-dpi PNG for the page (None when there are no panels)."""
    if not wanted & {"png", "html"} or len(inputs["portfolio"]) <= PANEL_THRESHOLD:
        return None
    if "png" in wanted:
        say("map_by_service.png")
    panels = plot_service_panels(inputs["authorities"], inputs["portfolio"],
                                 title="Chosen partnerships by service (numbers as in the main map's legend)",
                                 attribution=inputs["summary"].attribution, estimated=inputs["map"][ESTIMATED])
    if panels is None:
        return None
    if "png" in wanted:
        (tmp / "map_by_service.png").write_bytes(figure_bytes(panels, "png", dpi=110))
    return figure_bytes(panels, "png", dpi=90) if "html" in wanted else b""


def _page_context(inputs: dict, title: str) -> dict:
    """report.html's context but the main map (added when it is drawn)."""
    tables = {k: inputs[k] for k in ("authorities", "candidates", "portfolio", "shares", "summary")}
    return build_context(**tables, title=title, map_png=None)


def write_service_maps(tmp: Path, inputs: dict) -> list[str]:
    """map_<service>.png, one small map per service in the portfolio; return the names.

    Parameters
    ----------
    tmp : pathlib.Path
        The report's temporary folder.
    inputs : dict
        The report writer's tables and map options.

    Returns
    -------
    list of str
    """
    written: list[str] = []
    attribution = inputs["summary"].attribution
    for service in portfolio_services(inputs["portfolio"]):
        name = _unique_name(f"map_{service_slug(service)}", written)
        fig = plot_service_map(inputs["authorities"], inputs["portfolio"], inputs["shares"], service,
                               attribution=attribution, shading=inputs["map"]["shading"],
                               estimated=inputs["map"][ESTIMATED])
        (tmp / name).write_bytes(figure_bytes(fig, "png", dpi=110))
        written.append(name)
    return written


def _unique_name(stem: str, taken: list[str]) -> str:
    """``stem.png``, or ``stem_2.png`` etc. if two services slug the same."""
    name, n = f"{stem}.png", 1
    while name in taken:
        n += 1
        name = f"{stem}_{n}.png"
    return name
