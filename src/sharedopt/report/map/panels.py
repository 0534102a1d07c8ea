"""Small multiples: one panel per service, each showing only that service's partnerships.

When a portfolio has many partnerships (more than :data:`PANEL_THRESHOLD`),
their outlines crowd one map; ``map_by_service.png`` gives each service its own
small panel (the same councils, the same colours per partnership as the main
map), so every partnership can be read.

Each council's outline is turned into a matplotlib path once (from the shared,
coverage-simplified geometry, :func:`sharedopt.report.map.geometry.simplified_shapes`)
and every panel draws the councils as one collection and its partnerships as a second;
each partnership's label point is found once, not once per panel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sharedopt.candidates.table import MEMBERS, SERVICES
from sharedopt.results.facts import service_label

from sharedopt.report.map.data import portfolio_services
from sharedopt.report.map.fill import split_list
from sharedopt.report.map.geometry import simplified_shapes
from sharedopt.report.map.layers import partnership_colours
from sharedopt.report.map.render import agg_figure, map_style, wrapped_text

if TYPE_CHECKING:  # matplotlib loads when a map is drawn (see sharedopt.report.map.render)
    from matplotlib.figure import Figure
    from matplotlib.path import Path

__all__ = ["PANEL_THRESHOLD", "plot_service_panels"]

PANEL_THRESHOLD = 6


@dataclass(frozen=True)
class _Partnership:
    """One chosen partnership as the panels draw it: its number, colour, councils, services and label point."""

    number: int
    colour: str
    codes: list[str]
    services: frozenset[str]
    label_at: tuple[float, float]


def plot_service_panels(authorities: pd.DataFrame, portfolio: pd.DataFrame, title: str = "",
                        attribution: str | None = None, estimated: str | None = None) -> Figure | None:
    """A grid of small maps, one per service in the portfolio.

    Parameters
    ----------
    authorities : geopandas.GeoDataFrame
        Indexed by code, with geometry.
    portfolio : pandas.DataFrame
        Chosen partnerships (``members``, ``services``), in the main map's order.
    title : str, optional
        Figure title.
    attribution : str, optional
        Source line.
    estimated : str, optional
        What is estimated ('ESTIMATED: ...' under the title).

    Returns
    -------
    matplotlib.figure.Figure or None
        None when there is no geometry or no partnership.
    """
    shapes = simplified_shapes(authorities)
    services = portfolio_services(portfolio)
    if shapes.empty or not services:
        return None
    paths = {code: _geometry_path(geom) for code, geom in shapes.items()}
    partnerships = _partnerships(portfolio, shapes)
    cols = min(3, len(services))
    rows = math.ceil(len(services) / cols)
    x0, y0, x1, y1 = shapes.total_bounds
    aspect = (y1 - y0) / max(x1 - x0, 1e-9)
    with map_style():
        fig = agg_figure((3.2 * cols, 3.2 * rows * aspect + 1.1))
        for i, service in enumerate(services):
            ax = fig.add_subplot(rows, cols, i + 1)
            _draw_panel(ax, paths, [p for p in partnerships if service in p.services])
            ax.set_title(service_label(service), fontsize=9)
            _no_axes(ax)
        _add_captions(fig, title, attribution, estimated)
        fig.tight_layout(rect=(0, 0.04, 1, 0.94))
        return fig


def _no_axes(ax) -> None:
    """No frame, ticks or tick labels. The axis objects are hidden too: hidden only by
    ``set_axis_off`` they would still work out their ticks every time the panel's title is
    placed (each draw and each ``tight_layout`` pass), for labels that are never drawn."""
    ax.set_axis_off()
    ax.xaxis.set_visible(False)
    ax.yaxis.set_visible(False)


def _geometry_path(geom) -> Path:
    """One compound path of every ring of a (multi)polygon, as geopandas draws it."""
    from matplotlib.path import Path
    rings = []
    for polygon in getattr(geom, "geoms", [geom]):
        if polygon.is_empty or not hasattr(polygon, "exterior"):
            continue
        rings.append(Path(np.asarray(polygon.exterior.coords)[:, :2]))
        rings += [Path(np.asarray(ring.coords)[:, :2]) for ring in polygon.interiors]
    return Path.make_compound_path(*rings) if rings else Path(np.zeros((0, 2)))


def _partnerships(portfolio: pd.DataFrame, shapes) -> list[_Partnership]:
    """The drawable partnerships, numbered and coloured as in the main map's legend."""
    colours = partnership_colours(len(portfolio))
    out = []
    for number, (colour, members, cell) in enumerate(zip(colours, portfolio[MEMBERS], portfolio[SERVICES]), start=1):
        codes = [c for c in split_list(members) if c in shapes.index]
        if not codes:
            continue
        point = shapes.loc[codes].union_all().representative_point()
        out.append(_Partnership(number, colour, codes, frozenset(split_list(cell)), (point.x, point.y)))
    return out


def _draw_panel(ax, paths: dict[str, Path], partnerships: list[_Partnership]) -> None:
    """Every council in grey, then the service's partnerships in their colours, each numbered."""
    from matplotlib.collections import PathCollection
    ax.set_aspect("equal")
    ax.add_collection(PathCollection(list(paths.values()), facecolors="#eeeeee", edgecolors="#999999",
                                     linewidths=0.3), autolim=True)
    if partnerships:
        colours = [p.colour for p in partnerships for _ in p.codes]
        ax.add_collection(PathCollection([paths[c] for p in partnerships for c in p.codes], facecolors=colours,
                                         edgecolors=colours, linewidths=0.8, alpha=0.55), autolim=True)
    ax.autoscale_view()
    for p in partnerships:
        ax.annotate(str(p.number), p.label_at, ha="center", va="center", fontsize=8, fontweight="bold")


def _add_captions(fig, title: str, attribution: str | None, estimated: str | None) -> None:
    """Heading (with the ESTIMATED line, in red, when anything is) and the source line."""
    heading = title + (f"\nESTIMATED: {estimated}" if estimated else "")
    fig.suptitle(heading.replace("$", r"\$"), fontsize=11, fontweight="bold",
                 color="#a61b1b" if estimated else "black")
    if attribution:
        wrapped_text(fig, 0.01, 0.005, attribution.replace("$", r"\$"), fontsize=5.5, color="#333333")
