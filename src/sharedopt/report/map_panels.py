"""Small multiples: one panel per service, each showing only that service's partnerships.

When a portfolio has many partnerships (more than :data:`PANEL_THRESHOLD`),
their outlines crowd one map; ``map_by_service.png`` gives each service its own
small panel (the same councils, the same colours per partnership as the main
map), so every partnership can be read.
"""

from __future__ import annotations

import math

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from sharedopt.candidates.table import MEMBERS, SERVICES
from sharedopt.results.facts import service_label

from sharedopt.report.map_fill import split_list
from sharedopt.report.map_geometry import _projected_shapes
from sharedopt.report.map_layers import partnership_colours
from sharedopt.report.map_render import STYLE, agg_figure

__all__ = ["PANEL_THRESHOLD", "plot_service_panels"]

PANEL_THRESHOLD = 6


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
    shapes = _projected_shapes(authorities)
    shapes = shapes[[g is not None and not g.is_empty for g in shapes]]
    services = sorted({s for cell in portfolio.get(SERVICES, []) for s in split_list(cell)})
    if shapes.empty or not services:
        return None
    colours = partnership_colours(len(portfolio))
    cols = min(3, len(services))
    rows = math.ceil(len(services) / cols)
    x0, y0, x1, y1 = shapes.total_bounds
    aspect = (y1 - y0) / max(x1 - x0, 1e-9)
    with matplotlib.style.context("default"), matplotlib.rc_context(STYLE):
        fig = agg_figure((3.2 * cols, 3.2 * rows * aspect + 1.1))
        for i, service in enumerate(services):
            ax = fig.add_subplot(rows, cols, i + 1)
            shapes.plot(ax=ax, color="#eeeeee", edgecolor="#999999", linewidth=0.3)
            for number, (colour, members, cell) in enumerate(zip(colours, portfolio[MEMBERS], portfolio[SERVICES]),
                                                             start=1):
                if service not in split_list(cell):
                    continue
                codes = [c for c in split_list(members) if c in shapes.index]
                shapes.loc[codes].plot(ax=ax, color=colour, alpha=0.55, edgecolor=colour, linewidth=0.8)
                union = shapes.loc[codes].union_all() if hasattr(shapes, "union_all") else shapes.loc[codes].unary_union
                point = union.representative_point()
                ax.annotate(str(number), (point.x, point.y), ha="center", va="center", fontsize=8, fontweight="bold")
            ax.set_title(service_label(service), fontsize=9)
            ax.set_axis_off()
        heading = title + (f"\nESTIMATED: {estimated}" if estimated else "")
        fig.suptitle(heading.replace("$", r"\$"), fontsize=11, fontweight="bold",
                     color="#a61b1b" if estimated else "black")
        if attribution:
            fig.text(0.01, 0.005, attribution.replace("$", r"\$"), fontsize=5.5, color="#333333", wrap=True)
        fig.tight_layout(rect=(0, 0.04, 1, 0.94))
        return fig
