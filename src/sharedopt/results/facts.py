"""What a run was asked, in words: the region, the constraints in force, the data vintage.

Every report (``summary.json``, the workbook's Scenario sheet, ``report.html``)
states these the same way, from :func:`constraints_in_force`,
:func:`region_title` and :func:`data_vintage`. No figure here depends on the
wall clock: a run is dated by its data vintage and identified by its config
hash, so the same input gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sharedopt.candidates.table import WHOLE_ORGANISATION
from sharedopt.common.gaps import PROVEN_GAP, format_gap
from sharedopt.model.rows import ROW_KINDS
from sharedopt.solve.status import Status

__all__ = ["constraints_in_force", "data_vintage", "gap_text", "region_title"]

#: the sentence of each setting of no constraint kind (the kinds' own: ``RowKind.sentences``)
_OWN_WORDS = {
    "forced": "forced partnerships: {v}",
    "objective": "objective: maximise {v}",
    "status_quo": "existing partnerships kept (status quo)",
}
_ROW_WORDS = {name: text for kind in ROW_KINDS.values() for name, text in kind.sentences.items()}
#: the order the constraints are stated in
_ORDER = ("one_partnership_per_slot", "governance_capacity", "governance_overrides", "budget_total_gbp_k",
          "budget_per_authority_gbp_k", "max_per_service", "max_per_service_overrides", "forced", "forbidden",
          "forced_pairs", "forbidden_pairs", "max_payback_years", "objective", "status_quo", "general_fund_no_worse")
_WORDS = {name: {**_ROW_WORDS, **_OWN_WORDS}[name] for name in _ORDER}


def _money_words(value_gbp_k: float) -> str:
    """£k as words: 40000 -> '40m', 750 -> '750k'."""
    if abs(value_gbp_k) >= 1000:
        return f"{value_gbp_k / 1000:,.4g}m"
    return f"{value_gbp_k:,.0f}k"


def constraints_in_force(constraints: Any) -> list[dict[str, Any]]:
    """The constraints a run applied, one record each, with a sentence.

    Parameters
    ----------
    constraints : sharedopt.config.constraints.Constraints
        The ``[constraints]`` section in force.

    Returns
    -------
    list of dict
        ``{"constraint": field, "value": value, "text": sentence}`` for every
        constraint switched on (None, False and empty ones are left out; the
        ``existing`` list is reported as ``existing_partnerships``).
    """
    rows = []
    for field, text in _WORDS.items():
        value = getattr(constraints, field, None)
        if value is None or value is False or (hasattr(value, "__len__") and not isinstance(value, str)
                                                and len(value) == 0):
            continue
        shown = value if not isinstance(value, (list, tuple, dict)) else _listed(value)
        money = _money_words(float(value)) if field.endswith("_gbp_k") else ""
        rows.append({"constraint": field, "value": value, "text": text.format(v=shown, m=money)})
    return rows


def _listed(value: Any) -> str:
    """A list, pairs or mapping as short text."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in sorted(value.items()))
    return ", ".join(" + ".join(v) if isinstance(v, (list, tuple)) else str(v) for v in value)


def region_title(name: str | None, codes: Sequence[str], names: Mapping[str, str],
                 fallback: str = "") -> str:
    """The region as a reader names it.

    Parameters
    ----------
    name : str or None
        The configured region name (used when given).
    codes : sequence of str
        The configured GSS codes (used when no name).
    names : mapping of str to str
        Code to council name.
    fallback : str, default ''
        Text when neither is given (e.g. the boundary file).

    Returns
    -------
    str
        ``name``; else the councils' names ('Hartlepool, Middlesbrough and
        Redcar and Cleveland'); else ``fallback``.
    """
    if name:
        return str(name)
    if codes:
        listed = [str(names.get(c, c)) for c in codes]
        return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    return fallback


def data_vintage(sources: Sequence[Mapping[str, Any]]) -> str:
    """The vintage of the spend data (the run's 'as of' date), else of every source.

    Parameters
    ----------
    sources : sequence of mapping
        ``summary['data_sources']`` records (``name``, ``vintage``).

    Returns
    -------
    str
        E.g. '2023-24'; '' when no source gives one.
    """
    spend = [s for s in sources if "spend" in str(s.get("name", "")).lower() and s.get("vintage")]
    chosen = spend or [s for s in sources if s.get("vintage")]
    return "; ".join(dict.fromkeys(str(s["vintage"]) for s in chosen))


def gap_text(report) -> str:
    """The optimality gap written one way: '0.00% (proven optimal)' or '3.83% (best bound ...)'.

    Parameters
    ----------
    report : SolveReport
        The run summary's solver report (:attr:`~sharedopt.results.run_summary.RunSummary.solve`):
        ``status``, ``gap`` (a fraction, 0.01 = 1%) or ``objective`` and ``best_bound``.

    Returns
    -------
    str
        The gap as a percentage with two decimals, and what it means; 'unknown'
        when neither is given.
    """
    gap = _fraction(report.gap)
    if gap is None:
        objective, bound = _fraction(report.objective), _fraction(report.best_bound)
        if objective is None or bound is None:
            return "unknown"
        gap = abs(bound - objective) / max(abs(objective), 1e-9)
    if str(report.status or "").lower() == Status.OPTIMAL:
        meaning = "proven optimal" if abs(gap) <= PROVEN_GAP else "optimal within the gap tolerance"
        return f"{format_gap(gap)} ({meaning})"
    return f"{format_gap(gap)} (distance from the best bound)"


def _fraction(value: Any) -> float | None:
    """A finite float or None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def service_label(service: Any) -> str:
    """A service as a reader writes it: 'Adult_Social_Care' -> 'Adult social care' (one owner)."""
    text = str(service).strip()
    return text.replace("_", " ").capitalize() if "_" in text else text


def services_label(cell: Any, kind: Any = None) -> str:
    """';'-joined services as readable names joined by ' + '; a whole-organisation partnership by its kind.

    Parameters
    ----------
    cell : str
        ``services`` of a candidate (``;``-joined).
    kind : str, optional
        The candidate's ``kind``: ``'whole_organisation'`` reads 'Whole organisation (all services)'.
    """
    if kind == WHOLE_ORGANISATION:
        return "Whole organisation (all services)"
    return " + ".join(service_label(s) for s in str(cell).split(";") if s) if isinstance(cell, str) else ""
