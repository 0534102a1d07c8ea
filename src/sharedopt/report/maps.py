"""Offline maps of the chosen shared-service portfolio.

Authorities are shaded by their projected saving (sum of Shapley NPV shares
over chosen partnerships) and chosen partnerships are drawn as links between
member centroids, coloured by service. Drawing happens in British National
Grid (EPSG:27700) so the hand-drawn scale bar is in true metres. No basemap
tiles or other network resources are used.

Figures are built with :class:`matplotlib.figure.Figure` on an Agg canvas
(no pyplot state), under a fixed style, and saved without timestamps so PNG
and SVG output is byte-deterministic for identical inputs and library
versions.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.style
import matplotlib.ticker
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sharedopt.report.map_geometry import (
    DRAW_CRS,
    _Layout,
    _has_shape,
    _layout,
    _limits,
    _projected_shapes,
    _set_extent,
    draw_crs,
)
from sharedopt.report.map_fill import (
    split_list,
    _SHADING_LABELS,
    _colour_scale,
    _covering,
    _draw_shapes,
    _face_colour,
    _member_codes,
    _outline_covering,
    _shaded_values,
)
from sharedopt.report.map_furniture import (
    ATTRIBUTION,
    NO_PARTNERSHIP_COLOUR,
    _add_colourbar,
    nice_length,
    _add_scale_bar,
    _add_north_arrow,
    _add_legend,
    _add_missing_note,
    _add_text,
    _placeholder,
    mpl_text,
)
from sharedopt.results.facts import service_label, services_label

from sharedopt.report.map_layers import add_estimated_stamp, draw_existing_outlines, draw_partnership_outlines, place_labels

__all__ = [
    "ATTRIBUTION",
    "DRAW_CRS",
    "authority_savings",
    "figure_bytes",
    "mpl_text",
    "nice_length",
    "plot_portfolio_map",
    "plot_service_map",
    "portfolio_services",
    "save_figure",
    "service_slug",
    "split_list",
]

PNG_DPI = 150
_SVG_SALT = "sharedopt-report"
_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.hashsalt": _SVG_SALT,
    "svg.fonttype": "path",
    "path.simplify": True,
    "text.usetex": False,
}
_MAX_LABELS = 40


# --------------------------------------------------------------------------- helpers


def service_slug(service: str) -> str:
    """File-name-safe slug for a service name.

    Parameters
    ----------
    service : str
        Service name, e.g. ``'Waste & recycling'``.

    Returns
    -------
    str
        Lower-case ASCII letters, digits and underscores, e.g.
        ``'waste_recycling'``; ``'service'`` if nothing is left.
    """
    slug = re.sub(r"[^a-z0-9]+", "_", str(service).lower()).strip("_")
    return slug or "service"


def authority_savings(authorities: pd.DataFrame, portfolio: pd.DataFrame, shares: pd.DataFrame) -> pd.Series:
    """Projected saving per authority over the chosen partnerships.

    Parameters
    ----------
    authorities : pandas.DataFrame
        Indexed by authority code.
    portfolio : pandas.DataFrame
        Chosen partnerships; needs ``candidate_id``.
    shares : pandas.DataFrame
        ``candidate_id``, ``member`` and ``npv_share_shapley_gbp_k`` (falls
        back to ``npv_share_proportional_gbp_k`` if the Shapley column is
        absent).

    Returns
    -------
    pandas.Series
        £k per authority code, aligned to ``authorities.index``; 0 for
        authorities in no chosen partnership.
    """
    column = _share_column(shares)
    index = authorities.index
    if column is None or portfolio.empty or "candidate_id" not in portfolio:
        return pd.Series(0.0, index=index, name="saving_gbp_k")
    chosen = shares[shares["candidate_id"].isin(portfolio["candidate_id"])]
    values = pd.to_numeric(chosen[column], errors="coerce").fillna(0.0)
    totals = values.groupby(chosen["member"].astype(str)).sum()
    return totals.reindex(index.astype(str), fill_value=0.0).set_axis(index).rename("saving_gbp_k")


def figure_bytes(fig: Figure, fmt: str, dpi: int = PNG_DPI) -> bytes:
    """Render a figure to PNG or SVG bytes without timestamps.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to render.
    fmt : {'png', 'svg'}
        Output format.
    dpi : int, default 150
        Resolution for raster output.

    Returns
    -------
    bytes
        The encoded image; identical for identical figures.
    """
    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": "sharedopt"}
    buffer = io.BytesIO()
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    with matplotlib.rc_context(_STYLE):
        canvas.figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return buffer.getvalue()


def save_figure(fig: Figure, path: Path, dpi: int = PNG_DPI) -> Path:
    """Save a figure deterministically; the format comes from the suffix.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to save.
    path : pathlib.Path
        Destination ending in ``.png`` or ``.svg``.
    dpi : int, default 150
        Resolution for PNG.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path.write_bytes(figure_bytes(fig, path.suffix.lstrip(".").lower(), dpi=dpi))
    return path


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
        Existing partnerships (``summary['existing_partnerships']``), drawn as dashed outlines.

    Returns
    -------
    matplotlib.figure.Figure
        A figure on an Agg canvas. If no authority can be located a
        placeholder figure with an explanatory note is returned instead.
    """
    with matplotlib.style.context("default"), matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=figsize)
        FigureCanvasAgg(fig)
        chosen = _filter_service(portfolio, service)
        layout = _layout(authorities)
        if not layout.anchors:
            return _placeholder(fig, title, attribution, "Map unavailable: no boundary geometry or centroids supplied.")
        colours = None
        population = authorities["population"] if "population" in authorities else None
        _draw_map(fig, layout, chosen, authority_savings(authorities, chosen, shares), colours, title, attribution,
                  shading, population, estimated, existing)
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


def portfolio_services(portfolio: pd.DataFrame) -> list[str]:
    """Sorted distinct services across the chosen partnerships.

    Parameters
    ----------
    portfolio : pandas.DataFrame
        Needs a ``services`` column (';'-joined); absent gives ``[]``.

    Returns
    -------
    list of str
        Distinct service names, sorted.
    """
    if "services" not in portfolio:
        return []
    return sorted({s for cell in portfolio["services"] for s in split_list(cell)})


# --------------------------------------------------------------------------- layout


def _filter_service(portfolio: pd.DataFrame, service: str | None) -> pd.DataFrame:
    """Rows whose ``services`` include ``service`` (all rows if None)."""
    if service is None or "services" not in portfolio:
        return portfolio
    return portfolio[portfolio["services"].map(lambda cell: service in split_list(cell))]


def _share_column(shares: pd.DataFrame) -> str | None:
    """The share column to shade by: Shapley if present, else proportional."""
    for column in ("npv_share_shapley_gbp_k", "npv_share_proportional_gbp_k"):
        if column in shares and {"candidate_id", "member"} <= set(shares.columns):
            return column
    return None


# --------------------------------------------------------------------------- drawing


def _draw_map(fig, layout, portfolio, savings, all_colours, title, attribution, shading="per_head",
              population=None, estimated=None, existing=()) -> None:
    """Compose the full map: shading, partnership outlines, labels, furniture and text."""
    n_key = len(portfolio) + 1 + (len(layout.anchors) // 4 if len(layout.anchors) <= _MAX_LABELS else 0)
    page = _page_layout(_limits(layout), n_key, tuple(fig.get_size_inches()))
    fig.set_size_inches(page.width, page.height)
    ax, cax = fig.add_axes(page.map_box), fig.add_axes(page.colourbar_box)
    members = _member_codes(portfolio)
    values = _shaded_values(savings, population, shading)
    norm, cmap = _colour_scale(values[values.index.isin(members)])
    faces = {code: _face_colour(code, values, members, norm, cmap) for code in layout.names.index}
    _draw_shapes(ax, layout, faces)
    limits = _limits(layout)
    _set_extent(ax, limits)
    extent = max(limits[0][1] - limits[0][0], limits[1][1] - limits[1][0])
    member_lists = [split_list(m) for m in _column(portfolio, "members")]
    kinds = _column(portfolio, "kind") if "kind" in portfolio else [None] * len(member_lists)
    labels = [f"{i}. {services_label(services, kind)} ({len(m)} councils)"
              for i, (services, kind, m) in enumerate(zip(_column(portfolio, "services"), kinds, member_lists),
                                                      start=1)]
    handles = draw_partnership_outlines(ax, layout.shapes, member_lists, labels, extent)
    handles += draw_existing_outlines(ax, layout.shapes, existing, extent)
    key = []
    covering = _covering(layout)
    _outline_covering(ax, layout, covering)
    if len(layout.anchors) <= _MAX_LABELS:
        order = sorted((c for c in layout.anchors if c not in covering),
                       key=lambda c: -(layout.shapes[c].area if _has_shape(layout.shapes.get(c)) else 0))
        key = place_labels(ax, layout.names, layout.anchors, order)
    if estimated:
        add_estimated_stamp(ax, estimated)
    _add_colourbar(fig, cax, norm, cmap, _SHADING_LABELS.get(shading, _SHADING_LABELS["total"]))
    _add_scale_bar(ax)
    _add_north_arrow(fig, page)
    _add_legend(fig, handles, key, page.legend_top)
    _add_missing_note(ax, layout)
    _add_text(fig, title, attribution)


@dataclass(frozen=True)
class _Page:
    """Figure size (inches) and artist boxes (figure fractions)."""

    width: float
    height: float
    map_box: tuple[float, float, float, float]
    colourbar_box: tuple[float, float, float, float]
    legend_top: float


_TITLE_IN, _ATTRIBUTION_IN, _LEGEND_ROW_IN, _LEGEND_BASE_IN = 0.7, 0.45, 0.2, 0.45


def _page_layout(limits, n_legend: int, size: tuple[float, float]) -> _Page:
    """Fit the figure height to the map's shape, within ``size[1]``.

    The map box is 80% of the width; its height follows the data aspect
    (clamped), and the legend and attribution get their own bands below.
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
    return _Page(
        width=width,
        height=height,
        map_box=(0.03, bottom_in / height, 0.80, map_h / height),
        colourbar_box=(0.87, (bottom_in + (map_h - bar_h) / 2) / height, 0.025, bar_h / height),
        legend_top=(legend_in + _ATTRIBUTION_IN - 0.05) / height,
    )


def _column(frame: pd.DataFrame, name: str) -> list:
    """Column values as a list (Nones if the column is absent)."""
    return list(frame[name]) if name in frame else [None] * len(frame)
