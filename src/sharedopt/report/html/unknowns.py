"""Report sections on what the headline rests on: its band, the robust core, the tornado, the medium term.

Each function reads one block of ``summary.json`` (owned by :mod:`sharedopt.pipeline.robustness`,
:mod:`sharedopt.pipeline.tornado` and :mod:`sharedopt.results.cashflow`) and returns plain
values for the template, or None when the run has no such block.
"""

from __future__ import annotations

from html import escape
from typing import Any, Mapping

from markupsafe import Markup

from sharedopt.candidates.table import CANDIDATE_ID, GENERAL_FUND_NPV, NPV, parse_id
from sharedopt.config.assumptions import DEPTH_REFERENCE
from sharedopt.report.html.text import format_money, format_plain
from sharedopt.report.tables import headline_levers
from sharedopt.results.run_summary import RunSummary

__all__ = ["general_fund_cells", "headline_band", "lever_rows", "medium_term_rows", "tornado_chart", "tornado_rows", "unknowns_context"]


def unknowns_context(summary: RunSummary) -> dict[str, Any]:
    """The template's ``band``, ``tornado``, ``tornado_svg``, ``medium_term`` and ``levers``."""
    return {"band": headline_band(summary), "tornado": tornado_rows(summary), "tornado_svg": tornado_chart(summary),
            "medium_term": medium_term_rows(summary), "levers": lever_rows(summary)}


def lever_rows(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The first layer of the assumptions: the levers behind the headline, each with its evidence or 'assumption'.

    ``ranked`` is True when the tornado ordered them by how far they move the NPV.
    """
    frame = headline_levers(summary)
    ranked = frame["npv_swing_gbp_k"].notna().any() if len(frame) else False
    rows = [{"lever": str(r["lever"]), "value": format_plain(r["value"]),
             "range": f"{format_plain(r['low'])} to {format_plain(r['high'])}",
             "swing": format_money(r["npv_swing_gbp_k"]) if ranked else None, "basis": str(r["basis"])}
            for r in frame.to_dict("records")]
    return {"rows": rows, "ranked": bool(ranked)}


def headline_band(summary: RunSummary) -> dict[str, Any] | None:
    """The headline NPV with its P10-P90 and the robust core, when the run drew a Monte Carlo."""
    block = summary.robustness
    if not isinstance(block, Mapping):
        return None
    head = block["headline"]
    return {"npv": head[NPV], "p10": head["p10_gbp_k"], "p50": head["p50_gbp_k"], "p90": head["p90_gbp_k"],
            "draws": head["draws"], "basis": head["basis"], "text": head.get("text", ""),
            "position": head.get("position", ""), "n_robust": block["n_robust"],
            "n_contingent": block["n_contingent"], "robust_share": block["robust_share"],
            "robust_npv": block["robust_npv_gbp_k"]}


def tornado_rows(summary: RunSummary) -> list[dict[str, Any]]:
    """The tornado's levers, widest swing first (empty when the run had none)."""
    block = summary.tornado
    return [dict(row) for row in block.get("levers", [])] if isinstance(block, Mapping) else []


def tornado_chart(summary: RunSummary, width: int = 640) -> Markup | None:
    """An inline SVG tornado: for each lever a bar from the NPV at one end of its range to the other."""
    rows = tornado_rows(summary)
    if not rows:
        return None
    base = float(summary.tornado["base_npv_gbp_k"])
    ends = [float(r[k]) for r in rows for k in ("npv_at_low_gbp_k", "npv_at_high_gbp_k")] + [base]
    low, high = min(ends), max(ends)
    span = (high - low) or 1.0
    label_w, bar_h, pad = 290, 16, 6
    plot_w = width - label_w - 90

    def x(value: float) -> float:
        return label_w + (value - low) / span * plot_w

    height = len(rows) * (bar_h + pad) + 48
    parts = [f'<svg class="tornado" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-label="NPV at each end of each unknown\'s range">']
    for i, row in enumerate(rows):
        y = 10 + i * (bar_h + pad)
        a, b = float(row["npv_at_low_gbp_k"]), float(row["npv_at_high_gbp_k"])
        left, right = min(a, b), max(a, b)
        label = f"{row['label']} ({row['basis']})"
        short = row["label"] if len(row["label"]) <= 46 else row["label"][:45] + "…"
        parts.append(f'<text x="0" y="{y + 12}">{escape(short)}</text>'
                     f'<rect x="{x(left):.1f}" y="{y}" width="{max(x(right) - x(left), 1):.1f}" height="{bar_h}" '
                     f'class="bar-{escape(row["basis"])}"><title>{escape(label)}: £{a:,.0f}k at {row["low"]:g}, '
                     f'£{b:,.0f}k at {row["high"]:g}</title></rect>'
                     f'<text x="{x(right) + 4:.1f}" y="{y + 13}">£{(right - left) / 1000:,.1f}m</text>')
    parts.append(f'<line x1="{x(base):.1f}" x2="{x(base):.1f}" y1="4" y2="{height - 20}" class="base"/>'
                 f'<text x="{x(base):.1f}" y="{height - 24}" text-anchor="middle">headline £{base / 1000:,.1f}m</text>'
                 f'<rect x="{label_w}" y="{height - 14}" width="12" height="10" class="bar-evidence"/>'
                 f'<text x="{label_w + 16}" y="{height - 5}">evidence</text>'
                 f'<rect x="{label_w + 90}" y="{height - 14}" width="12" height="10" class="bar-assumption"/>'
                 f'<text x="{label_w + 106}" y="{height - 5}">assumption</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def medium_term_rows(summary: RunSummary) -> dict[str, Any] | None:
    """The general fund's net cash, years 0..5, for the portfolio and per partnership."""
    view = (summary.cash_flows or {}).get("medium_term")
    if not isinstance(view, Mapping) or not view.get("by_year"):
        return None
    names = {r["authority"]: r["name"] for r in (summary.cash_flows or {}).get("by_authority") or []}
    rows = [{**r, "label": _partnership_label(r[CANDIDATE_ID], names)} for r in view["by_partnership"]]
    return {"years": list(range(len(view["by_year"]))), "total": view["by_year"], "cumulative": view["cumulative"],
            "partnerships": rows}


def _partnership_label(cid: str, names: Mapping[str, str]) -> str:
    """'Services: council, council' for a candidate id (the id itself when it cannot be read)."""
    try:
        services, codes, depth = parse_id(cid)
    except ValueError:
        return cid
    words = " + ".join(s.replace("_", " ") for s in services)
    return f"{words}: {', '.join(names.get(c, c) for c in codes)}" + (f" ({depth})" if depth and depth != DEPTH_REFERENCE else "")


def general_fund_cells(council: Mapping[str, Any] | None) -> dict[str, str]:
    """A council's general-fund NPV and whether, judged on the general fund, it is better off alone."""
    if not council or GENERAL_FUND_NPV not in council:
        return {"general_fund_npv": "—", "alone_general_fund": "—"}
    return {"general_fund_npv": format_money(council[GENERAL_FUND_NPV]),
            "alone_general_fund": "yes" if council.get("better_off_alone_general_fund") else "no"}
