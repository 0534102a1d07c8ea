"""Evidence checks: where real shared-service arrangements land in the model's ranking.

Usage (from the repository root)::

    python benchmarks/validity.py                        # configs/england.toml -> results/validity.{json,md}
    python benchmarks/validity.py --name validity_after --analysis benchmarks/validity_analysis.md
    python benchmarks/validity.py --summary reports/england-blank/summary.json   # add a solved portfolio

With the status quo OFF (blank sheet) and the config's model settings, using the
candidates step only (:func:`sharedopt.candidates.build.build_candidates`; no solve):

1. **arrangements** -- each real arrangement in ``data/`` (one row per arrangement
   and model service): is its group (same service, same members) in the candidate
   space (else why: too many members, a member outside the region or not delivering
   the service, not connected in the service's neighbour graph, cross-tier), its NPV
   rank percentile among the service's scale candidates (100 = best; a group the
   candidates step pruned as loss-making gets 0), and the median over arrangements.
   Enumerated at ``--max-group-size`` (default 6: England at 7 needs ~4 GB a service).
   Shared chief executive / management teams (``intended_kind = whole_organisation``)
   are ranked among the whole-organisation candidates instead. Beside this national
   percentile, two counterfactual ones: size-matched (candidates with as many members)
   and the members' own options (candidates containing any of the members).
2. **reported savings** -- the modelled annual net saving of each real group (valued
   with :func:`sharedopt.candidates.value.evaluate`, in or out of the candidate space) against
   the published figure in the data file, where one is cited.
3. **size** -- per service, the Spearman rank correlation of NPV with group
   population over the scale candidates at the config's ``max_group_size``, also
   within pairs and within triples (size held fixed) and for the whole-organisation
   candidates; the same for ``--spearman-also`` configs (default Wales).
4. **England total** -- a greedy portfolio over the config's candidates (best NPV
   first, one partnership per authority-service slot, the config's governance
   capacity: a feasible portfolio, so a lower bound on the optimum) and, with
   ``--summary``, a solved run's totals; against the LGA's recorded totals.
5. **plausibility** -- the share of positive Culture candidates containing the City
   of London (E09000001); greedy-chosen groups beyond their service's maximum span
   where the model has spans (``span_km`` column and a per-service maximum),
   otherwise reported as not available.
6. **sensitivity** (labelled as such; not the model): Central_Services candidates
   re-valued without the corporate and democratic core in the poolable base.

Writes ``benchmarks/results/<name>.json`` and ``<name>.md`` (default name
``validity``). Deterministic: no figure depends on the wall clock.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "src"))

from sharedopt.config.schema import load_config  # noqa: E402
from sharedopt.data.arrangements import load_arrangements  # noqa: E402
from sharedopt.candidates.build import build_candidates  # noqa: E402
from sharedopt.run.pipeline import load_inputs  # noqa: E402
from sharedopt.candidates.value import CostBase, evaluate  # noqa: E402
from sharedopt.candidates.wholeorg import KIND as WHOLE_ORG, LABEL as WHOLE_ORG_LABEL  # noqa: E402
from sharedopt.candidates.wholeorg import evaluate_whole_org, whole_org_graph  # noqa: E402
from validity_measures import counterfactual_percentiles, percentile, spearman_rows  # noqa: E402,F401
from validity_measures import fmt as _fmt  # noqa: E402
from validity_sensitivity import BACK_OFFICE, central_sensitivity, sensitivity_lines  # noqa: E402
from validity_sensitivity import cdc_shares, without_cdc  # noqa: E402,F401

RESULTS = ROOT / "benchmarks" / "results"
CITY_OF_LONDON = "E09000001"
# LGA shared services map, as reported in 2019 (data/README.md, arrangements section):
LGA = {"partnerships": 626, "cumulative_savings_gbp_k": 1_340_000, "cumulative_to": "2019",
       "annual_savings_2018_19_gbp_k": 200_000,
       "source": "LGA shared services map (2019) as reported by Public Sector Executive, 29 Jul 2019: "
                 "'Over £1.34 billion in cumulative efficiency savings has been made from 626 shared "
                 "service arrangements ... with £200m in efficiency savings made during 2018/2019'"}
SPAN_ATTRS = ("max_span_km", "span_max_km")


def blank_sheet_config(path: Path):
    """The config with the status quo off and every group listed (no column generation)."""
    config = load_config(path)
    constraints = config.constraints.model_copy(update={"status_quo": False})
    model = config.model.model_copy(update={"candidates": "enumerate"})
    return config.model_copy(update={"constraints": constraints, "model": model})


def service_candidates(inputs, params, service: str, k: int) -> pd.DataFrame:
    """Scale candidates of one service at group size ``k`` (the candidates step, one service)."""
    p = params.model_copy(update={"max_group_size": k, "include_scope": False})
    table = build_candidates(inputs.authorities, inputs.costs, p, graphs={service: inputs.graphs[service]},
                             with_shares=False).table
    keep = ["candidate_id", "members", "n_members", "population", "npv_gbp_k", "annual_net_saving_gbp_k"]
    return table[keep] if len(table) else pd.DataFrame(columns=keep)


def whole_org_candidates_table(inputs, params) -> pd.DataFrame:
    """The whole-organisation candidates (the candidates step with scale and scope off)."""
    p = params.model_copy(update={"include_scale": False, "include_scope": False, "whole_organisation": True})
    table = build_candidates(inputs.authorities, inputs.costs, p, graphs=inputs.graphs, with_shares=False).table
    keep = ["candidate_id", "members", "n_members", "population", "npv_gbp_k", "annual_net_saving_gbp_k"]
    return table.loc[table["kind"] == WHOLE_ORG, keep].reset_index(drop=True) if len(table) else \
        pd.DataFrame(columns=keep)


def out_of_whole_org_space(members: tuple, graph: nx.Graph, k: int, region: set) -> str:
    """Why a group is not a whole-organisation candidate ('' when it is in the space)."""
    outside = [m for m in members if m not in region]
    if outside:
        return f"member(s) outside the region: {', '.join(outside)}"
    absent = [m for m in members if m not in graph]
    if absent:
        return f"member(s) not of a whole-organisation tier class: {', '.join(absent)}"
    if len(members) > k:
        return f"too many members ({len(members)} > whole_org_max_group_size {k})"
    if not nx.is_connected(graph.subgraph(members)):
        return "not connected neighbours of one tier class"
    return ""


def out_of_space(members: tuple, service: str, graphs: dict, k: int, region: set) -> str:
    """Why a group is not in the candidate space ('' when it is)."""
    outside = [m for m in members if m not in region]
    if outside:
        return f"member(s) outside the region: {', '.join(outside)}"
    graph = graphs.get(service)
    if graph is None:
        return f"{service} not in the run's services"
    absent = [m for m in members if m not in graph]
    if absent:
        return f"member(s) not delivering {service} in the model: {', '.join(absent)}"
    tiers = {graph.nodes[m].get("tier", "") for m in members}
    if "county" in tiers and len(tiers) > 1:
        return "cross-tier (county with districts): never neighbours in the model"
    if len(members) > k:
        return f"too many members ({len(members)} > max_group_size {k})"
    if not nx.is_connected(graph.subgraph(members)):
        return "not connected in the service's neighbour graph"
    return ""


def modelled(base: CostBase, params, service: str, members: tuple) -> dict:
    """The model's valuation of one real group (whether or not it is in the candidate space)."""
    index = base.index_of(list(members))[None, :]
    vals = evaluate_whole_org(base, params, index) if service == WHOLE_ORG_LABEL else \
        evaluate(base, params, (service,), index)
    return {k: float(vals[k][0]) for k in ("population", "annual_net_saving_gbp_k", "npv_gbp_k")}


def rank_arrangements(inputs, config, k: int, cache: dict | None = None) -> pd.DataFrame:
    """One row per (arrangement, service): candidate space, percentiles, modelled vs reported.

    Arrangements whose ``intended_kind`` is ``whole_organisation`` (shared chief
    executive and management team) are ranked among the whole-organisation
    candidates (service label ``Whole_Organisation``), the rest among the scale
    candidates of their service at group size ``k``.
    """
    arr = load_arrangements()
    base = CostBase.from_frames(inputs.authorities, inputs.costs, config.model)
    region = set(inputs.authorities.index)
    wo_graph = whole_org_graph(base, inputs.graphs, config.model.whole_org_tiers)
    rows = []
    cache = {} if cache is None else cache  # service -> candidates table (filled for the caller)

    def candidates(service):
        if service not in cache:
            cache[service] = whole_org_candidates_table(inputs, config.model) if service == WHOLE_ORG_LABEL \
                else service_candidates(inputs, config.model, service, k)
        return cache[service]

    for row in arr.itertuples(index=False):
        whole = row.intended_kind == WHOLE_ORG
        service = WHOLE_ORG_LABEL if whole else row.service
        reason = out_of_whole_org_space(row.members, wo_graph, config.model.whole_org_max_group_size, region) \
            if whole else out_of_space(row.members, service, inputs.graphs, k, region)
        valuable = not reason.startswith("member") and (whole or service in inputs.graphs)
        value = modelled(base, config.model, service, row.members) if valuable \
            else {"population": np.nan, "annual_net_saving_gbp_k": np.nan, "npv_gbp_k": np.nan}
        rec = dict(arrangement=row.arrangement, service=service, category=row.category,
                   kind=WHOLE_ORG if whole else "scale",
                   n_members=row.n_members, members=";".join(row.members), in_candidate_space=not reason,
                   why_not=reason, group_population=value["population"],
                   modelled_npv_gbp_k=value["npv_gbp_k"],
                   modelled_annual_net_saving_gbp_k=value["annual_net_saving_gbp_k"],
                   candidate="", pruned=False, rank=None, n_candidates=None, percentile=None,
                   percentile_size_matched=None, percentile_own_options=None,
                   n_size_matched=None, n_own_options=None, percentile_as_valued=None,
                   reported_annual_saving_gbp_k=row.reported_annual_saving_gbp_k,
                   reported_saving_basis=row.reported_saving_basis)
        if valuable:
            table = candidates(service)
            npv = table["npv_gbp_k"].to_numpy()
            x = value["npv_gbp_k"]
            rec["percentile_as_valued"] = percentile(npv, x) if x > 0 else 0.0
            if not reason:
                hit = table.index[table["members"] == ";".join(row.members)]
                rec["n_candidates"] = len(table)
                if len(hit):  # the table's NPV is the group's (same valuation)
                    x = float(npv[hit[0]])
                    rec.update(candidate=table.at[hit[0], "candidate_id"], rank=int((npv > x).sum()) + 1)
                else:  # enumerated but pruned: NPV <= 0, below every candidate
                    rec["pruned"] = True
                    x = None
                cf = counterfactual_percentiles(table, row.members, x)
                rec.update(percentile=cf["national"], percentile_size_matched=cf["size_matched"],
                           percentile_own_options=cf["own_options"], n_size_matched=cf["n_size_matched"],
                           n_own_options=cf["n_own_options"])
        rows.append(rec)
    out = pd.DataFrame(rows)
    rep = out["reported_annual_saving_gbp_k"]
    out["modelled_over_reported"] = np.where(rep > 0, out["modelled_annual_net_saving_gbp_k"] / rep, np.nan)
    return out


def spearman_by_service(table: pd.DataFrame) -> list[dict]:
    """Spearman rank correlation of NPV with group population, per service (scale candidates),
    plus one row for the whole-organisation candidates."""
    out = [dict(service=service, **spearman_rows(part))
           for service, part in table[table["kind"] == "scale"].groupby("services", sort=True)]
    whole = table[table["kind"] == WHOLE_ORG]
    if len(whole):
        out.append(dict(service=WHOLE_ORG_LABEL, **spearman_rows(whole)))
    return out


def city_of_london_culture(table: pd.DataFrame) -> dict:
    """Share of positive Culture candidates that contain the City of London."""
    culture = table[table["services"].str.split(";").map(lambda s: "Culture" in s)]
    culture = culture[culture["npv_gbp_k"] > 0]
    with_city = culture["members"].str.contains(CITY_OF_LONDON)
    return dict(n_positive_culture_candidates=int(len(culture)), n_with_city_of_london=int(with_city.sum()),
                share_with_city_of_london=float(with_city.mean()) if len(culture) else None)


def greedy_portfolio(table: pd.DataFrame, constraints) -> pd.DataFrame:
    """Best NPV first; one partnership per (authority, service); the governance capacity."""
    cap_default = constraints.governance_capacity
    caps = dict(constraints.governance_overrides)
    used_slots, load, chosen = set(), {}, []
    order = table[table["npv_gbp_k"] > 0].sort_values(["npv_gbp_k", "candidate_id"], ascending=[False, True])
    for idx, members, services in zip(order.index, order["members"], order["services"]):
        codes, svc = members.split(";"), services.split(";")
        slots = {(m, s) for m in codes for s in svc}
        if slots & used_slots:
            continue
        if any(load.get(m, 0) >= caps.get(m, cap_default if cap_default is not None else np.inf) for m in codes):
            continue
        used_slots |= slots
        for m in codes:
            load[m] = load.get(m, 0) + 1
        chosen.append(idx)
    return table.loc[chosen]


def span_check(table: pd.DataFrame, chosen: pd.DataFrame, params) -> dict:
    """Chosen groups beyond their service's maximum span, where the model has spans."""
    if "span_km" not in table.columns:
        return {"available": False, "note": "no span_km column in this model's candidates"}
    limits = {}
    for name, sp in params.services.items():
        fields = [a for a in SPAN_ATTRS if getattr(sp, a, None) is not None] or sorted(
            a for a in type(sp).model_fields if "span" in a and isinstance(getattr(sp, a), (int, float)))
        if fields:
            limits[name] = float(getattr(sp, fields[0]))
    if not limits:
        return {"available": False, "note": "candidates have span_km but no service has a maximum span"}
    beyond = [r for r in chosen.itertuples(index=False)
              if len(r.services.split(";")) == 1 and r.services in limits and r.span_km > limits[r.services]]
    return {"available": True, "limits_km": limits, "n_chosen": int(len(chosen)), "n_beyond_span": len(beyond),
            "beyond": [r.candidate_id for r in beyond][:20]}


def totals(frame: pd.DataFrame) -> dict:
    return dict(n_partnerships=int(len(frame)), annual_net_saving_gbp_k=float(frame["annual_net_saving_gbp_k"].sum()),
                npv_gbp_k=float(frame["npv_gbp_k"].sum()), one_off_cost_gbp_k=float(frame["one_off_cost_gbp_k"].sum()))


def lga_comparison(greedy: dict, solved: dict | None) -> dict:
    """The model's England potential against the LGA's recorded totals, with the ratio explained."""
    basis = solved if solved else greedy
    annual = basis["annual_net_saving_gbp_k"]
    per_lga = LGA["annual_savings_2018_19_gbp_k"] / LGA["partnerships"]
    per_model = annual / basis["n_partnerships"] if basis["n_partnerships"] else float("nan")
    ratio = annual / LGA["annual_savings_2018_19_gbp_k"]
    return dict(
        basis="solved run (--summary)" if solved else "greedy portfolio over the candidates (lower bound)",
        model_annual_net_saving_gbp_k=annual, model_npv_gbp_k=basis["npv_gbp_k"],
        model_partnerships=basis["n_partnerships"], lga=LGA,
        ratio_model_annual_to_lga_2018_19=ratio,
        model_annual_per_partnership_gbp_k=per_model, lga_annual_per_partnership_gbp_k=per_lga,
        explanation=(f"The model's blank-sheet portfolio saves £{annual / 1000:,.0f}m a year from "
                     f"{basis['n_partnerships']} new partnerships, {ratio:.2f}x the £200m the LGA recorded for "
                     f"2018/19 from all 626 real partnerships (which include non-council partners and narrow "
                     f"functions). Per partnership: model £{per_model / 1000:,.2f}m a year against the LGA's "
                     f"£{per_lga / 1000:,.2f}m. The two are not the same quantity: the LGA figure is savings "
                     "realised in one year by partnerships of every vintage; the model's is the full-year "
                     "saving of an optimised set of new ones, so a ratio far above 1 says the model's "
                     "per-partnership savings exceed what real ones report."))


def summarise(arr: pd.DataFrame) -> dict:
    """Medians and top-quartile shares of the three percentiles; modelled against reported."""
    rep = arr.dropna(subset=["modelled_over_reported"])
    out = dict(n_arrangement_services=int(len(arr)), n_in_candidate_space=int(arr["in_candidate_space"].sum()),
               n_pruned=int(arr["pruned"].sum()), n_with_reported_saving=int(len(rep)),
               median_modelled_over_reported=float(rep["modelled_over_reported"].median()) if len(rep) else None)
    for col, key in (("percentile", ""), ("percentile_size_matched", "_size_matched"),
                     ("percentile_own_options", "_own_options")):
        pct = arr[col].dropna().astype(float)
        out["median_percentile" + key] = float(pct.median()) if len(pct) else None
        out["share_in_top_quartile" + key] = float((pct >= 75).mean()) if len(pct) else None
    return out


def git_commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def spearman_for(config_path: Path) -> dict:
    """Spearman rows of another config (e.g. Wales, where the size effect was first measured)."""
    config = blank_sheet_config(config_path)
    inputs = load_inputs(config)
    table = build_candidates(inputs.authorities, inputs.costs, config.model, graphs=inputs.graphs,
                             with_shares=False).table
    return dict(config=_rel(config_path), max_group_size=config.model.max_group_size,
                spearman=spearman_by_service(table))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def run(config_path: Path, k: int, summary_path: Path | None, also: list[Path] = ()) -> dict:
    """Every check; returns the JSON-safe result."""
    config = blank_sheet_config(config_path)
    inputs = load_inputs(config)
    cache = {}
    arr = rank_arrangements(inputs, config, k, cache)
    table = build_candidates(inputs.authorities, inputs.costs, config.model, graphs=inputs.graphs,
                             with_shares=False).table
    chosen = greedy_portfolio(table, config.constraints)
    solved = None
    if summary_path is not None:
        s = json.loads(Path(summary_path).read_text())
        solved = dict(s["totals"], status=s.get("status"), status_quo=s.get("status_quo", {}).get("on"))
    return dict(
        config=_rel(config_path), spearman_other=[spearman_for(p) for p in also],
        commit=git_commit(), status_quo=False, config_max_group_size=config.model.max_group_size,
        arrangement_max_group_size=k, summary=summarise(arr),
        arrangements=json.loads(arr.to_json(orient="records")),
        spearman=spearman_by_service(table), city_of_london_culture=city_of_london_culture(table),
        greedy_portfolio=totals(chosen), solved_portfolio=solved, span=span_check(table, chosen, config.model),
        lga=lga_comparison(totals(chosen), solved),
        sensitivity_central=central_sensitivity(inputs, config, table, cache.get(BACK_OFFICE, pd.DataFrame()),
                                                arr),
        notes=["Percentile: among the service's scale candidates (positive NPV) at the arrangement group "
               "size k (whole-organisation arrangements: among the whole-organisation candidates); a real "
               "group pruned as loss-making gets 0 in every reference set; the median is over groups in the "
               "candidate space. National = all candidates; size-matched = candidates with the same number "
               "of members; own options = candidates containing at least one of the members. 'As valued': "
               "the real group's own NPV placed among all the candidates, also for groups outside the "
               "candidate space (too large, not connected, cross-tier).",
               "Reported savings are as published (targets, projections or achieved averages: see "
               "reported_saving_basis); a ratio near 1 is agreement, not proof.",
               "Cross-sectional checks: they show where the model puts value, not what sharing causes."])


def _spearman_table(rows: list[dict]) -> list[str]:
    lines = ["| service | candidates | rho, all sizes | rho, NPV per £ pooled | share at max size | pairs | "
             "rho, pairs | triples | rho, triples |", "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['service']} | {r['n_candidates']:,} | {_fmt(r['spearman_npv_population'], 3)} | "
              f"{_fmt(r.get('spearman_rate_population'), 3)} | {_fmt(r['share_at_max_size'], 3)} | {r['n_size_2']:,} | {_fmt(r['spearman_size_2'], 3)} | "
              f"{r['n_size_3']:,} | {_fmt(r['spearman_size_3'], 3)} |" for r in rows]
    return lines


def _summary_lines(res: dict) -> list[str]:
    s = res["summary"]
    return [f"# Validity benchmark ({res['config']}, commit {res['commit']}, status quo off)", "",
            f"Model: {res.get('model_label', 'the savings model at commit ' + res['commit'])}.", "",
            "| check | value |", "|---|---|",
            f"| real arrangements (arrangement x service) | {s['n_arrangement_services']} |",
            f"| in the candidate space (scale k = {res['arrangement_max_group_size']}; whole organisation: "
            f"its own space) | {s['n_in_candidate_space']} |",
            f"| pruned as loss-making | {s['n_pruned']} |",
            f"| median rank percentile, national (the issue's definition; 100 = best) | "
            f"{_fmt(s['median_percentile'], 2)} |",
            f"| share in the top quartile, national | {_fmt(s['share_in_top_quartile'], 2)} |",
            f"| median percentile, size-matched (same number of members) | "
            f"{_fmt(s.get('median_percentile_size_matched'), 2)} |",
            f"| share in the top quartile, size-matched | {_fmt(s.get('share_in_top_quartile_size_matched'), 2)} |",
            f"| median percentile, the members' own options (candidates with any member) | "
            f"{_fmt(s.get('median_percentile_own_options'), 2)} |",
            f"| share in the top quartile, own options | {_fmt(s.get('share_in_top_quartile_own_options'), 2)} |",
            f"| median modelled / reported annual saving ({s['n_with_reported_saving']} with a figure) | "
            f"{_fmt(s['median_modelled_over_reported'], 2)} |",
            f"| City of London in positive Culture candidates | "
            f"{_fmt(res['city_of_london_culture']['share_with_city_of_london'], 3)} |",
            f"| chosen groups beyond their service's span | "
            f"{res['span'].get('n_beyond_span', 'n/a: ' + res['span'].get('note', ''))} |",
            f"| England potential / LGA 2018/19 (£200m) | {_fmt(res['lga']['ratio_model_annual_to_lga_2018_19'], 2)} |"]


def _arrangement_lines(res: dict) -> list[str]:
    lines = ["", "## Real arrangements", "",
             "Shared chief executive and management teams (`intended_kind = whole_organisation`) are ranked "
             "among the whole-organisation candidates (`Whole_Organisation`), the rest among their service's "
             "scale candidates.", "",
             "| arrangement | service | n | in space | why not | national | size-matched | own options "
             "| as valued | modelled £k/yr | reported £k/yr | basis |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for a in res["arrangements"]:
        pct = "pruned (0)" if a["pruned"] else _fmt(a["percentile"], 2)
        own = a.get("percentile_own_options")
        lines.append(f"| {a['arrangement']} | {a['service']} | {a['n_members']} | "
                     f"{'yes' if a['in_candidate_space'] else 'no'} | {a['why_not'] or '-'} | {pct} | "
                     f"{_fmt(a.get('percentile_size_matched'), 2)} | {_fmt(own, 2)}"
                     f"{'' if a.get('n_own_options') is None else ' of ' + format(int(a['n_own_options']), ',')} | "
                     f"{_fmt(a['percentile_as_valued'], 2)} | {_fmt(a['modelled_annual_net_saving_gbp_k'], 0)} | "
                     f"{_fmt(a['reported_annual_saving_gbp_k'], 0)} | {a['reported_saving_basis'] or '-'} |")
    lines += ["", "What each percentile measures:", "",
              "- **National** (kept as issue 13 defines it): the group's NPV among ALL the service's positive "
              "candidates in England. NPV is an absolute £ figure, so a pair of small districts competes with "
              "five-member groups of metropolitan boroughs pooling ten times the spend: with a scale curve that "
              "only falls (no U in the data range) and savings proportional to the pooled budget, bigger and "
              "richer groups rank higher by construction, and a two-district partnership lands near 0 however "
              "well chosen it is. It answers 'is this among England's biggest prizes?', not 'was this a good "
              "choice?'.",
              "- **Size-matched**: among candidates with the same number of members. Removes the "
              "'more members pool more' part of the size effect; what remains is the members' own size and "
              "costs.",
              "- **Own options**: among candidates containing at least one of the group's members, i.e. what "
              "those councils could have done instead (any partner set, any size up to k). The closest to the "
              "decision the councils faced; still favours larger groups they could have joined."]
    return lines


def to_markdown(res: dict, analysis: Path | None = None) -> str:
    """The benchmark's result as Markdown (tables, the sensitivity, the notes), with the
    hand-written ``analysis`` file (it quotes one run's figures) appended when given."""
    lines = _summary_lines(res) + _arrangement_lines(res)
    lines += ["", f"## NPV against group population (k = {res['config_max_group_size']}, scale candidates; "
              "whole organisation k = 3)", ""] + _spearman_table(res["spearman"])
    for other in res["spearman_other"]:
        lines += ["", f"## NPV against group population: {other['config']} (k = {other['max_group_size']})", ""]
        lines += _spearman_table(other["spearman"])
    g, lga = res["greedy_portfolio"], res["lga"]
    lines += ["", "## England total against the LGA", "",
              f"Greedy portfolio (lower bound on the optimum): {g['n_partnerships']} partnerships, "
              f"£{g['annual_net_saving_gbp_k']:,.0f}k a year, NPV £{g['npv_gbp_k']:,.0f}k.", ""]
    if res["solved_portfolio"]:
        sp = res["solved_portfolio"]
        lines += [f"Solved run: {sp['n_partnerships']} partnerships, £{sp['annual_net_saving_gbp_k']:,.0f}k a year "
                  f"(status {sp.get('status')}, status quo on: {sp.get('status_quo')}).", ""]
    lines += [lga["explanation"], "", f"Source: {LGA['source']}."]
    lines += sensitivity_lines(res)
    if analysis:
        lines += ["", *Path(analysis).read_text().rstrip("\n").split("\n")]
    lines += ["", "## Notes", ""] + [f"- {n}" for n in res["notes"]]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", type=Path, default=ROOT / "configs" / "england.toml")
    ap.add_argument("--max-group-size", type=int, default=6,
                    help="group size for the arrangements' candidate space (default 6)")
    ap.add_argument("--summary", type=Path, default=None, help="summary.json of a solved run to compare")
    ap.add_argument("--name", default="validity", help="output base name in benchmarks/results/")
    ap.add_argument("--markdown-only", action="store_true",
                    help="rewrite <name>.md from an existing <name>.json (no recomputation)")
    ap.add_argument("--analysis", type=Path, default=None,
                    help="a hand-written Markdown analysis of this run to append (e.g. benchmarks/validity_analysis.md)")
    ap.add_argument("--model-label", default=None, help="one line naming the model the run measured")
    ap.add_argument("--spearman-also", type=Path, nargs="*", default=[ROOT / "configs" / "wales.toml"],
                    help="more configs for the NPV-population correlation (default: Wales)")
    args = ap.parse_args(argv)
    if args.markdown_only:
        res = json.loads((RESULTS / f"{args.name}.json").read_text())
        (RESULTS / f"{args.name}.md").write_text(to_markdown(res, args.analysis))
        return 0
    res = run(args.config.resolve(), args.max_group_size, args.summary,
              [p.resolve() for p in args.spearman_also])
    if args.model_label:
        res["model_label"] = args.model_label
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(res, indent=2, sort_keys=True) + "\n")
    text = to_markdown(res, args.analysis)
    (RESULTS / f"{args.name}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
