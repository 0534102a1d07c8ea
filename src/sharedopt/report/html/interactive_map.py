"""The interactive map inside ``report.html``: inline SVG and a small inline script.

No network, no tiles, no CDN: each council is an SVG ``<path>`` (geometry
projected to a metric CRS and simplified to about 1/700 of the map's extent as a
coverage, so neighbouring councils share their simplified edge, with no gap or overlap),
each chosen partnership a button, each existing partnership a button in its
own (dashed) style. The script (:data:`SCRIPT`, allowed by its SHA-256 in the
page's Content-Security-Policy, never by 'unsafe-inline') shows a council's
name and NPV share (pooled-spend rule) on hover, highlights a partnership's members and shows its
figures on click, and filters partnerships by service.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from markupsafe import Markup

from sharedopt.candidates.table import (
    ANNUAL_NET_SAVING, CANDIDATE_ID, DEFAULT_SHARE, MEMBERS, NPV, ONE_OFF_COST, SERVICES, SHARE_RULES,
)
from sharedopt.results.facts import service_label, services_label
from sharedopt.report.map import authority_savings, projected_shapes, simplified_shapes, split_list
from sharedopt.report.html.interactive_layers import (
    council_labels, estimated_mark, estimated_sources, existing_outlines, shade, shading_legend,
)
from sharedopt.report.html.text import escape_visible as escape
from sharedopt.results.run_summary import RunSummary
from sharedopt.data.authorities import council_names

__all__ = ["SCRIPT", "interactive_map", "script_hash"]

WIDTH = 760
SIMPLIFY = 1 / 700

SCRIPT = """(function () {
  var map = document.getElementById('imap');
  if (!map) { return; }
  var tip = document.getElementById('imap-tip');
  var info = document.getElementById('pship-figures');
  var areas = map.querySelectorAll('path.la');
  var buttons = document.querySelectorAll('#pship-list button');
  areas.forEach(function (p) {
    p.addEventListener('mousemove', function (e) {
      tip.textContent = p.dataset.name + ': ' + p.dataset.label;
      tip.style.display = 'block';
      var box = map.getBoundingClientRect();
      tip.style.left = (e.clientX - box.left + 12) + 'px';
      tip.style.top = (e.clientY - box.top + 12) + 'px';
    });
    p.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  });
  function select(button) {
    var members = button.dataset.members.split(';');
    buttons.forEach(function (b) { b.classList.toggle('active', b === button); });
    areas.forEach(function (p) {
      var on = members.indexOf(p.dataset.code) >= 0;
      p.classList.toggle('hl', on);
      p.classList.toggle('dim', !on);
    });
    info.textContent = button.dataset.figures;
  }
  buttons.forEach(function (b) { b.addEventListener('click', function () { select(b); }); });
  var filter = document.getElementById('service-filter');
  var reset = document.getElementById('service-reset');
  if (reset) {
    reset.addEventListener('click', function () {
      filter.value = '';
      filter.dispatchEvent(new Event('change'));
      buttons.forEach(function (b) { b.classList.remove('active'); });
      areas.forEach(function (p) { p.classList.remove('hl'); p.classList.remove('dim'); });
      info.textContent = 'Click a partnership.';
    });
  }
  filter.addEventListener('change', function () {
    var want = filter.value;
    buttons.forEach(function (b) {
      var show = !want || b.dataset.services.split(';').indexOf(want) >= 0;
      b.parentNode.style.display = show ? '' : 'none';
    });
    areas.forEach(function (p) {
      var inService = !want || (p.dataset.services || '').split(';').indexOf(want) >= 0;
      p.classList.toggle('off', !inService);
    });
  });
})();
"""


def script_hash() -> str:
    """The CSP source allowing :data:`SCRIPT` (``'sha256-...'``)."""
    digest = hashlib.sha256(SCRIPT.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _ring_path(coords: np.ndarray, scale: float, x0: float, y1: float) -> str:
    """One ring as 'M x y L ... Z' in view-box pixels (y down)."""
    xs = (coords[:, 0] - x0) * scale
    ys = (y1 - coords[:, 1]) * scale
    points = " ".join(f"{x:.1f} {y:.1f}" for x, y in zip(xs, ys))
    return f"M{points}Z"


def _path_data(geom, scale: float, x0: float, y1: float) -> str:
    """SVG path data of a (multi)polygon."""
    polygons = getattr(geom, "geoms", [geom])
    rings = []
    for poly in polygons:
        if poly.is_empty or not hasattr(poly, "exterior"):
            continue
        rings.append(_ring_path(np.asarray(poly.exterior.coords), scale, x0, y1))
        rings += [_ring_path(np.asarray(r.coords), scale, x0, y1) for r in poly.interiors]
    return "".join(rings)


def _member_services(portfolio: pd.DataFrame) -> dict[str, set[str]]:
    """Council code -> services of its chosen partnerships."""
    out: dict[str, set[str]] = {}
    for members, services in zip(portfolio.get(MEMBERS, []), portfolio.get(SERVICES, [])):
        for code in split_list(members):
            out.setdefault(code, set()).update(split_list(services))
    return out


class _Frame:
    """The councils' projected shapes, simplified, and the view box they are drawn in."""

    def __init__(self, authorities: pd.DataFrame):
        shapes = projected_shapes(authorities)
        self.shapes = shapes[[g is not None and not g.is_empty for g in shapes]]
        if self.shapes.empty:
            self.height = 0
            return
        self.x0, y0, x1, self.y1 = self.shapes.total_bounds
        self.scale = WIDTH / max(x1 - self.x0, 1e-9)
        self.height = int(np.ceil((self.y1 - y0) * self.scale))
        self.simple = simplified_shapes(authorities, SIMPLIFY)  # shared with the static maps

    def path(self, geom) -> str:
        """SVG path data of a projected (multi)polygon."""
        return _path_data(geom, self.scale, self.x0, self.y1)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A projected point in view-box pixels."""
        return (x - self.x0) * self.scale, (self.y1 - y) * self.scale


def _area_paths(frame: _Frame, authorities: pd.DataFrame, portfolio: pd.DataFrame, shares: pd.DataFrame) -> str:
    """The councils as SVG paths (largest first, so districts sit over their county)."""
    shapes, simple = frame.shapes, frame.simple
    savings = authority_savings(authorities, portfolio, shares)
    services = _member_services(portfolio)
    names = authorities["name"] if "name" in authorities else pd.Series(authorities.index, index=authorities.index)
    order = np.argsort(-shapes.area.to_numpy(), kind="stable")
    top = max(float(savings.max()), 1e-9) if len(savings) else 1.0
    paths = []
    for code in shapes.index[order]:
        value = float(savings.get(code, 0.0))
        fill = shade(value, top)
        paths.append(f'<path class="la" data-code="{escape(str(code))}" data-name="{escape(str(names.get(code, code)))}" '
                     f'data-npv="{value:.0f}" data-label="{escape(_tip(value))}" data-services="{escape(";".join(sorted(services.get(str(code), ()))))}" '
                     f'fill="{fill}" d="{frame.path(simple[code])}"/>')
    return "".join(paths)


def _tip(value: float) -> str:
    """A council's tooltip figure: its NPV share under the default rule, named."""
    if not value:
        return "in no chosen partnership"
    return f"NPV share £{value:,.0f}k ({SHARE_RULES[DEFAULT_SHARE]})"


def _figures(record: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """One partnership's figures as a sentence."""
    members = ", ".join(names.get(m, m) for m in split_list(record.get(MEMBERS)))
    money = [(label, record.get(key)) for key, label in ((ANNUAL_NET_SAVING, "annual net saving"),
                                                          (ONE_OFF_COST, "one-off cost"),
                                                          (NPV, "NPV"))]
    parts = [f"{label} £{float(v):,.0f}k" for label, v in money if v is not None and pd.notna(v)]
    return f"{services_label(record.get(SERVICES))}: {members}. " + ", ".join(parts) + "."


def _buttons(portfolio: pd.DataFrame, existing: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> str:
    """One list item per chosen partnership, then per existing partnership (class 'existing')."""
    items = []
    for i, record in enumerate(portfolio.to_dict("records"), start=1):
        label = f"{i}. {services_label(record.get(SERVICES))}: " + ", ".join(
            names.get(m, m) for m in split_list(record.get(MEMBERS)))
        items.append(f'<li><button type="button" class="pship" data-id="{escape(str(record.get(CANDIDATE_ID)))}" '
                     f'data-members="{escape(";".join(split_list(record.get(MEMBERS))))}" '
                     f'data-services="{escape(";".join(split_list(record.get(SERVICES))))}" '
                     f'data-figures="{escape(_figures(record, names))}">{escape(label)}</button></li>')
    for record in existing:
        members = [str(m) for m in record.get(MEMBERS) or []]
        if not members:
            continue
        text = (f"Existing: {record.get('name')} ({service_label(record.get('service'))}): "
                + ", ".join(names.get(m, m) for m in members))
        items.append(f'<li><button type="button" class="pship existing" data-members="{escape(";".join(members))}" '
                     f'data-services="{escape(str(record.get("service")))}" '
                     f'data-figures="{escape(text + ". Kept as it is (status quo).")}">{escape(text)}</button></li>')
    return "".join(items)


def interactive_map(authorities: pd.DataFrame, portfolio: pd.DataFrame, shares: pd.DataFrame,
                    summary: RunSummary | Mapping[str, Any]) -> dict[str, Any] | None:
    """Markup of the interactive map (SVG, partnership buttons, service filter), or None without geometry.

    Parameters
    ----------
    authorities : geopandas.GeoDataFrame
        Indexed by code, ``name`` and geometry.
    portfolio, shares : pandas.DataFrame
        Chosen partnerships and members' shares.
    summary : RunSummary or Mapping
        Run summary (``existing_partnerships``).

    Returns
    -------
    dict or None
        ``svg``, ``buttons``, ``services`` ((value, label) pairs) as safe markup/values.
    """
    summary = RunSummary.of(summary)  # the JSON form (a summary.json read back) too
    if not isinstance(authorities, gpd.GeoDataFrame) or authorities.geometry.isna().all():
        return None
    frame = _Frame(authorities)
    if not frame.height:
        return None
    paths = _area_paths(frame, authorities, portfolio, shares)
    names = council_names(authorities)
    existing = [r for r in summary.existing_partnerships or [] if isinstance(r, Mapping)]
    services = sorted({s for cell in portfolio.get(SERVICES, []) for s in split_list(cell)}
                      | {str(r.get("service")) for r in existing if r.get(MEMBERS)})
    layers = paths + existing_outlines(frame, existing) + council_labels(frame, names) + estimated_mark(summary)
    svg = (f'<svg id="imap-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {frame.height}" '
           f'width="100%" role="img" aria-label="Interactive map of the councils">{layers}</svg>')
    top = float(authority_savings(authorities, portfolio, shares).max() or 0.0)
    return {"svg": Markup(svg), "buttons": Markup(_buttons(portfolio, existing, names)),
            SERVICES: [(s, service_label(s)) for s in services], "script": Markup(SCRIPT),
            "script_hash": Markup(script_hash()), "legend": Markup(shading_legend(top, bool(existing))),
            "estimated": estimated_sources(summary)}
