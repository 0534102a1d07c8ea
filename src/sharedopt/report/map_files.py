"""The report's map files and its page: map.png, map.svg, map_by_service.png, map_<service>.png, report.html.

The main map (its PNG and SVG, the slowest files of a small report) is drawn in a process
forked from this one (:func:`sharedopt.report.parallel.start_job`) while this one draws the
service panels and builds the page; the page then embeds the main map's PNG. matplotlib is
loaded here once, before the fork, so both processes have it. When the run's maps were drawn
while it ran (:mod:`sharedopt.report.early_maps`, :func:`draw_maps`), their bytes are written as
they are. Each file is made by the same function from the same tables whichever process makes
it: the same bytes as a serial write.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

__all__ = ["MAP_FORMATS", "Drawn", "draw_maps", "estimated_text", "file_writer", "map_options", "map_title",
           "start_main_map",
           "write_drawn_maps_and_html", "write_maps_and_html", "write_service_maps"]

#: the formats that need the main map (the page embeds its PNG)
MAP_FORMATS = frozenset({"png", "svg", "html"})
#: ``put(name, data)``: keeps one map file's bytes (writes it, or holds it for another process)
Put = Callable[[str, bytes], object]


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
    arguments = (file_writer(tmp), _map_inputs(inputs), wanted, title)
    return start_job(lambda: main_map(*arguments))


def _map_inputs(inputs: dict) -> dict:
    """What the main map needs (no progress callback: a worker says nothing)."""
    return {key: inputs[key] for key in ("authorities", "portfolio", "shares", "summary", "map")}


def main_map(put: Put, inputs: dict, wanted: frozenset[str], title: str,
             say: Callable[[str], None] | None = None) -> bytes:
    """Draw the main map; put map.png and map.svg as requested; return its PNG (for the page).

    Parameters
    ----------
    put : callable
        ``put(name, data)`` keeps a file (:func:`file_writer`: writes it into the report's folder).
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
                             title=map_title(title, summary), attribution=summary.attribution,
                             shading=options["shading"], estimated=options[ESTIMATED], existing=options["existing"])
    png = figure_bytes(fig, "png")
    if "png" in wanted:
        put("map.png", png)
    if "svg" in wanted:
        if say is not None:
            say("map.svg")
        put("map.svg", figure_bytes(fig, "svg"))
    return png


def file_writer(tmp: Path) -> Put:
    """``put(name, data)`` writing the file ``name`` into ``tmp``."""
    return lambda name, data: (tmp / name).write_bytes(data)


def map_title(title: str, summary: RunSummary) -> str:
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
    say, put = inputs["progress"], file_writer(tmp)
    say("map.png")
    png = main_map(put, inputs, wanted, title, say) if job is None else None
    panels = _panel_files(put, inputs, wanted, say)
    context = _page_context(inputs, title) if "html" in wanted else None
    png = job.result_or(lambda: main_map(put, inputs, wanted, title)) if job is not None else png
    written = [name for name, fmt in (("map.png", "png"), ("map.svg", "svg")) if fmt in wanted]
    written += ["map_by_service.png"] if panels is not None and "png" in wanted else []
    return written + _page(tmp, context, png, panels, say)


def _page(tmp: Path, context: dict | None, png: bytes, panels: bytes | None, say: Callable[[str], None]) -> list[str]:
    """report.html, which embeds the main map's PNG and the panels' (when the page is asked for)."""
    if context is None:
        return []
    say("report.html")
    context["map_data"] = base64.b64encode(png).decode("ascii")
    context["panels_png"] = base64.b64encode(panels).decode("ascii") if panels is not None else None
    (tmp / "report.html").write_text(render_html(context), encoding="utf-8")
    return ["report.html"]


@dataclass(frozen=True)
class Drawn:
    """Every map of a report, drawn (:func:`draw_maps`).

    Attributes
    ----------
    files : dict of str to bytes
        Each map file's bytes, by name.
    page_map : bytes
        The main map's PNG, for the page.
    page_panels : bytes or None
        The panels' PNG at the page's resolution (None: no panels).
    """

    files: dict[str, bytes]
    page_map: bytes
    page_panels: bytes | None


def draw_maps(inputs: dict, wanted: frozenset[str], title: str, per_service: bool) -> Drawn:
    """Draw what :func:`write_maps_and_html` and :func:`write_service_maps` write, with the same functions.

    Parameters
    ----------
    inputs : dict
        ``authorities``, ``portfolio``, ``shares``, ``summary`` and ``map`` (the map options).
    wanted : frozenset of str
        Requested formats.
    title : str
        Report title.
    per_service : bool
        Also map_<service>.png (with 'png').

    Returns
    -------
    Drawn
    """
    files: dict[str, bytes] = {}
    png = main_map(files.__setitem__, inputs, wanted, title)
    panels = _panel_files(files.__setitem__, inputs, wanted, _quiet)
    if per_service and "png" in wanted:
        _service_maps(files.__setitem__, inputs)
    return Drawn(files, png, panels)


def write_drawn_maps_and_html(tmp: Path, inputs: dict, wanted: frozenset[str], title: str,
                              drawn: Callable[[], Drawn]) -> list[str]:
    """The map files drawn elsewhere (:func:`draw_maps`, waited for once the page's context is built) and
    report.html; return the names.

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
    drawn : callable
        Gives the maps (waiting for them).

    Returns
    -------
    list of str
    """
    say = inputs["progress"]
    say("map.png")
    context = _page_context(inputs, title) if "html" in wanted else None
    maps = drawn()
    for name, data in maps.files.items():
        if name != "map.png":
            say(name)
        (tmp / name).write_bytes(data)
    return list(maps.files) + _page(tmp, context, maps.page_map, maps.page_panels, say)


def _quiet(_: str) -> None:
    """No progress texts (a worker says nothing)."""


def _panel_files(put: Put, inputs: dict, wanted: frozenset[str], say: Callable[[str], None]):
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
        put("map_by_service.png", figure_bytes(panels, "png", dpi=110))
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
    return _service_maps(file_writer(tmp), inputs)


def _service_maps(put: Put, inputs: dict) -> list[str]:
    """Draw map_<service>.png per service in the portfolio and put each; return the names."""
    written: list[str] = []
    attribution = inputs["summary"].attribution
    for service in portfolio_services(inputs["portfolio"]):
        name = _unique_name(f"map_{service_slug(service)}", written)
        fig = plot_service_map(inputs["authorities"], inputs["portfolio"], inputs["shares"], service,
                               attribution=attribution, shading=inputs["map"]["shading"],
                               estimated=inputs["map"][ESTIMATED])
        put(name, figure_bytes(fig, "png", dpi=110))
        written.append(name)
    return written


def _unique_name(stem: str, taken: list[str]) -> str:
    """``stem.png``, or ``stem_2.png`` etc. if two services slug the same."""
    name, n = f"{stem}.png", 1
    while name in taken:
        n += 1
        name = f"{stem}_{n}.png"
    return name


def map_options(summary: RunSummary, shading: str) -> dict[str, Any]:
    """What every static map shares: the shading, the ESTIMATED text and the existing partnerships.

    Parameters
    ----------
    summary : RunSummary
    shading : str
        ``[report] map_shading``.

    Returns
    -------
    dict
    """
    return {"shading": shading, ESTIMATED: estimated_text(summary),
            "existing": [r for r in summary.existing_partnerships or [] if isinstance(r, Mapping)]}


def estimated_text(summary: RunSummary) -> str | None:
    """What a run estimated, for the map's ESTIMATED stamp (None when every input is data).

    Parameters
    ----------
    summary : Mapping
        Run summary (``data_sources`` with ``estimated`` flags).

    Returns
    -------
    str or None
        The estimated sources' names joined by '; '.
    """
    names = [str(s.get("name")) for s in summary.data_sources or []
             if isinstance(s, Mapping) and s.get(ESTIMATED)]
    return "; ".join(names) if names else None
