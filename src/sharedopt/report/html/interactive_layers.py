"""The interactive map's furniture: council names, existing partnerships, the ESTIMATED mark, the legend.

Each function returns SVG (or, for the legend, HTML) markup drawn in the view box of
:func:`sharedopt.report.html.interactive_map.interactive_map`; ``frame`` is its projected view (``shapes``,
``simple``, ``path(geom)``, ``point(x, y)``). Text from input is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shapely.geometry import Point
from shapely.ops import unary_union

from sharedopt.candidates.table import DEFAULT_SHARE, ESTIMATED, MEMBERS, SHARE_RULES
from sharedopt.report.html.text import escape_visible as escape
from sharedopt.report.map import shape_anchor
from sharedopt.results.run_summary import RunSummary

__all__ = ["MAX_NAMES", "council_labels", "estimated_mark", "estimated_sources", "existing_outlines",
           "shade", "shading_legend"]

#: More councils than this and the names are left to the tooltip (they would cover the map).
MAX_NAMES = 60
_STEPS = (0.2, 0.4, 0.6, 0.8, 1.0)


_GREEN = (30, 123, 52)


def shade(value: float, top: float) -> str:
    """The fill of a council with NPV share ``value`` when the largest is ``top`` (grey when none).

    Opaque (the green's strength blended over white), so a district drawn over its county shows
    its own shade, not the county's through it.
    """
    if value <= 0 or top <= 0:
        return "#e3e3e3"
    strength = 0.15 + 0.75 * min(value / top, 1.0)
    red, green, blue = (round(255 - strength * (255 - c)) for c in _GREEN)
    return f"#{red:02x}{green:02x}{blue:02x}"


def council_labels(frame, names: Mapping[str, str]) -> str:
    """Each council's name as SVG ``<text>`` at the point inside it farthest from its edge.

    Largest council first; a name that would overlap one already set is set smaller, and left
    to the tooltip if it still overlaps (text width estimated at 0.58 of the size per letter).
    """
    if len(frame.shapes) > MAX_NAMES:
        return ""
    # a tall region is drawn narrower (the map's height is capped), so its text is set larger
    size = (11 if len(frame.shapes) > 20 else 13) * max(1.0, frame.height / 760)
    anchors = {code: shape_anchor(geom) for code, geom in frame.shapes.items()}
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for code in sorted(frame.shapes.index, key=lambda c: -frame.shapes[c].area):
        geom = frame.shapes[code]
        if any(other != code and frame.shapes[other].area < geom.area and geom.contains(Point(xy))
               for other, xy in anchors.items()):
            continue  # a county drawn under its districts: their names, not its own
        name = str(names.get(str(code), code))
        x, y = frame.point(*anchors[code])
        for scale in (1.0, 0.8, 0.65):
            box = _box(x, y, name, size * scale)
            if not any(_overlap(box, other) for other in placed):
                placed.append(box)
                out.append(f'<text class="name" x="{x:.1f}" y="{y:.1f}" font-size="{size * scale:.1f}" '
                           f'text-anchor="middle" dominant-baseline="middle">{escape(name)}</text>')
                break
    return '<g class="names" pointer-events="none">' + "".join(out) + "</g>"


def _box(x: float, y: float, text: str, size: float) -> tuple[float, float, float, float]:
    """Estimated (x0, y0, x1, y1) of centred text."""
    half = 0.29 * size * len(text)
    return x - half, y - 0.6 * size, x + half, y + 0.6 * size


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def existing_outlines(frame, existing: Sequence[Mapping[str, Any]]) -> str:
    """Each existing partnership as one dashed outline round its members in the map."""
    out = []
    for record in existing:
        codes = [str(m) for m in record.get(MEMBERS) or [] if str(m) in frame.simple.index]
        if not codes:
            continue
        union = unary_union([frame.simple[c] for c in codes])
        out.append(f'<path class="existing" fill="none" stroke="#7c3aed" stroke-width="2" stroke-dasharray="6 4" '
                   f'd="{frame.path(union)}"><title>{escape(str(record.get("name")))}</title></path>')
    return '<g class="existing-layer" pointer-events="none">' + "".join(out) + "</g>" if out else ""


def estimated_sources(summary: RunSummary) -> list[str]:
    """Names of the estimated inputs (``summary.data_sources``), empty when every input is data."""
    return [str(s.get("name")) for s in summary.data_sources or []
            if isinstance(s, Mapping) and s.get(ESTIMATED)]


def estimated_mark(summary: RunSummary) -> str:
    """'ESTIMATED' across the top of the map when any input is estimated."""
    sources = estimated_sources(summary)
    if not sources:
        return ""
    return (f'<text id="imap-estimated" x="8" y="18" font-size="14" font-weight="bold" fill="#a61b1b">'
            f'ESTIMATED: {escape("; ".join(sources))}</text>')


def shading_legend(top: float, existing: bool) -> str:
    """The key to the map: the shading in steps of the largest NPV share, grey, and the dashed outline."""
    rule = SHARE_RULES[DEFAULT_SHARE]
    items = [f'<span class="key"><i style="background:{shade(f * top, top)}"></i>£{f * top:,.0f}k</span>'
             for f in _STEPS] if top > 0 else []
    items.append(f'<span class="key"><i style="background:{shade(0.0, top)}"></i>in no chosen partnership</span>')
    if existing:
        items.append('<span class="key"><i class="dashed"></i>existing partnership (kept as it is)</span>')
    return (f'<div id="imap-legend"><span class="key-title">Shading: each council\'s NPV share over the '
            f'chosen partnerships ({escape(rule)})</span> ' + " ".join(items) + "</div>")
