"""Map fills: which figure shades each council, the colour scale, the council shapes.

Split out of :mod:`sharedopt.report.map.static`. Counties are drawn under their
districts (largest area first) and outlined over them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from sharedopt.candidates.table import MEMBERS, split_codes
from sharedopt.report.map.furniture import NO_PARTNERSHIP_COLOUR
from sharedopt.report.map.geometry import has_shape, MapLayout

__all__ = ["split_list"]


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
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return split_codes(value)


def covering_codes(layout: MapLayout) -> set[str]:
    """Codes of areas drawn under others (a county holding its districts' anchors): not labelled.

    An area covers when it contains the anchor of another, smaller area (one spatial-index
    query for all anchors at once).
    """
    shaped = {code: geom for code, geom in layout.shapes.items() if has_shape(geom)}
    inner = [code for code in layout.anchors if code in shaped]
    if not shaped or not inner:
        return set()
    codes, geoms = list(shaped), np.array(list(shaped.values()), dtype=object)
    points = shapely.points(np.array([layout.anchors[c] for c in inner], dtype=float))
    point_at, shape_at = shapely.STRtree(geoms).query(points, predicate="within")
    area = shapely.area(geoms)
    inner_area = np.array([shaped[c].area for c in inner])
    return {codes[s] for p, s in zip(point_at, shape_at) if codes[s] != inner[p] and inner_area[p] < area[s]}


def outline_covering(ax, layout: MapLayout, covering: set[str]) -> None:
    """The outer boundary of each covering area (county), drawn over its districts."""
    for code in sorted(covering):
        layout.shapes[[code]].boundary.plot(ax=ax, color="#222222", linewidth=1.8, zorder=2)


SHADING_LABELS = {"total": "Projected saving: NPV share (£k)",
                   "per_head": "Projected saving per resident: NPV share (£ per head)"}


def shaded_values(savings: pd.Series, population, shading: str) -> pd.Series:
    """The shaded figure: NPV share in £k ('total') or £ per resident ('per_head', needs population)."""
    if shading != "per_head" or population is None:
        return savings
    people = pd.to_numeric(population.reindex(savings.index), errors="coerce")
    per_head = savings * 1000.0 / people.where(people > 0)
    return per_head.fillna(0.0)


def member_codes(portfolio: pd.DataFrame) -> set[str]:
    """All authority codes that belong to a chosen partnership."""
    if MEMBERS not in portfolio:
        return set()
    return {code for cell in portfolio[MEMBERS] for code in split_list(cell)}


def colour_scale(values: pd.Series):
    """Sequential scale from 0 (or diverging if some shares are negative)."""
    vmax = float(values.max()) if len(values) else 0.0
    vmin = float(values.min()) if len(values) else 0.0
    vmax = vmax if vmax > 0 else 1.0
    import matplotlib  # loaded by the maps only
    from matplotlib import colors as mcolors
    if vmin < 0:
        return mcolors.TwoSlopeNorm(vmin=vmin, vcenter=0.0, vmax=vmax), matplotlib.colormaps["RdYlGn"]
    return mcolors.Normalize(vmin=0.0, vmax=vmax), matplotlib.colormaps["YlGn"]


def face_colour(code, savings, members, norm, cmap):
    """Fill colour for one authority (grey when in no chosen partnership)."""
    if code not in members:
        return NO_PARTNERSHIP_COLOUR
    from matplotlib import colors as mcolors
    return mcolors.to_hex(cmap(norm(float(savings.get(code, 0.0)))))


def draw_shapes(ax, layout: MapLayout, faces: dict) -> None:
    """Filled polygons with outlines; points for authorities with no shape."""
    present = layout.shapes[[has_shape(g) for g in layout.shapes]]
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
