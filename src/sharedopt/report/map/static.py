"""Offline maps of the chosen shared-service portfolio.

Authorities are shaded by their projected saving (sum of Shapley NPV shares
over chosen partnerships) and chosen partnerships are drawn as outlines
around their members, coloured per partnership. Drawing happens in British
National Grid (EPSG:27700) so the hand-drawn scale bar is in true metres. No
basemap tiles or other network resources are used.

Figures are built with :class:`matplotlib.figure.Figure` on an Agg canvas
(no pyplot state), under a fixed style (:mod:`sharedopt.report.map.render`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from typing import TYPE_CHECKING

import pandas as pd

from sharedopt.candidates.table import KIND, MEMBERS, SERVICES
from sharedopt.report.map.data import authority_savings, filter_service
from sharedopt.report.map.fill import (
    SHADING_LABELS,
    colour_scale,
    covering_codes,
    draw_shapes,
    face_colour,
    member_codes,
    outline_covering,
    shaded_values,
    split_list,
)
from sharedopt.report.map.furniture import (
    add_colourbar,
    add_legend,
    add_missing_note,
    add_north_arrow,
    add_scale_bar,
    add_text,
    placeholder_figure,
)
from sharedopt.report.map.geometry import has_shape, map_layout, MapLayout, map_limits, set_extent
from sharedopt.report.map.layers import add_estimated_stamp, draw_existing_outlines, draw_partnership_outlines, place_labels
from sharedopt.report.map.page import page_layout
from sharedopt.report.map.render import agg_figure, map_style
from sharedopt.results.facts import service_label, services_label

if TYPE_CHECKING:  # matplotlib loads when a map is drawn (see sharedopt.report.map.render)
    from matplotlib.figure import Figure

__all__ = ["plot_portfolio_map", "plot_service_map"]

_MAX_LABELS = 40
_NO_LOCATION = "Map unavailable: no boundary geometry or centroids supplied."


@dataclass(frozen=True)
class _Captions:
    """The text around the map: heading, source line, ESTIMATED stamp and colourbar label."""

    title: str
    attribution: str | None
    estimated: str | None
    colourbar: str


# --------------------------------------------------------------------------- public plots


def plot_portfolio_map(
    authorities: pd.DataFrame,
    portfolio: pd.DataFrame,
    shares: pd.DataFrame,
    *,
    title: str = "Chosen shared-service partnerships and projected savings",
    attribution: str | None = None,
    service: str | None = None,
    figsize: tuple[float, float] = (8.27, 9.0),
    shading: str = "per_head",
    estimated: str | None = None,
    existing: Sequence[Mapping] = (),
) -> Figure:
    """Draw the portfolio map and return the figure (nothing is written).

    Parameters
    ----------
    authorities : geopandas.GeoDataFrame
        Indexed by GSS code with ``name`` and geometry in EPSG:4326 (a
        missing CRS is taken as EPSG:4326). Authorities without geometry are
        drawn as points from ``centroid_x``/``centroid_y`` (lon/lat, or
        EPSG:27700 metres if the values are out of lon/lat range) when
        present, else left off with a note.
    portfolio : pandas.DataFrame
        Chosen partnerships: ``candidate_id``, ``members`` and ``services``
        (';'-joined).
    shares : pandas.DataFrame
        Per-member NPV shares (see :func:`authority_savings`).
    title : str, optional
        Figure title.
    attribution : str, optional
        Source/copyright line; defaults to :data:`ATTRIBUTION`.
    service : str, optional
        Only draw partnerships that include this service (and shade by
        their shares).
    figsize : tuple of float, default (8.27, 9.0)
        Width and *maximum* height in inches; the height shrinks to fit the
        region's shape.
    shading : {'per_head', 'total'}, default 'per_head'
        Councils shaded by NPV share per resident (needs ``population``) or in £k.
    estimated : str, optional
        What is estimated; when given, 'ESTIMATED: ...' is written on the map.
    existing : sequence of mapping, optional
        Existing partnerships (``summary.existing_partnerships``), drawn as dashed outlines.

    Returns
    -------
    matplotlib.figure.Figure
        A figure on an Agg canvas. If no authority can be located a
        placeholder figure with an explanatory note is returned instead.
    """
    with map_style():
        fig = agg_figure(figsize)
        layout = map_layout(authorities)
        if not layout.anchors:
            return placeholder_figure(fig, title, attribution, _NO_LOCATION)
        chosen = filter_service(portfolio, service)
        values = shaded_values(authority_savings(authorities, chosen, shares), _population(authorities), shading)
        _draw_map(fig, layout, chosen, values, _captions(title, attribution, estimated, shading), existing)
        return fig


def plot_service_map(
    authorities: pd.DataFrame, portfolio: pd.DataFrame, shares: pd.DataFrame, service: str, **kwargs
) -> Figure:
    """Small-multiple map for one service.

    Parameters
    ----------
    authorities, portfolio, shares
        As for :func:`plot_portfolio_map`.
    service : str
        The service to show.
    **kwargs
        Passed to :func:`plot_portfolio_map` (e.g. ``attribution``).

    Returns
    -------
    matplotlib.figure.Figure
        A smaller map showing only partnerships that include ``service``.
    """
    kwargs.setdefault("figsize", (6.0, 6.8))
    kwargs.setdefault("title", f"Chosen partnerships: {service_label(service)}")
    return plot_portfolio_map(authorities, portfolio, shares, service=service, **kwargs)


# --------------------------------------------------------------------------- inputs


def _population(authorities: pd.DataFrame) -> pd.Series | None:
    """Residents per council, or None when the table has no ``population``."""
    return authorities["population"] if "population" in authorities else None


def _captions(title: str, attribution: str | None, estimated: str | None, shading: str) -> _Captions:
    """The map's text, with the colourbar label for the shading."""
    return _Captions(title, attribution, estimated, SHADING_LABELS.get(shading, SHADING_LABELS["total"]))


def _column(frame: pd.DataFrame, name: str) -> list:
    """Column values as a list (Nones if the column is absent)."""
    return list(frame[name]) if name in frame else [None] * len(frame)


# --------------------------------------------------------------------------- drawing


def _draw_map(fig: Figure, layout: MapLayout, portfolio: pd.DataFrame, values: pd.Series, captions: _Captions,
              existing: Sequence[Mapping]) -> None:
    """Compose the full map: shading, partnership outlines, labels, furniture and text."""
    limits = map_limits(layout)
    page = page_layout(limits, _legend_rows(layout, portfolio), tuple(fig.get_size_inches()))
    fig.set_size_inches(page.width, page.height)
    ax, cax = fig.add_axes(page.map_box), fig.add_axes(page.colourbar_box)
    norm, cmap = _shade_councils(ax, layout, values, member_codes(portfolio))
    set_extent(ax, limits)
    extent = max(limits[0][1] - limits[0][0], limits[1][1] - limits[1][0])
    handles = _draw_partnerships(ax, layout, portfolio, existing, extent)
    key = _label_councils(ax, layout)
    if captions.estimated:
        add_estimated_stamp(ax, captions.estimated)
    add_colourbar(fig, cax, norm, cmap, captions.colourbar)
    add_scale_bar(ax)
    add_north_arrow(fig, page)
    add_legend(fig, handles, key, page.legend_top)
    add_missing_note(ax, layout)
    add_text(fig, captions.title, captions.attribution)


def _legend_rows(layout: MapLayout, portfolio: pd.DataFrame) -> int:
    """Legend entries to make room for: partnerships, 'no partnership', and a share of the numbered key."""
    return len(portfolio) + 1 + (len(layout.anchors) // 4 if len(layout.anchors) <= _MAX_LABELS else 0)


def _shade_councils(ax, layout: MapLayout, values: pd.Series, members: set[str]):
    """Fill each council by its value (grey outside every partnership); return the colour scale."""
    norm, cmap = colour_scale(values[values.index.isin(members)])
    faces = {code: face_colour(code, values, members, norm, cmap) for code in layout.names.index}
    draw_shapes(ax, layout, faces)
    return norm, cmap


def _draw_partnerships(ax, layout: MapLayout, portfolio: pd.DataFrame, existing: Sequence[Mapping],
                       extent: float) -> list:
    """Outline the chosen partnerships, then the existing ones; return their legend handles."""
    member_lists = [split_list(m) for m in _column(portfolio, MEMBERS)]
    handles = draw_partnership_outlines(ax, layout.shapes, member_lists, _partnership_labels(portfolio, member_lists),
                                        extent)
    return handles + draw_existing_outlines(ax, layout.shapes, existing, extent)


def _partnership_labels(portfolio: pd.DataFrame, member_lists: list[list[str]]) -> list[str]:
    """Legend text per chosen partnership: number, services and size."""
    rows = zip(_column(portfolio, SERVICES), _column(portfolio, KIND), member_lists)
    return [f"{i}. {services_label(services, kind)} ({counted(len(m), 'council')})"
            for i, (services, kind, m) in enumerate(rows, start=1)]


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in agreement with it: '1 council', '3 councils'."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _label_councils(ax, layout: MapLayout) -> list[tuple[int, str]]:
    """Outline counties over their districts and name the other councils; return the numbered key."""
    covering = covering_codes(layout)
    outline_covering(ax, layout, covering)
    if len(layout.anchors) > _MAX_LABELS:
        return []
    order = sorted((c for c in layout.anchors if c not in covering),  # smallest first: it has the least room
                   key=lambda c: layout.shapes[c].area if has_shape(layout.shapes.get(c)) else 0)
    shapes = {c: layout.shapes[c] for c in order if has_shape(layout.shapes.get(c))}
    return place_labels(ax, layout.names, layout.anchors, order, shapes=shapes)
