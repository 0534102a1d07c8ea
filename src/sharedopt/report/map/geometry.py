"""Map geometry: projecting councils, anchor points, and the drawn extent.

Split out of :mod:`sharedopt.report.map.static`. Inside :func:`shared_geometry` (the report
writer opens it around all its maps), each authorities table is projected once and
simplified once, and the static map, the per-service panels and the interactive map
all reuse that work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.ops import polylabel

__all__ = ["DRAW_CRS", "SIMPLIFY_FRACTION", "SOURCE_CRS", "draw_crs", "shared_geometry", "simplified_shapes"]

DRAW_CRS = "EPSG:27700"
SOURCE_CRS = "EPSG:4326"
#: simplification tolerance of the small maps, as a fraction of the map's extent (sub-pixel there)
SIMPLIFY_FRACTION = 1 / 700
_POLYGONAL = (3, 6)  # shapely type ids of Polygon and MultiPolygon
_SHARED: ContextVar[dict | None] = ContextVar("sharedopt_map_geometry", default=None)


@contextmanager
def shared_geometry() -> Iterator[None]:
    """Within the block, project and simplify each authorities table once, for every map.

    The work is remembered per table object (not per content) and forgotten when the
    block ends, so a table changed after the block is projected afresh.

    Yields
    ------
    None
    """
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _shared(kind: object, authorities: pd.DataFrame, make: Callable[[], gpd.GeoSeries]) -> gpd.GeoSeries:
    """``make()``, or what it gave for this very table earlier in the :func:`shared_geometry` block."""
    store = _SHARED.get()
    if store is None:
        return make()
    key = (kind, id(authorities))
    hit = store.get(key)
    if hit is None or hit[0] is not authorities:
        hit = store[key] = (authorities, make())
    return hit[1]


@dataclass(frozen=True)
class MapLayout:
    """Projected drawing inputs: one row per authority."""

    names: pd.Series  # display names, indexed by code
    shapes: gpd.GeoSeries  # projected geometry (None where missing)
    anchors: dict  # code -> (x, y) in metres, only for located authorities


def map_layout(authorities: pd.DataFrame) -> MapLayout:
    """Project geometry and find one anchor point per authority."""
    shapes = projected_shapes(authorities)
    anchors = {code: shape_anchor(geom) for code, geom in shapes.items() if has_shape(geom)}
    for code, xy in _centroid_columns(authorities).items():
        anchors.setdefault(code, xy)
    return MapLayout(names=_display_names(authorities), shapes=shapes, anchors=anchors)


def _display_names(authorities: pd.DataFrame) -> pd.Series:
    """Authority names, falling back to the code where a name is missing."""
    codes = pd.Series(authorities.index.astype(str), index=authorities.index)
    if "name" not in authorities:
        return codes
    return authorities["name"].where(authorities["name"].notna(), codes).astype(str)


def projected_shapes(authorities: pd.DataFrame) -> gpd.GeoSeries:
    """Authority geometry in the drawing CRS (all None if there is none); once per shared block."""
    return _shared("projected", authorities, lambda: _project(authorities))


def _project(authorities: pd.DataFrame) -> gpd.GeoSeries:
    """Authority geometry in the drawing CRS (all None if there is none)."""
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


def has_shape(geom) -> bool:
    """True for a present, non-empty geometry."""
    return geom is not None and not geom.is_empty


def shape_anchor(geom) -> tuple[float, float]:
    """The label point of a shape: the pole of inaccessibility of its largest part (polylabel:
    the interior point farthest from the edge), never a centroid that may fall on a neighbour."""
    parts = getattr(geom, "geoms", [geom])
    largest = max((g for g in parts if g.geom_type == "Polygon" and not g.is_empty), key=lambda g: g.area,
                  default=None)
    if largest is None:
        point = geom.representative_point()
    else:
        point = polylabel(largest, tolerance=max(largest.area ** 0.5 / 100, 1e-9))
        if not point.within(largest):
            point = largest.representative_point()
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


def map_limits(layout: MapLayout) -> tuple[tuple[float, float], tuple[float, float]]:
    """Padded x and y limits around everything drawn (metres).

    The bottom margin is deeper to leave room for the scale bar; points
    (authorities without shapes) get extra room for their labels.
    """
    xs, ys = _extent_points(layout)
    span = max(max(xs) - min(xs), max(ys) - min(ys), 2000.0)
    pad = (0.06 + (0.06 if _has_points(layout) else 0.0)) * span
    return (min(xs) - pad, max(xs) + pad), (min(ys) - pad - 0.10 * span, max(ys) + pad)


def _has_points(layout: MapLayout) -> bool:
    """True if some located authority has no shape (drawn as a point)."""
    return any(not has_shape(layout.shapes.get(code)) for code in layout.anchors)


def set_extent(ax, limits) -> None:
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


def _extent_points(layout: MapLayout) -> tuple[list[float], list[float]]:
    """x and y coordinates bounding everything drawn."""
    xs = [xy[0] for xy in layout.anchors.values()]
    ys = [xy[1] for xy in layout.anchors.values()]
    present = [g for g in layout.shapes if has_shape(g)]
    if present:
        minx, miny, maxx, maxy = gpd.GeoSeries(present).total_bounds
        xs += [minx, maxx]
        ys += [miny, maxy]
    return xs, ys


def simplified_shapes(authorities: pd.DataFrame, fraction: float = SIMPLIFY_FRACTION) -> gpd.GeoSeries:
    """The located shapes, projected and simplified with their shared edges kept.

    Parameters
    ----------
    authorities : geopandas.GeoDataFrame
        Indexed by code, with geometry (see :func:`projected_shapes`).
    fraction : float, default :data:`SIMPLIFY_FRACTION`
        Tolerance as a fraction of the larger side of the shapes' bounding box.

    Returns
    -------
    geopandas.GeoSeries
        Non-empty shapes only, in the drawing CRS. Polygons are simplified as a coverage
        (``shapely.coverage_simplify``): an edge two councils share is simplified once, so
        neighbours neither gap nor overlap. Areas that hold other areas (a county over its
        districts) form a second layer simplified on its own. A shape the coverage
        simplification leaves invalid, and any non-polygon, is simplified alone.
    """
    return _shared(("simplified", fraction), authorities,
                   lambda: _coverage_simplified(projected_shapes(authorities), fraction))


def _coverage_simplified(shapes: gpd.GeoSeries, fraction: float) -> gpd.GeoSeries:
    """Coverage simplification per layer, with a per-shape fallback."""
    present = shapes[[has_shape(g) for g in shapes]]
    if present.empty:
        return present
    geoms = np.asarray(present.array, dtype=object)
    x0, y0, x1, y1 = present.total_bounds
    tolerance = max(x1 - x0, y1 - y0) * fraction
    out = np.array(geoms, dtype=object)
    polygonal = np.isin(shapely.get_type_id(geoms), _POLYGONAL)
    for layer in _layers(geoms, polygonal):
        out[layer] = shapely.coverage_simplify(geoms[layer], tolerance)
    alone = ~polygonal | ~shapely.is_valid(out) | shapely.is_empty(out)
    out[alone] = shapely.simplify(geoms[alone], tolerance, preserve_topology=True)
    return gpd.GeoSeries(out, index=present.index, crs=present.crs)


def _layers(geoms: np.ndarray, polygonal: np.ndarray) -> list[np.ndarray]:
    """Masks of the polygon layers: areas holding a smaller area's interior point apart from the rest."""
    inner, outer = shapely.STRtree(geoms).query(shapely.point_on_surface(geoms), predicate="within")
    area = shapely.area(geoms)
    upper = np.zeros(len(geoms), dtype=bool)
    upper[outer[(inner != outer) & (area[outer] > area[inner])]] = True
    return [mask for mask in (polygonal & ~upper, polygonal & upper) if mask.any()]
