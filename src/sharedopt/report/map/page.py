"""The map figure's page: its height fitted to the region's shape, and where each part goes.

The map box is 80% of the width; its height follows the data aspect
(clamped), and the legend and attribution get their own bands below, so the
title, legend and source line sit at fixed distances in inches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Page", "page_layout"]

_TITLE_IN, _ATTRIBUTION_IN, _LEGEND_ROW_IN, _LEGEND_BASE_IN = 0.7, 0.45, 0.16, 0.45  # a 7.5 pt legend row is 0.157 in


@dataclass(frozen=True)
class Page:
    """Figure size (inches) and artist boxes (figure fractions)."""

    width: float
    height: float
    map_box: tuple[float, float, float, float]
    colourbar_box: tuple[float, float, float, float]
    legend_top: float


def page_layout(limits, n_legend: int, size: tuple[float, float]) -> Page:
    """Fit the figure height to the map's shape, within ``size[1]``.

    Parameters
    ----------
    limits : tuple of (float, float) pairs
        ``((x0, x1), (y0, y1))``: the drawn extent in metres.
    n_legend : int
        Legend entries to make room for (two per row).
    size : tuple of float
        Figure width and maximum height in inches.

    Returns
    -------
    Page
        The figure size and the boxes of the map, colourbar and legend.
    """
    (x0, x1), (y0, y1) = limits
    width, max_height = size
    legend_in = _LEGEND_BASE_IN + _LEGEND_ROW_IN * math.ceil(n_legend / 2)
    bottom_in = legend_in + _ATTRIBUTION_IN
    map_w = 0.80 * width
    room = max(max_height - _TITLE_IN - bottom_in, 0.4 * map_w)
    map_h = min(max(map_w * (y1 - y0) / (x1 - x0), 0.5 * map_w), room)
    height = _TITLE_IN + map_h + bottom_in
    bar_h = 0.7 * map_h
    return Page(
        width=width,
        height=height,
        map_box=(0.03, bottom_in / height, 0.80, map_h / height),
        colourbar_box=(0.87, (bottom_in + (map_h - bar_h) / 2) / height, 0.025, bar_h / height),
        legend_top=(legend_in + _ATTRIBUTION_IN - 0.05) / height,
    )
