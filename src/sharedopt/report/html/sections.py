"""Sections of ``report.html`` that say what the report shows.

The Scenario section (what was asked), the best alternatives not chosen with
near-duplicates collapsed, savings by service as an inline SVG bar chart, the
uncertainty band, and the per-council table. Every function returns plain
values; the template escapes them (the SVG chart is built here with every text
escaped, and marked safe).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from markupsafe import Markup

from sharedopt.candidates.table import (
    ANNUAL_NET_SAVING, CANDIDATE_ID, ESTIMATED, MEMBERS, NPV, ONE_OFF_COST, SERVICES,
)
from sharedopt.results.facts import gap_text, services_label
from sharedopt.report.html.text import escape_visible as escape
from sharedopt.report.tables import drawn_inputs, region_label
from sharedopt.results.run_summary import RunSummary

__all__ = ["alternatives", "council_rows", "scenario_section", "service_chart", "uncertainty_rows"]

MAX_ALTERNATIVES = 20
SIMILAR_OVERLAP = 0.5
_KEY_ASSUMPTIONS = {"discount_rate": "Discount rate", "horizon_years": "Appraisal horizon (years)",
                    "realisation.base": "Share of modelled savings realised (base)",
                    "ramp_years": "Years for savings to build up"}
_MODELLING_NOTE = "All modelling parameters"


def scenario_section(summary: RunSummary) -> dict[str, Any]:
    """What was asked: description, region, constraints, key assumptions, vintage, identity, gap."""
    assumptions = {str(r.get("parameter")): r.get("value") for r in summary.assumptions or []
                   if isinstance(r, Mapping)}
    key = [(label, _assumption_text(name, assumptions[name])) for name, label in _KEY_ASSUMPTIONS.items()
           if name in assumptions]
    return {
        "description": summary.description,
        "region": region_label(summary.region),
        "constraints": [str(c.get("text")) for c in summary.constraints or [] if isinstance(c, Mapping)],
        "assumptions": key,
        "vintage": summary.data_vintage,
        "config_hash": summary.config_hash,
        "gap": gap_text(summary.solve),
    }


def _assumption_text(name: str, value: Any) -> str:
    """A key assumption's value as text (rates as percentages)."""
    if name in ("discount_rate", "realisation.base") and isinstance(value, (int, float)):
        return f"{value * 100:.1f}%"
    return str(value)


def data_estimates(summary: RunSummary) -> list[str]:
    """The estimated DATA inputs (not the modelling assumptions), named."""
    notes = [str(n) for n in summary.estimates or [] if not str(n).startswith(_MODELLING_NOTE)]
    sources = [f"{s.get('name')}: {s.get('source')}" for s in summary.data_sources or []
               if isinstance(s, Mapping) and s.get(ESTIMATED)]
    return list(dict.fromkeys(sources + notes))


def _members(cell: Any) -> frozenset[str]:
    return frozenset(m for m in str(cell).split(";") if m) if isinstance(cell, str) else frozenset()


def _cells(frame: pd.DataFrame, column: str) -> list:
    """A column's values (Nones when the table has no such column)."""
    return frame[column].tolist() if column in frame else [None] * len(frame)


class _GroupIndex:
    """The groups of each services cell, in the order they were formed, and which hold each member."""

    def __init__(self) -> None:
        self._groups: dict[str, list[dict[str, Any]]] = {}
        self._holding: dict[str, dict[str, list[int]]] = {}  # services -> member -> group positions

    def has(self, services: str) -> bool:
        """Whether a group covers these services."""
        return services in self._groups

    def add(self, group: dict[str, Any]) -> None:
        """A new group (its lead's members and services)."""
        same = self._groups.setdefault(group[SERVICES], [])
        holding = self._holding.setdefault(group[SERVICES], {})
        for member in group[MEMBERS]:
            holding.setdefault(member, []).append(len(same))
        same.append(group)

    def home(self, services: str, members: frozenset[str]) -> dict[str, Any] | None:
        """The first group of these services sharing at least :data:`SIMILAR_OVERLAP` of the smaller
        member set (only a group that shares a member can: the overlap is above zero)."""
        shared: dict[int, int] = {}
        holding = self._holding.get(services, {})
        for member in members:
            for position in holding.get(member, ()):
                shared[position] = shared.get(position, 0) + 1
        same = self._groups.get(services, [])
        return next((same[p] for p in sorted(shared)
                     if shared[p] / min(len(members), len(same[p][MEMBERS])) >= SIMILAR_OVERLAP), None)


def _ranked_left_out(candidates: pd.DataFrame) -> pd.DataFrame:
    """The candidates not chosen, by rank (missing ranks last, stable)."""
    frame = candidates
    if "chosen" in frame:
        chosen = frame["chosen"]
        if chosen.dtype == bool:  # the same test as for text, without a call per row
            frame = frame[~chosen.to_numpy()]
        else:
            frame = frame[~chosen.map(lambda v: str(v).strip().lower() in {"true", "1"})]
    if "rank" in frame:
        frame = frame.assign(_r=pd.to_numeric(frame["rank"], errors="coerce")).sort_values(
            "_r", kind="mergesort", na_position="last")
    return frame


def alternatives(candidates: pd.DataFrame, limit: int = MAX_ALTERNATIVES) -> list[dict[str, Any]]:
    """The best-ranked candidates not chosen, near-duplicates collapsed.

    A candidate joins an earlier (better-ranked) group when it covers the same
    services and shares at least half its members with the group's lead
    (overlap / smaller group >= :data:`SIMILAR_OVERLAP`).

    Parameters
    ----------
    candidates : pandas.DataFrame
        Ranked candidates (``chosen``, ``rank``, ``members``, ``services``).
    limit : int, default 20
        Groups returned.

    Returns
    -------
    list of dict
        ``{"lead": record, "n_similar": int, "similar": [candidate ids]}`` by rank of the lead.
    """
    frame = _ranked_left_out(candidates)
    groups: list[dict[str, Any]] = []
    index = _GroupIndex()
    for row, (cid, cell, services) in enumerate(zip(_cells(frame, CANDIDATE_ID), _cells(frame, MEMBERS),
                                                     _cells(frame, SERVICES))):
        services = str(services)
        if len(groups) >= limit and not index.has(services):
            continue  # no group to join and no room for a new one
        members = _members(cell)
        home = index.home(services, members)
        if home is not None:
            home["similar"].append(str(cid))
        elif len(groups) < limit:  # only a lead becomes a whole record
            lead = frame.iloc[[row]].to_dict("records")[0]
            groups.append({"lead": lead, MEMBERS: members, SERVICES: services, "similar": []})
            index.add(groups[-1])
    return [{"lead": g["lead"], "n_similar": len(g["similar"]), "similar": g["similar"]} for g in groups]


def service_chart(rows: Sequence[Mapping[str, Any]], width: int = 720) -> Markup:
    """Annual net saving by service as an inline SVG horizontal bar chart (£k).

    Parameters
    ----------
    rows : sequence of mapping
        ``summary.by_service`` records (``service``, ``annual_net_saving_gbp_k``).
    width : int, default 720
        Chart width in px.

    Returns
    -------
    markupsafe.Markup
        ``<svg id="service-chart">`` with one labelled bar per service (empty
        when there is nothing to draw).
    """
    data = sorted(((services_label(r.get("service")), float(r.get(ANNUAL_NET_SAVING) or 0.0))
                   for r in rows), key=lambda x: -x[1])
    if not data:
        return Markup("")
    label_w, bar_h, gap = 250, 20, 6
    top = max(max(v for _, v in data), 1e-9)
    plot_w = width - label_w - 110
    height = len(data) * (bar_h + gap) + 10
    parts = [f'<svg id="service-chart" role="img" aria-label="Annual net saving by service" '
             f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Arial, sans-serif" font-size="12">']
    for i, (label, value) in enumerate(data):
        y = 5 + i * (bar_h + gap)
        w = max(plot_w * max(value, 0.0) / top, 1.0)
        parts.append(f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#1f5f8b">'
                     f'<title>{escape(label)}: £{value:,.0f}k a year</title></rect>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 14}">£{value:,.0f}k</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def uncertainty_rows(summary: RunSummary) -> dict[str, Any] | None:
    """P10/P50/P90 of the headline figures when the run drew them, else None."""
    band = summary.uncertainty
    if not isinstance(band, Mapping):
        return None
    rows = []
    for key, label in ((ANNUAL_NET_SAVING, "Annual net saving"), (NPV, "NPV"),
                       (ONE_OFF_COST, "One-off cost")):
        if isinstance(band.get(key), Mapping):
            rows.append({"label": label, **{p: band[key].get(p) for p in ("p10", "p50", "p90")}})
    return {"rows": rows, "draws": band.get("draws"), "varied": drawn_inputs(band)}


def council_rows(summary: RunSummary) -> list[dict[str, Any]]:
    """Each council's partnerships, saving, costs and NPV (``cash_flows.by_authority``)."""
    records = (summary.cash_flows or {}).get("by_authority") or []
    return [dict(r) for r in records if isinstance(r, Mapping)]
