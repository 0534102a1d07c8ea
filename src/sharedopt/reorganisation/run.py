"""A reorganisation run: check the input, optimise k = 1..K, appraise proposals and optima side by side."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sharedopt.common.errors import ConfigError
from sharedopt.config.assumptions import COUNCIL_TAX_NOTE, REORGANISATION_DEFAULTS
from sharedopt.config.reorganisation import Proposal, ProposedUnitary
from sharedopt.config.schema import RunConfig, config_source, load_config
from sharedopt.reorganisation.appraise import Appraisal, Structure, appraise, group_npv, unitary_name
from sharedopt.reorganisation.area import Area, load_area
from sharedopt.reorganisation.checks import check_bounds, check_proposal
from sharedopt.reorganisation.groups import Groups, candidate_groups
from sharedopt.reorganisation.optimise import Partition, best_and_alternatives
from sharedopt.reorganisation.sensitivity import monte_carlo, tornado
from sharedopt.solve.status import Status


@dataclass
class ReorganisationResult:
    """Everything a reorganisation run found: the options appraised, the frontier, the rules used."""

    name: str
    area: Area
    params: dict[str, float]
    bounds: tuple[float, float]
    appraisals: list[Appraisal]
    frontier: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    draws: int = 0
    seed: int = 0

    def table(self) -> pd.DataFrame:
        """One row per option: k, population range, NPV, five-year net, one-off, disaggregation, range."""
        rows = []
        for a in self.appraisals:
            t = a.terms.set_index("term")
            pops = a.unitaries["population"]
            rows.append(dict(
                option=a.structure.label, kind=a.structure.kind, unitaries=a.structure.k,
                smallest_population=int(pops.min()), largest_population=int(pops.max()),
                all_within_bounds=bool(a.unitaries["within_bounds"].all()),
                all_meet_guidance=bool(a.unitaries["meets_guidance"].all()),
                net_present_value_gbp_k=round(a.npv, 1), npv_low_gbp_k=round(a.npv_low, 1), npv_high_gbp_k=round(a.npv_high, 1),
                five_year_net_gbp_k=round(a.five_year, 1),
                annual_savings_gbp_k=round(float(t.loc[list(t.index[:4]), "annual_gbp_k"].sum()), 1),
                annual_disaggregation_gbp_k=round(float(t.at["disaggregation", "annual_gbp_k"]), 1),
                one_off_gbp_k=round(float(t.at["one_off", "one_off_gbp_k"]), 1),
                proof=a.structure.proof, source=a.structure.source))
        table = pd.DataFrame(rows)
        table["same_structure_as"] = _same_as(self.appraisals)
        best = table["net_present_value_gbp_k"].max() if len(table) else 0.0
        table["npv_below_best_gbp_k"] = (best - table["net_present_value_gbp_k"]).round(1)
        same_k = table[table["kind"] == "best"].set_index("unitaries")["net_present_value_gbp_k"]
        table["npv_below_best_same_k_gbp_k"] = (table["unitaries"].map(same_k) - table["net_present_value_gbp_k"]).round(1)
        return table

    def unitaries(self) -> pd.DataFrame:
        """One row per new unitary of every option."""
        return pd.concat([a.unitaries for a in self.appraisals], ignore_index=True)

    def terms(self) -> pd.DataFrame:
        """One row per option and term: annual, one-off, NPV and five-year figures (£k)."""
        return pd.concat([a.terms for a in self.appraisals], ignore_index=True)

    def cashflows(self) -> pd.DataFrame:
        """Cash flows by option, year and term (£k)."""
        return pd.concat([a.cashflows for a in self.appraisals], ignore_index=True)

    def uncertainty(self) -> pd.DataFrame:
        """Each distinct option's NPV percentiles and share of draws leading (uniform draws within ranges)."""
        return monte_carlo(self.area, self.appraisals, self.params, self.draws, self.seed)

    def tornado(self) -> pd.DataFrame:
        """What decides the ranking: the leader's NPV and margin with each parameter at each end."""
        return tornado(self.area, self.appraisals, self.params)


def _same_as(appraisals: list[Appraisal]) -> list[str]:
    """For each option, the earlier option with the same structure (a proposal the optimiser found), or ''."""
    first: dict[frozenset, str] = {}
    out = []
    for a in appraisals:
        key = frozenset(frozenset(u) for u in a.structure.unitaries)
        out.append(first.get(key, ""))
        first.setdefault(key, a.structure.label)
    return out


def _as_config(config) -> RunConfig:
    config = load_config(config) if isinstance(config, (str, Path)) else config
    if config.reorganisation is None:
        source, _ = config_source(config)
        raise ConfigError(f"{source}: no [reorganisation] section; add one (see docs/reorganisation.md)")
    return config


def prepare(config: RunConfig) -> tuple[Area, list[Structure], dict, tuple, set]:
    """Load the area and check every input (proposals, bounds) before any optimisation."""
    section = config.reorganisation
    source, text = config_source(config)
    area = load_area(config.region.selection(), section.unitaries, config.region.link_list(),
                     where=f"{source}: [reorganisation]")
    exempt = {area.code_of(c, f"{source}: [reorganisation.exempt]") for c in section.exempt}
    proposals = []
    for i, proposal in enumerate(section.proposals):
        codes = check_proposal(area, proposal, i, source, text)
        proposals.append(Structure(label=proposal.name, kind="proposal", unitaries=codes,
                                   names=[u.name for u in proposal.unitaries], source=proposal.source,
                                   submitted_by=proposal.submitted_by))
    bounds = section.bounds()
    check_bounds(area, bounds[0], bounds[1], exempt, section.max_unitaries,
                 where=f"{source}: [reorganisation] population_min/population_max")
    return area, proposals, section.parameter_values(), bounds, exempt


def optimise_structures(area: Area, params: dict, bounds: tuple, exempt: set, kmax: int,
                        alternatives: int, time_limit: float = 60.0,
                        threads: int = 1) -> tuple[list[Structure], pd.DataFrame]:
    """The proven-best structure for each k = 1..kmax (and its alternatives) and the frontier table."""
    groups = candidate_groups(area.graph, area.blocks, area.population, bounds[0], bounds[1], exempt)
    value = np.array([group_npv(area, groups.members(i), params) for i in range(len(groups))])
    structures, rows = [], []
    for k in range(1, min(kmax, len(area.blocks)) + 1):
        found = best_and_alternatives(groups, value, k, alternatives, time_limit, threads)
        rows.append(_frontier_row(groups, found[0], len(found) - 1))
        for rank, part in enumerate(found):
            if part.status in (Status.OPTIMAL, Status.FEASIBLE):
                structures.append(_structure(area, groups, part, rank))
    return structures, pd.DataFrame(rows)


def _frontier_row(groups: Groups, best: Partition, n_alternatives: int) -> dict:
    pops = groups.population[list(best.chosen)] if best.chosen else np.array([np.nan])
    return dict(unitaries=best.k, status=str(best.status), net_present_value_gbp_k=round(best.objective, 1),
                bound_gbp_k=round(best.bound, 1), gap=best.gap if best.chosen else np.nan,
                smallest_population=float(np.min(pops)), largest_population=float(np.max(pops)),
                balance_max_over_min=float(np.max(pops) / np.min(pops)), alternatives=n_alternatives,
                candidate_groups=len(groups))


def _structure(area: Area, groups: Groups, part: Partition, rank: int) -> Structure:
    units = sorted((sorted(groups.members(j)) for j in part.chosen), key=lambda m: (-sum(area.population[c] for c in m), m))
    label = f"best with {part.k}" if rank == 0 else f"alternative {rank} with {part.k}"
    proof = f"{part.status}, gap {part.gap:.1e}" if rank == 0 else f"{part.status} (best not sharing near-identical unitaries)"
    return Structure(label=label, kind="best" if rank == 0 else "alternative", unitaries=units,
                     names=[unitary_name(area, m) for m in units], source="sharedopt optimiser", proof=proof)


def reorganise(config, *, time_limit: float | None = None, threads: int | None = None) -> ReorganisationResult:
    """Check, optimise and appraise a reorganisation config end to end.

    Parameters
    ----------
    config : RunConfig or path
        A config with a ``[reorganisation]`` section.
    time_limit : float, optional
        Seconds per solve (default ``[solver] time_limit``).
    threads : int, optional
        HiGHS threads (default ``[solver] threads``).

    Returns
    -------
    ReorganisationResult
    """
    config = _as_config(config)
    section = config.reorganisation
    area, proposals, params, bounds, exempt = prepare(config)
    limit = float(time_limit if time_limit is not None else config.solver.time_limit)
    found, frontier = optimise_structures(area, params, bounds, exempt, section.max_unitaries,
                                          section.alternatives, limit, threads or config.solver.threads)
    appraisals = [appraise(area, s, params, bounds, exempt) for s in proposals + found]
    notes = [COUNCIL_TAX_NOTE, "County services are disaggregated across successors by population share "
             "(assumption: the county's spend is not published by district).",
             f"Spend: MHCLG revenue outturn {area.year} (net current expenditure, £k)."]
    return ReorganisationResult(name=config.name, area=area, params=params, bounds=bounds,
                                appraisals=appraisals, frontier=frontier, notes=notes,
                                draws=section.draws, seed=section.seed)


def appraise_structures(config, structures: dict[str, list[list[str]]]) -> pd.DataFrame:
    """Appraise named structures (each a list of unitaries' members, codes or names) under a config's rules.

    Each structure is checked as a proposal is (every council in exactly one unitary, each
    unitary connected) before anything is valued.

    Returns
    -------
    pandas.DataFrame
        One row per option, as :meth:`ReorganisationResult.table`.
    """
    config = _as_config(config)
    area, _, params, bounds, exempt = prepare(config)
    out = []
    for label, unitaries in structures.items():
        proposal = Proposal(name=label, source="so.appraise_structures", unitaries=[
            ProposedUnitary(name=f"unitary {i + 1}", members=list(m)) for i, m in enumerate(unitaries)])
        codes = check_proposal(area, proposal, 0, source=f"appraise_structures['{label}']")
        out.append(appraise(area, Structure(label=label, kind="proposal", unitaries=codes,
                                            names=[unitary_name(area, m) for m in codes]), params, bounds, exempt))
    return ReorganisationResult(config.name, area, params, bounds, out, pd.DataFrame()).table()


def parameter_table(params: dict[str, float]) -> pd.DataFrame:
    """Every parameter in force with its default, range and source."""
    return pd.DataFrame([dict(parameter=k, value=params[k], default=spec["value"], low=spec["range"][0],
                              high=spec["range"][1], unit=spec["unit"], source=spec["source"])
                         for k, spec in REORGANISATION_DEFAULTS.items()])
