"""Static-map layers that keep the map readable.

* :func:`draw_partnership_outlines`: each chosen partnership as ONE shape, the
  union of its members outlined in the partnership's colour (nested inward
  when several partnerships share councils), never a fan of lines.
* :func:`place_labels`: council names placed greedily (smallest council first: it has the least room)
  at the first of a few positions around its anchor (a point inside the council)
  whose text box overlaps no label already placed and whose centre lies inside the
  council itself; a council whose name fits nowhere gets a number on the map and
  its name in a numbered key. No two labels overlap.
* :func:`add_estimated_stamp`: 'ESTIMATED' on the map itself when any figure is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from typing import TYPE_CHECKING

from shapely.geometry import Point
from shapely.ops import unary_union

from sharedopt.candidates.table import MEMBERS

if TYPE_CHECKING:  # matplotlib loads when a map is drawn (see sharedopt.report.map.render)
    from matplotlib.lines import Line2D

__all__ = ["add_estimated_stamp", "draw_existing_outlines", "draw_partnership_outlines", "place_labels"]

_OFFSETS = [(0, -8), (0, 8), (10, 0), (-10, 0), (0, -18), (0, 18), (14, -10), (-14, 10), (14, 10), (-14, -10)]
_ALIGN = {(0, 0): ("center", "center"), (0, -1): ("center", "top"), (0, 1): ("center", "bottom"), (1, 0): ("left", "center"),
          (-1, 0): ("right", "center"), (1, -1): ("left", "top"), (-1, 1): ("right", "bottom"),
          (1, 1): ("left", "bottom"), (-1, -1): ("right", "top")}
_FAR = [(dx * k, dy * k) for k in (2, 3, 4) for dx, dy in _OFFSETS[:4] + _OFFSETS[6:]]  # leader-line numbers
_LEADER = {"arrowstyle": "-", "color": "#111111", "linewidth": 0.6, "shrinkA": 0, "shrinkB": 0}
#: the white halo behind a label (a matplotlib path effect), as ``withStroke``'s arguments
_HALO = {"linewidth": 2.5, "foreground": "white"}


def partnership_colours(n: int) -> list[str]:
    """One distinct colour per partnership (tab10, then tab20)."""
    import matplotlib  # loaded by the maps only
    from matplotlib import colors as mcolors
    palette = matplotlib.colormaps["tab10" if n <= 10 else "tab20"]
    return [mcolors.to_hex(palette(i % palette.N)) for i in range(n)]


def draw_partnership_outlines(ax, shapes, members: Sequence[Sequence[str]], labels: Sequence[str],
                              extent: float) -> list[Line2D]:
    """Outline each partnership's members as one shape in its own colour.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Map axes (projected metres).
    shapes : geopandas.GeoSeries
        Projected council geometry by code.
    members : sequence of sequence of str
        Member codes of each chosen partnership, in legend order.
    labels : sequence of str
        Legend text of each partnership.
    extent : float
        Map extent (m), to size the inward nesting step.

    Returns
    -------
    list of matplotlib.lines.Line2D
        Legend handles, one per partnership drawn.
    """
    from matplotlib import patheffects
    from matplotlib.lines import Line2D
    colours = partnership_colours(len(members))
    step = extent * 0.006
    depth: dict[str, int] = {}
    grown: dict[str, object] = {}  # each council grown once, however many partnerships it is in
    handles = []
    for colour, codes, label in zip(colours, members, labels):
        present = [c for c in codes if c in shapes.index and shapes[c] is not None and not shapes[c].is_empty]
        if not present:
            continue
        level = max((depth.get(c, 0) for c in codes), default=0)
        geoms = [grown[c] if c in grown else grown.setdefault(c, shapes[c].buffer(step * 0.3)) for c in present]
        shape = unary_union(geoms).buffer(-step * (0.3 + level))
        for c in codes:
            depth[c] = level + 1
        if shape.is_empty:
            continue
        for poly in getattr(shape, "geoms", [shape]):
            xs, ys = poly.exterior.xy
            ax.plot(xs, ys, color=colour, linewidth=2.2, zorder=3, solid_joinstyle="round",
                    path_effects=[patheffects.withStroke(linewidth=3.6, foreground="white", alpha=0.7)])
        handles.append(Line2D([0], [0], color=colour, linewidth=2.6, label=label))
    return handles


def draw_existing_outlines(ax, shapes, existing: Sequence[Mapping], extent: float) -> list[Line2D]:
    """Existing partnerships (status quo) as dashed purple outlines of their members in the region.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Map axes.
    shapes : geopandas.GeoSeries
        Projected council geometry by code.
    existing : sequence of mapping
        ``summary.existing_partnerships`` records (``members`` in the region, ``name``).
    extent : float
        Map extent (m).

    Returns
    -------
    list of matplotlib.lines.Line2D
        One legend handle when anything was drawn, else empty.
    """
    from matplotlib.lines import Line2D
    drawn = False
    for record in existing:
        codes = [c for c in record.get(MEMBERS) or [] if c in shapes.index and shapes[c] is not None]
        if not codes:
            continue
        shape = unary_union([shapes[c].buffer(extent * 0.002) for c in codes]).buffer(-extent * 0.004)
        for poly in getattr(shape, "geoms", [shape]):
            if poly.is_empty:
                continue
            xs, ys = poly.exterior.xy
            ax.plot(xs, ys, color="#7c3aed", linewidth=1.6, linestyle=(0, (4, 2)), zorder=3)
            drawn = True
    if not drawn:
        return []
    return [Line2D([0], [0], color="#7c3aed", linewidth=1.6, linestyle=(0, (4, 2)),
                   label="Existing partnership (kept as it is)")]


def _overlaps(box, placed) -> bool:
    return any(box.overlaps(other) for other in placed)


def place_labels(ax, names: Mapping[str, str], anchors: Mapping[str, tuple[float, float]],
                 order: Sequence[str], fontsize: float = 7, shapes: Mapping | None = None) -> list[tuple[int, str]]:
    """Place council names with no two overlapping; return the numbered key of the rest.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Map axes; its figure must have a canvas (a renderer is used).
    names : mapping of str to str
        Code -> display name.
    anchors : mapping of str to (float, float)
        Code -> anchor point (data coordinates).
    order : sequence of str
        Codes in placement priority (e.g. largest area first).
    fontsize : float, default 7
    shapes : mapping of str to shapely geometry, optional
        Code -> the council's shape (data coordinates). When given, a label goes only
        where its centre lies inside its own council (centred on the anchor first), else
        its number does; only a council too small for either gets a number beside it with a leader line.

    Returns
    -------
    list of (int, str)
        (number, name) of the councils shown by a number instead of a name.
    """
    renderer = ax.figure.canvas.get_renderer()
    shapes = shapes or {}
    placed: list = []
    key: list[tuple[int, str]] = []
    pending = []
    for code in (c for c in order if c in anchors):
        name, where = str(names.get(code, code)), shapes.get(code)
        if _try_place(ax, renderer, placed, anchors[code], name, fontsize, within=where):
            continue
        if where is not None and _try_place(ax, renderer, placed, anchors[code], str(len(key) + 1), fontsize,
                                            bold=True, within=where):
            key.append((len(key) + 1, name))
        else:
            pending.append(code)
    for code in pending:
        if _try_place(ax, renderer, placed, anchors[code], str(len(key) + 1), fontsize, bold=True, leader=True):
            key.append((len(key) + 1, str(names.get(code, code))))
    return key


def _try_place(ax, renderer, placed: list, xy, text: str, fontsize: float, bold: bool = False,
               within=None, leader: bool = False) -> bool:
    """Put ``text`` at the first free offset around ``xy``; False (nothing drawn) if none is free.

    With ``within`` (a shape) only offsets whose text centre lies inside it count, the
    centred one first; ``leader`` draws a line from the text to ``xy`` (a number beside its council).
    """
    from matplotlib import patheffects
    from matplotlib.text import Text
    halo = [patheffects.withStroke(**_HALO)]
    offsets = [(0, 0)] + _OFFSETS if within is not None else _OFFSETS + (_FAR if leader else [])
    for dx, dy in offsets:
        ha, va = _ALIGN[(_sign(dx), _sign(dy))]
        artist = ax.annotate(text.replace("$", r"\$"), xy, xytext=(dx, dy), textcoords="offset points", ha=ha,
                             va=va, fontsize=fontsize, color="#111111", path_effects=halo, zorder=5,
                             fontweight="bold" if bold else "normal", annotation_clip=False,
                             arrowprops=_LEADER if leader else None)
        artist.update_positions(renderer)
        box = Text.get_window_extent(artist, renderer).expanded(1.04, 1.1)  # the text, not its leader line
        if _free(ax, renderer, box, placed) and _centre_within(ax, box, within):
            placed.append(box)
            artist.set_gid("label")
            return True
        artist.remove()
    return False


def _free(ax, renderer, box, placed: list) -> bool:
    """True when ``box`` overlaps no placed label and stays inside the axes."""
    inside = ax.get_window_extent(renderer)
    return not _overlaps(box, placed) and inside.x0 <= box.x0 and box.x1 <= inside.x1 and \
        inside.y0 <= box.y0 and box.y1 <= inside.y1


def _centre_within(ax, box, shape) -> bool:
    """True when the box's centre (display units) lies inside ``shape`` (data units), or no shape is given."""
    if shape is None:
        return True
    x, y = ax.transData.inverted().transform(((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2))
    return bool(shape.contains(Point(x, y)))


def _sign(v: float) -> int:
    return (v > 0) - (v < 0)


def add_estimated_stamp(ax, what: str) -> None:
    """'ESTIMATED' across the top of the map, with what is estimated."""
    ax.text(0.5, 0.985, f"ESTIMATED: {what}", transform=ax.transAxes, ha="center", va="top", fontsize=10,
            fontweight="bold", color="#a61b1b", zorder=7,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#a61b1b", "alpha": 0.9})
