"""A structure (a partition of the area into new unitaries) appraised term by term.

One owner per figure: :func:`appraise` values each unitary once (:mod:`.value`) and
every table (per structure, per unitary, per term, cash flows) is a sum of those values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sharedopt.config.assumptions import COST_TERMS, SAVING_TERMS
from sharedopt.reorganisation.area import Area
from sharedopt.reorganisation.value import (
    cash_flows, county_shares, five_year_terms, npv_terms, scenario_parameters, value_unitary,
)

TERMS = (*SAVING_TERMS, *COST_TERMS, "one_off")


@dataclass(frozen=True)
class Structure:
    """One option: a proposal as submitted, or a structure the optimiser found.

    Attributes
    ----------
    label : str
        Unique name of the option.
    kind : {"proposal", "best", "alternative"}
    unitaries : list of list of str
        Member block codes of each new unitary.
    names : list of str
        A name for each new unitary.
    source : str
        The proposal's source URL, or how the optimiser found it.
    proof : str
        For the optimiser's structures: status and gap.
    """

    label: str
    kind: str
    unitaries: list[list[str]]
    names: list[str]
    source: str = ""
    proof: str = ""
    submitted_by: str = ""

    @property
    def k(self) -> int:
        """Number of new unitaries."""
        return len(self.unitaries)


@dataclass
class Appraisal:
    """A structure's figures: per unitary, per term, cash flows, and the range."""

    structure: Structure
    unitaries: pd.DataFrame
    terms: pd.DataFrame
    cashflows: pd.DataFrame
    npv_low: float
    npv_high: float
    notes: list[str] = field(default_factory=list)

    @property
    def npv(self) -> float:
        """Net present value (£k), the sum of the term NPVs."""
        return float(self.terms["net_present_value_gbp_k"].sum())

    @property
    def five_year(self) -> float:
        """Undiscounted net over the one-off year and five years (£k)."""
        return float(self.terms["five_year_gbp_k"].sum())


def unitary_name(area: Area, members: list[str]) -> str:
    """A readable name for an unnamed unitary: its largest council, and how many others."""
    lead = max(members, key=lambda c: (area.population[c], c))
    rest = len(members) - 1
    return area.names[lead] + (f" +{rest}" if rest else "")


def _unitary_rows(area: Area, structure: Structure, params: dict, bounds: tuple[float, float],
                  guidance: float, exempt: set[str]) -> tuple[pd.DataFrame, list]:
    rows, values = [], []
    for name, members in zip(structure.names, structure.unitaries):
        value = value_unitary(area, members, params)
        values.append(value)
        population = sum(area.population[c] for c in members)
        shares = county_shares(area, members)
        alone_ok = len(members) == 1 and members[0] in exempt
        rows.append(dict(
            option=structure.label, unitary=name, members="; ".join(area.names[c] for c in sorted(members)),
            codes=";".join(sorted(members)), population=int(round(population)),
            county_share_by_population="; ".join(f"{area.names[c]} {s:.3f}" for c, s in sorted(shares.items())),
            within_bounds=bool(alone_ok or bounds[0] <= population <= bounds[1]),
            meets_guidance=bool(population >= guidance), predecessors=value.predecessors,
            **{f"{t}_gbp_k_a_year": round(v, 1) for t, v in value.savings.items()},
            disaggregation_gbp_k_a_year=round(value.disaggregation, 1), one_off_gbp_k=round(value.one_off, 1),
            net_present_value_gbp_k=round(sum(npv_terms(value, params).values()), 1)))
    return pd.DataFrame(rows), values


def _term_table(label: str, values: list, params: dict) -> pd.DataFrame:
    rows = []
    for term in TERMS:
        annual = sum(v.savings[term] for v in values) if term in SAVING_TERMS else (
            -sum(v.disaggregation for v in values) if term == "disaggregation" else 0.0)
        rows.append(dict(option=label, term=term, annual_gbp_k=annual,
                         one_off_gbp_k=-sum(v.one_off for v in values) if term == "one_off" else 0.0,
                         net_present_value_gbp_k=sum(npv_terms(v, params)[term] for v in values),
                         five_year_gbp_k=sum(five_year_terms(v, params)[term] for v in values)))
    return pd.DataFrame(rows)


def _cashflow_table(label: str, values: list, params: dict) -> pd.DataFrame:
    total: dict[str, np.ndarray] = {}
    for v in values:
        for term, flow in cash_flows(v, params).items():
            total[term] = total.get(term, 0.0) + flow
    rows = [dict(option=label, year=year, term=term, gbp_k=float(flow[year]))
            for term, flow in total.items() for year in range(len(flow))]
    return pd.DataFrame(rows)


def appraise(area: Area, structure: Structure, params: dict[str, float], bounds: tuple[float, float],
             exempt: set[str] = frozenset()) -> Appraisal:
    """Value a structure: per unitary, per term (annual, NPV, five-year), cash flows, range.

    The range sets every uncertain parameter at its pessimistic, then optimistic, end
    (``value.PESSIMISTIC``) at once: the widest plausible band, not a confidence interval.
    """
    guidance = params["guidance_population"]
    units, values = _unitary_rows(area, structure, params, bounds, guidance, exempt)
    terms = _term_table(structure.label, values, params)
    flows = _cashflow_table(structure.label, values, params)
    ends = []
    for case in ("low", "high"):
        p = scenario_parameters(params, case)
        ends.append(sum(sum(npv_terms(value_unitary(area, m, p), p).values()) for m in structure.unitaries))
    return Appraisal(structure=structure, unitaries=units, terms=terms, cashflows=flows,
                     npv_low=float(ends[0]), npv_high=float(ends[1]))


def group_npv(area: Area, members: list[str], params: dict[str, float]) -> float:
    """NPV (£k) of one candidate unitary: the optimiser's objective coefficient."""
    return float(sum(npv_terms(value_unitary(area, members, params), params).values()))
