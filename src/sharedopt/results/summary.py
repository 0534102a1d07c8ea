"""The run summary: solver report, totals, breakdowns, sources, estimates and assumptions."""

from __future__ import annotations


import pandas as pd

from sharedopt import __version__
from sharedopt.candidates.capital import assumption_rows as capital_rows
from sharedopt.candidates.costfit import assumption_rows
from sharedopt.candidates.depth import readiness_depth_rows
from sharedopt.common.jsonsafe import json_safe
from sharedopt.config.assumptions import (
    APPRAISAL_DEFAULTS, COST_DEFAULTS, REALISATION_BASE, REALISATION_DEFAULTS, REALISATION_EVIDENCE, SUCCESS_PROBABILITY,
    SAVINGS_TERM_DEFAULTS, SCOPE_DEFAULTS, SERVICE_DEFAULTS, SERVICE_SPATIAL_DEFAULTS, SPATIAL_FALLBACK,
    WHOLE_ORG_DEFAULTS,
)
from sharedopt.candidates.table import (
    ANNUAL_NET_SAVING, ANNUAL_SAVING, CANDIDATE_ID, COST_COORDINATION, COST_DISTANCE, COST_GOVERNANCE, DEFAULT_SHARE, ESTIMATED,
    GOVERNANCE_COST, KIND, MEMBER, N_MEMBERS, NPV, ONE_OFF_COST, REALISATION_FACTOR, SAVING_EFFICIENCY, SAVING_SCALE,
    SAVING_SCOPE, SERVICES, SHARE_PROPORTIONAL, SHARE_RULES, SHARE_SHAPLEY, WHOLE_ORGANISATION,
    WHOLE_ORGANISATION_LABEL, member_codes, split_codes,
)
from sharedopt.candidates.depth import depth_summary
from sharedopt.data.authorities import council_names
from sharedopt.data.capital import capital_summary
from sharedopt.data.detail import fine_scope_rows
from sharedopt.candidates.status_quo import existing_partnerships_json
from sharedopt.data.sources import estimate_notes
from sharedopt.results.facts import constraints_in_force, data_vintage, region_title
from sharedopt.results.run_summary import RunSummary, SolveReport

MONEY = [ANNUAL_SAVING, GOVERNANCE_COST, ANNUAL_NET_SAVING,
         ONE_OFF_COST, NPV]
# the decomposition of annual_net_saving_gbp_k; coordination is part of governance
DECOMPOSITION = [SAVING_SCALE, SAVING_EFFICIENCY, SAVING_SCOPE,
                 COST_DISTANCE, COST_GOVERNANCE, COST_COORDINATION]


# decimals every float of the summary keeps (summary.json and the workbook's summary sheet)
SUMMARY_DIGITS = 6


def totals(portfolio: pd.DataFrame) -> dict:
    """Portfolio totals."""
    out = {"n_partnerships": int(len(portfolio))}
    for col in MONEY:
        out[col] = float(portfolio[col].sum()) if len(portfolio) else 0.0
    for col in DECOMPOSITION:
        if col in portfolio:
            out[col] = float(portfolio[col].sum()) if len(portfolio) else 0.0
    out["members_involved"] = int(len({m for ms in member_codes(portfolio) for m in ms})) if len(portfolio) else 0
    return out


def by_service(portfolio: pd.DataFrame) -> list[dict]:
    """Totals per service (a scope pair is reported under its ';'-joined services)."""
    if portfolio.empty:
        return []
    label = portfolio[SERVICES]
    if KIND in portfolio:  # a whole-organisation partnership covers every service: one label
        label = label.where(portfolio[KIND] != WHOLE_ORGANISATION, WHOLE_ORGANISATION_LABEL)
    grouped = portfolio.groupby(label.rename(SERVICES), sort=True)
    table = grouped[MONEY].sum()
    table["n_partnerships"] = grouped.size()
    return [{"service": s, **{k: float(v) if k != "n_partnerships" else int(v) for k, v in row.items()}}
            for s, row in table.iterrows()]


def by_authority(portfolio: pd.DataFrame, shares: pd.DataFrame, authorities: pd.DataFrame) -> list[dict]:
    """Each authority's partnerships and its share of their NPV.

    ``npv_share_gbp_k`` is the default rule (:data:`sharedopt.candidates.table.DEFAULT_SHARE`, named in
    ``share_rule``); both rules' sums are kept under their own column names.
    """
    rows = []
    chosen = set(portfolio[CANDIDATE_ID]) if len(portfolio) else set()
    mine = shares[shares[CANDIDATE_ID].isin(chosen)] if len(shares) else shares
    for code in sorted(authorities.index):
        part = mine[mine[MEMBER] == code] if len(mine) else mine
        rows.append({"authority": code, "name": str(authorities.loc[code, "name"]),
                     "n_partnerships": int(len(part)),
                     "npv_share_gbp_k": float(part[DEFAULT_SHARE].sum()) if len(part) else 0.0,
                     "share_rule": SHARE_RULES[DEFAULT_SHARE],
                     **{col: float(part[col].sum()) if len(part) else 0.0
                        for col in (SHARE_PROPORTIONAL, SHARE_SHAPLEY)}})
    return rows


def assumptions_table(params) -> list[dict]:
    """Every modelling parameter in force, with its source (config overrides marked)."""
    rows = []
    defaults = {row["service"]: row for row in SERVICE_DEFAULTS}
    for service, sp in sorted(params.services.items()):
        for key in ("asset_intensity", "e_down", "mes", "e_up"):
            value = getattr(sp, key)
            source = defaults[service]["source"] if value == defaults[service][key] else "config override"
            rows.append({"parameter": f"{service}.{key}", "value": value, "source": source})
        rows.append({"parameter": f"{service}.poolable_share", "value": sp.poolable_share, "source": (
            "data: each council's share from data/derived/poolable_shares.csv (measured, or a labelled "
            "class-median fallback; asset_intensity where no council of the class has detail; counts per "
            "basis in data_quality)" if sp.poolable_share == "data" else
            "config: asset_intensity set explicitly; it overrides the data for every council")})
    scope_defaults = {tuple(sorted(r[SERVICES])): r for r in SCOPE_DEFAULTS + fine_scope_rows()}
    for pair in params.scope_pairs:
        d = scope_defaults.get(pair.services)
        same = d is not None and d["scope_rate"] == pair.scope_rate
        rows.append({"parameter": f"scope_rate[{'+'.join(pair.services)}]", "value": pair.scope_rate,
                     "source": d["source"] if same else "config override"})
    for table in (COST_DEFAULTS, APPRAISAL_DEFAULTS):
        for key, entry in table.items():
            value = getattr(params, key)
            rows.append({"parameter": key, "value": value, **_evidence_keys(entry),
                         "source": entry["source"] if value == entry["value"] else "config override"})
    rows += realisation_rows(params)
    rows.extend(savings_term_rows(params))
    factor = params.realisation_factor()
    rows.append({"parameter": REALISATION_FACTOR, "value": factor,
                 "source": "The scenario factor (unknown readiness, voluntary and trust-based, reference "
                 "depth); each candidate's realisation_factor also carries its readiness, prior "
                 "collaboration, partnership mode and depth (sharedopt.candidates.readiness, sharedopt.candidates.depth). "
                 "realisation.base x condition and mode multipliers x (1 - "
                 "optimism_bias_saving_reduction). " + REALISATION_DEFAULTS["condition_penalties"]["source"] + " "
                 + REALISATION_DEFAULTS["mode_factors"]["source"]})
    rows.extend(readiness_depth_rows(params))
    rows.append({"parameter": "max_group_size", "value": params.max_group_size,
                 "source": "config (largest partnership considered)"})
    rows.extend(assumption_rows(params.cost_curves))  # cost curves: rule, fallbacks (no fit is run here)
    rows.extend(capital_rows(params))
    return rows


def _evidence_keys(entry: dict) -> dict:
    """The ``range`` and ``evidence`` (register row ids) of an assumption entry, where it has them."""
    out = {}
    if "range" in entry:
        out["range"] = list(entry["range"])
    if "evidence" in entry:
        out["evidence"] = list(entry["evidence"])
    return out


def realisation_rows(params) -> list[dict]:
    """The realisation base rate in force (with its range) and the evidence behind the default."""
    base = params.realisation.base_rate()
    default = base == REALISATION_BASE["value"]
    low, high = REALISATION_BASE["range"]
    rows = [{"parameter": "realisation.base", "value": base, "range": [low, high],
             "evidence": list(REALISATION_BASE["evidence"]),
             "source": REALISATION_BASE["source"] if default else "config override"},
            {"parameter": "success_probability", "value": params.success_probability,
             **_evidence_keys(SUCCESS_PROBABILITY),
             "source": SUCCESS_PROBABILITY["source"] if params.success_probability == SUCCESS_PROBABILITY["value"]
             else "config override"}]
    for item in REALISATION_EVIDENCE:
        rows.append({"parameter": f"realisation_evidence.{item['key']}", "value": item["ratio"],
                     "source": f"{item['finding']} Reading: {item['arithmetic']}. {item['caveat']} "
                               f"Source: {item['source']}"})
    return rows


def savings_term_rows(params) -> list[dict]:
    """Rows for the decomposed-savings and whole-organisation parameters (value, range, source)."""
    rows = []
    for table in (SAVINGS_TERM_DEFAULTS, WHOLE_ORG_DEFAULTS):
        for key, entry in table.items():
            value = getattr(params, key)
            rows.append({"parameter": key, "value": value, "range": entry["range"],
                         "source": entry["source"] if value == entry["value"] else "config override"})
    derived = ("None: derived from the service's scale elasticity, -f * e * n^(e - 1) with n = "
               f"coordination_best_size ({params.coordination_best_size:g}; 0 = no coordination cost); "
               "the value used is in the enumeration block (coordination_rate)")
    for service, sp in sorted(params.services.items()):
        if sp.eligible:
            rows.append({"parameter": f"{service}.coordination_rate", "value": sp.coordination_rate,
                         "range": [0.0, 0.5], "source": derived if sp.coordination_rate is None else "config override"})
        d = SERVICE_SPATIAL_DEFAULTS.get(service, SPATIAL_FALLBACK)
        for i, key in enumerate(("distance_rate_per_km", "max_span_km")):
            value = getattr(sp, key)
            rows.append({"parameter": f"{service}.{key}", "value": value,
                         "range": d["range"][i] if d["range"] else None,
                         "source": d["source"] if value == d[key] else "config override"})
    return rows


def build_summary(*, config, solver, portfolio, candidates, shares, authorities, enumeration,
                  frontier, sources, quality, existing, cash_flows, generation=None,
                  alternatives=None) -> RunSummary:
    """Build the run's :class:`~sharedopt.results.run_summary.RunSummary` (the one place it is made).

    No figure depends on the wall clock (the solver's seconds are left out): the same input
    gives the same summary on an idle or a busy machine. ``time_limit`` is the run's
    ``[solver] time_limit`` (its time budget, seconds); the solver's ``stopped_by`` and
    ``message`` say when a time limit or the budget stopped a step.

    ``existing`` is the existing-partnerships table (:mod:`sharedopt.candidates.status_quo`),
    ``cash_flows`` the councils' cash-flow block (:func:`sharedopt.results.cashflow.cashflow_summary`),
    ``alternatives`` the stability block of the near-optimal alternatives (None: none asked for).
    ``generation`` (a :class:`sharedopt.solve.generate.Generation`) is reported under
    ``candidate_generation`` when the scale candidates were generated, not enumerated.
    """
    core = json_safe(_core(config, portfolio, candidates, shares, authorities, enumeration, frontier, sources,
                           quality, generation), SUMMARY_DIGITS)
    report = json_safe(solver.to_dict(), SUMMARY_DIGITS)
    return RunSummary(
        solve=SolveReport(**report), **core, **status_quo_summary(config, existing),
        depths=depth_summary(config.model, portfolio), cash_flows=json_safe(cash_flows, SUMMARY_DIGITS),
        alternatives=None if alternatives is None else json_safe(alternatives, SUMMARY_DIGITS))


def _core(config, portfolio, candidates, shares, authorities, enumeration, frontier, sources, quality,
          generation) -> dict:
    """The summary's blocks made from the run's tables (before JSON rounding)."""
    scale_captured = float(portfolio[SAVING_SCALE].sum()) if len(portfolio) else 0.0
    frontier_annual = float(frontier["frontier_annual_gbp_k"].sum())
    return {
        "name": config.name,
        "time_limit": config.solver.time_limit,
        "description": config.description,
        "region": _region(config, authorities),
        "constraints": constraints_in_force(config.constraints),
        "data_vintage": data_vintage(sources),
        "sharedopt_version": __version__,
        "config_hash": config.config_hash(),
        "totals": totals(portfolio),
        "by_service": by_service(portfolio),
        "capital_split": capital_split(authorities, config.model, candidates),
        "by_authority": by_authority(portfolio, shares, authorities),
        "n_candidates": int(len(candidates)),
        "enumeration": enumeration.drop(columns=["seconds"], errors="ignore").to_dict("records"),
        "frontier": {
            "scale_frontier_annual_gbp_k": frontier_annual,
            "portfolio_scale_saving_gbp_k": scale_captured,
            "share_of_frontier_captured": scale_captured / frontier_annual if frontier_annual > 0 else None,
            "by_service": frontier.to_dict("records"),
            "note": "Every authority at its service's minimum unit cost with no collaboration cost: "
                    "an upper bound on scale savings no grouping can beat.",
        },
        "data_sources": sources,
        ESTIMATED: any(s[ESTIMATED] for s in sources) or bool(candidates.get(ESTIMATED, pd.Series(dtype=bool)).any()),
        "estimates": estimate_notes(sources),
        "assumptions": assumptions_table(config.model),
        "attribution": attribution_for(sources),
        "data_quality_issues": int(len(quality)),
        "candidate_generation": _generation(generation),
    }


def _region(config, authorities) -> str | None:
    """The region's title (the summary's ``region``)."""
    return region_title(config.region.name, config.region.codes, council_names(authorities),
                        _file_name(config.region.boundary_file))


def map_blocks(config, authorities, sources: list[dict], existing: pd.DataFrame) -> dict:
    """The summary's blocks a map is drawn from, as :func:`build_summary` gives them, known before the ranking.

    Parameters
    ----------
    config : RunConfig
    authorities : DataFrame
    sources : list of dict
        The run's data sources.
    existing : DataFrame
        The existing-partnerships table (:mod:`sharedopt.candidates.status_quo`).

    Returns
    -------
    dict
        ``region``, ``data_sources``, ``attribution`` and ``existing_partnerships``.
    """
    blocks = json_safe({"region": _region(config, authorities), "data_sources": sources,
                        "attribution": attribution_for(sources)}, SUMMARY_DIGITS)
    return {**blocks, "existing_partnerships": status_quo_summary(config, existing)["existing_partnerships"]}


def status_quo_summary(config, existing: pd.DataFrame) -> dict:
    """``existing_partnerships`` (those with a member in the region) and a ``status_quo`` note."""
    in_region = existing[existing[N_MEMBERS] > 0]
    from_data = existing["origin"] == "status quo data"
    return {
        "existing_partnerships": existing_partnerships_json(in_region),
        "status_quo": {
            "on": bool(config.constraints.status_quo),
            "arrangements_in_data": int(from_data.sum()),
            "with_members_in_region": int((from_data & (existing[N_MEMBERS] > 0)).sum()),
            "note": ("Savings are additional to the existing partnerships listed: their members are "
                     "not re-allocated for that service, except that one running a separable function "
                     "(its 'function' column) holds only that function's share of the members' "
                     "poolable spend." if config.constraints.status_quo else
                     "Blank-sheet view (status_quo = false): real arrangements are listed but not kept."),
        },
    }


def capital_split(authorities: pd.DataFrame, params, candidates: pd.DataFrame) -> list[dict]:
    """Per service of the run's candidates: the physical / human capital share of its councils (range) and basis."""
    named = {s for cell in candidates.get(SERVICES, pd.Series(dtype=object)) for s in split_codes(cell)}
    services = sorted(s for s, sp in params.services.items() if sp.eligible and s in named)
    codes = list(authorities.index)
    tiers = authorities["tier"].tolist() if "tier" in authorities else [None] * len(codes)
    table = capital_summary(codes, tiers, services).reset_index()
    for service, sp in params.services.items():
        if service in services and sp.human_capital_share is not None:
            h = sp.human_capital_share
            table.loc[table["service"] == service, ["physical_range", "human_range", "basis"]] = [
                f"{1 - h:.2f}", f"{h:.2f}", "config override (every council)"]
    return table.to_dict("records")


def _generation(generation) -> dict | None:
    """How the candidates were found by column generation (None when enumerated)."""
    if generation is None:
        return None
    return {"method": "column generation over implicit connected groups",
            "lp_bound_over_all_groups": generation.lp_bound, "lp_objective": generation.lp_objective,
            "complete": generation.complete, "closed": generation.closed, "rounds": generation.rounds,
            "master_columns": generation.columns, "groups_counted": generation.groups_counted,
            "count_exact": generation.count_exact, "note": generation.note}


US_ATTRIBUTION = ("County adjacency and 2010 population: Daryl DeFord's dual graphs of US Census "
                  "TIGER/Line 2010 geography (public domain). Service costs are SYNTHETIC.")


def attribution_for(sources: list[dict]) -> str:
    """Map/report attribution line for the data a run used."""
    if any(s["name"].startswith("US ") for s in sources):
        return US_ATTRIBUTION
    return uk_attribution(sources)


def uk_attribution(sources: list[dict]) -> str:
    """The UK attribution line naming only the publishers whose data the run used."""
    names = " ".join(f"{s['name']} {s['source']}" for s in sources)
    parts = ["Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
             "Contains OS data © Crown copyright and database right 2024."]
    used = [who for who, key in (("MHCLG", "MHCLG"), ("StatsWales", "StatsWales")) if key in names]
    if used:
        parts.append(f"Contains {' and '.join(used)} data (OGL v3.0).")
    if "mySociety" in names:
        parts.append("Contains mySociety data (CC BY 4.0).")
    return " ".join(parts)


def _file_name(path) -> str:
    """A user file by its name only: an absolute path would tie the outputs to where the files are."""
    return path.name if path is not None else ""
