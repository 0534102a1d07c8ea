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

import geopandas as gpd
import matplotlib
import matplotlib.style
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry import Point

from .map_furniture import (
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
from .map_layers import add_estimated_stamp, draw_existing_outlines, draw_partnership_outlines, place_labels, service_label

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

DRAW_CRS = "EPSG:27700"
SOURCE_CRS = "EPSG:4326"
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


@dataclass(frozen=True)
class _Layout:
    """Projected drawing inputs: one row per authority."""

    names: pd.Series  # display names, indexed by code
    shapes: gpd.GeoSeries  # projected geometry (None where missing)
    anchors: dict  # code -> (x, y) in metres, only for located authorities


# --------------------------------------------------------------------------- helpers


def split_list(value: object) -> list[str]:
    """Split a ';'-joined cell into stripped, non-empty items.

    Parameters
    ----------
    value : object
        A string such as ``'E06000001;E06000002'``; NaN/None give ``[]``.

    Returns
    -------
    list of str
        The items in their original order.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(";") if part.strip()]


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


def _layout(authorities: pd.DataFrame) -> _Layout:
    """Project geometry and find one anchor point per authority."""
    shapes = _projected_shapes(authorities)
    anchors = {code: _shape_anchor(geom) for code, geom in shapes.items() if _has_shape(geom)}
    for code, xy in _centroid_columns(authorities).items():
        anchors.setdefault(code, xy)
    return _Layout(names=_display_names(authorities), shapes=shapes, anchors=anchors)


def _display_names(authorities: pd.DataFrame) -> pd.Series:
    """Authority names, falling back to the code where a name is missing."""
    codes = pd.Series(authorities.index.astype(str), index=authorities.index)
    if "name" not in authorities:
        return codes
    return authorities["name"].where(authorities["name"].notna(), codes).astype(str)


def _projected_shapes(authorities: pd.DataFrame) -> gpd.GeoSeries:
    """Authority geometry in EPSG:27700 (all None if there is none)."""
    if isinstance(authorities, gpd.GeoDataFrame) and authorities._geometry_column_name in authorities:
        geoms = authorities.geometry
    else:
        geoms = gpd.GeoSeries([None] * len(authorities), index=authorities.index)
    if geoms.crs is None:
        geoms = geoms.set_crs(_guess_crs(geoms.total_bounds))
    return geoms.to_crs(draw_crs(authorities))


def draw_crs(authorities: pd.DataFrame) -> str:
    """Metric CRS to draw in: British National Grid for Great Britain, else an azimuthal
    equidistant projection centred on the data (north up, true scale near the centre)."""
    lon, lat = _lon_lat_centre(authorities)
    if lon is None or (-9.0 <= lon <= 2.5 and 49.5 <= lat <= 61.0):
        return DRAW_CRS
    return f"+proj=aeqd +lat_0={lat:.4f} +lon_0={lon:.4f} +datum=WGS84 +units=m +no_defs"


def _lon_lat_centre(authorities: pd.DataFrame) -> tuple[float | None, float | None]:
    for x, y in (("centroid_lon", "centroid_lat"), ("centroid_x", "centroid_y")):
        if {x, y} <= set(authorities.columns):
            xy = authorities[[x, y]].apply(pd.to_numeric, errors="coerce").dropna()
            if len(xy) and xy.abs().to_numpy().max() <= 360:
                return float(xy[x].median()), float(xy[y].median())
    return None, None


def _guess_crs(bounds: Sequence[float]) -> str:
    """EPSG:4326 unless coordinates are clearly metres."""
    finite = [b for b in bounds if np.isfinite(b)]
    return DRAW_CRS if finite and max(abs(b) for b in finite) > 360 else SOURCE_CRS


def _has_shape(geom) -> bool:
    """True for a present, non-empty geometry."""
    return geom is not None and not geom.is_empty


def _shape_anchor(geom) -> tuple[float, float]:
    """Centroid if it falls inside the shape, else a guaranteed interior point."""
    point = geom.centroid
    if not point.within(geom):
        point = geom.representative_point()
    return (point.x, point.y)


def _centroid_columns(authorities: pd.DataFrame) -> dict:
    """Anchors from ``centroid_x``/``centroid_y`` columns, projected."""
    if not {"centroid_x", "centroid_y"} <= set(authorities.columns):
        return {}
    xy = authorities[["centroid_x", "centroid_y"]].apply(pd.to_numeric, errors="coerce").dropna()
    if xy.empty:
        return {}
    points = gpd.GeoSeries([Point(x, y) for x, y in xy.itertuples(index=False)], index=xy.index)
    points = points.set_crs(_guess_crs(xy.to_numpy().ravel())).to_crs(draw_crs(authorities))
    return {code: (p.x, p.y) for code, p in points.items()}


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
    labels = [f"{i}. " + " + ".join(service_label(s) for s in split_list(services)) + f" ({len(m)} councils)"
              for i, (services, m) in enumerate(zip(_column(portfolio, "services"), member_lists), start=1)]
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


def _covering(layout: _Layout) -> set[str]:
    """Codes of areas drawn under others (a county holding its districts' anchors): not labelled."""
    out = set()
    for code, geom in layout.shapes.items():
        if _has_shape(geom) and any(other != code and geom.contains(Point(xy)) and _has_shape(layout.shapes.get(other))
                                    and layout.shapes[other].area < geom.area
                                    for other, xy in layout.anchors.items()):
            out.add(code)
    return out


def _outline_covering(ax, layout: _Layout, covering: set[str]) -> None:
    """The outer boundary of each covering area (county), drawn over its districts."""
    for code in sorted(covering):
        layout.shapes[[code]].boundary.plot(ax=ax, color="#222222", linewidth=1.8, zorder=2)


_SHADING_LABELS = {"total": "Projected saving: NPV share (£k)",
                   "per_head": "Projected saving per resident: NPV share (£ per head)"}


def _shaded_values(savings: pd.Series, population, shading: str) -> pd.Series:
    """The shaded figure: NPV share in £k ('total') or £ per resident ('per_head', needs population)."""
    if shading != "per_head" or population is None:
        return savings
    people = pd.to_numeric(population.reindex(savings.index), errors="coerce")
    per_head = savings * 1000.0 / people.where(people > 0)
    return per_head.fillna(0.0)


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


def _member_codes(portfolio: pd.DataFrame) -> set[str]:
    """All authority codes that belong to a chosen partnership."""
    if "members" not in portfolio:
        return set()
    return {code for cell in portfolio["members"] for code in split_list(cell)}


def _colour_scale(values: pd.Series):
    """Sequential scale from 0 (or diverging if some shares are negative)."""
    vmax = float(values.max()) if len(values) else 0.0
    vmin = float(values.min()) if len(values) else 0.0
    vmax = vmax if vmax > 0 else 1.0
    if vmin < 0:
        return mcolors.TwoSlopeNorm(vmin=vmin, vcenter=0.0, vmax=vmax), matplotlib.colormaps["RdYlGn"]
    return mcolors.Normalize(vmin=0.0, vmax=vmax), matplotlib.colormaps["YlGn"]


def _face_colour(code, savings, members, norm, cmap):
    """Fill colour for one authority (grey when in no chosen partnership)."""
    if code not in members:
        return NO_PARTNERSHIP_COLOUR
    return mcolors.to_hex(cmap(norm(float(savings.get(code, 0.0)))))


def _draw_shapes(ax, layout: _Layout, faces: dict) -> None:
    """Filled polygons with outlines; points for authorities with no shape."""
    present = layout.shapes[[_has_shape(g) for g in layout.shapes]]
    present = present.iloc[np.argsort(-present.area.to_numpy(), kind="stable")]  # counties under their districts
    if len(present):
        colours = [faces[code] for code in present.index]
        present.plot(ax=ax, color=colours, edgecolor="#3b3b3b", linewidth=0.7, zorder=1)
    points = [code for code in layout.anchors if code not in present.index]
    if points:
        xs, ys = zip(*(layout.anchors[c] for c in points))
        ax.scatter(xs, ys, s=140, marker="s", c=[faces[c] for c in points], edgecolors="#3b3b3b",
                   linewidths=0.7, zorder=1)
    ax.set_axis_off()


def _limits(layout: _Layout) -> tuple[tuple[float, float], tuple[float, float]]:
    """Padded x and y limits around everything drawn (metres).

    The bottom margin is deeper to leave room for the scale bar; points
    (authorities without shapes) get extra room for their labels.
    """
    xs, ys = _extent_points(layout)
    span = max(max(xs) - min(xs), max(ys) - min(ys), 2000.0)
    pad = (0.06 + (0.06 if _has_points(layout) else 0.0)) * span
    return (min(xs) - pad, max(xs) + pad), (min(ys) - pad - 0.10 * span, max(ys) + pad)


def _has_points(layout: _Layout) -> bool:
    """True if some located authority has no shape (drawn as a point)."""
    return any(not _has_shape(layout.shapes.get(code)) for code in layout.anchors)


def _set_extent(ax, limits) -> None:
    """Apply limits widened to the axes box's aspect, so equal aspect holds.

    Matplotlib would otherwise re-adjust one of the limits at draw time.
    """
    (x0, x1), (y0, y1) = _match_box(*limits, _box_ratio(ax))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")


def _box_ratio(ax) -> float:
    """Width / height of the axes box in inches."""
    box = ax.get_position()
    width, height = ax.figure.get_size_inches()
    return (box.width * width) / (box.height * height)


def _match_box(xlim, ylim, ratio: float):
    """Grow the shorter side of the limits so width/height equals ``ratio``."""
    (x0, x1), (y0, y1) = xlim, ylim
    width, height = x1 - x0, y1 - y0
    if width / height < ratio:
        grow = (height * ratio - width) / 2
        return (x0 - grow, x1 + grow), (y0, y1)
    grow = (width / ratio - height) / 2
    return (x0, x1), (y0 - grow, y1 + grow)


def _extent_points(layout: _Layout) -> tuple[list[float], list[float]]:
    """x and y coordinates bounding everything drawn."""
    xs = [xy[0] for xy in layout.anchors.values()]
    ys = [xy[1] for xy in layout.anchors.values()]
    present = [g for g in layout.shapes if _has_shape(g)]
    if present:
        minx, miny, maxx, maxy = gpd.GeoSeries(present).total_bounds
        xs += [minx, maxx]
        ys += [miny, maxy]
    return xs, ys


def _column(frame: pd.DataFrame, name: str) -> list:
    """Column values as a list (Nones if the column is absent)."""
    return list(frame[name]) if name in frame else [None] * len(frame)
