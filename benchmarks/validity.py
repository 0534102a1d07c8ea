"""Evidence checks: where real shared-service arrangements land in the model's ranking.

Usage (from the repository root)::

    python benchmarks/validity.py                        # configs/england.toml -> results/validity.{json,md}
    python benchmarks/validity.py --config configs/england.toml --max-group-size 6 --name validity_after
    python benchmarks/validity.py --summary reports/england-blank/summary.json   # add a solved portfolio

With the status quo OFF (blank sheet) and the config's model settings, using the
candidates step only (:func:`sharedopt.options.build_candidates`; no solve):

1. **arrangements** -- each real arrangement in ``data/`` (one row per arrangement
   and model service): is its group (same service, same members) in the candidate
   space (else why: too many members, a member outside the region or not delivering
   the service, not connected in the service's neighbour graph, cross-tier), its NPV
   rank percentile among the service's scale candidates (100 = best; a group the
   candidates step pruned as loss-making gets 0), and the median over arrangements.
   Enumerated at ``--max-group-size`` (default 6: England at 7 needs ~4 GB a service).
2. **reported savings** -- the modelled annual net saving of each real group (valued
   with :func:`sharedopt.savings.evaluate`, in or out of the candidate space) against
   the published figure in the data file, where one is cited.
3. **size** -- per service, the Spearman rank correlation of NPV with group
   population over the scale candidates at the config's ``max_group_size``; the
   same for ``--spearman-also`` configs (default Wales, where the audit measured it).
4. **England total** -- a greedy portfolio over the config's candidates (best NPV
   first, one partnership per authority-service slot, the config's governance
   capacity: a feasible portfolio, so a lower bound on the optimum) and, with
   ``--summary``, a solved run's totals; against the LGA's recorded totals.
5. **plausibility** -- the share of positive Culture candidates containing the City
   of London (E09000001); greedy-chosen groups beyond their service's maximum span
   where the model has spans (``span_km`` column and a per-service maximum),
   otherwise reported as not available.

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
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sharedopt.config import load_config  # noqa: E402
from sharedopt.data.arrangements import load_arrangements  # noqa: E402
from sharedopt.options import build_candidates  # noqa: E402
from sharedopt.pipeline import load_inputs  # noqa: E402
from sharedopt.savings import CostBase, evaluate  # noqa: E402

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


def percentile(npv: np.ndarray, value: float) -> float:
    """Rank percentile of ``value`` among ``npv`` (100 = best, 0 = worst; ties share the best rank)."""
    n = len(npv)
    if n <= 1:
        return 100.0
    better = int((npv > value).sum())
    return 100.0 * (n - 1 - better) / (n - 1)


def modelled(base: CostBase, params, service: str, members: tuple) -> dict:
    """The model's valuation of one real group (whether or not it is in the candidate space)."""
    vals = evaluate(base, params, (service,), base.index_of(list(members))[None, :])
    return {k: float(vals[k][0]) for k in ("population", "annual_net_saving_gbp_k", "npv_gbp_k")}


def rank_arrangements(inputs, config, k: int) -> pd.DataFrame:
    """One row per (arrangement, service): candidate space, percentile, modelled vs reported."""
    arr = load_arrangements()
    base = CostBase.from_frames(inputs.authorities, inputs.costs)
    region = set(inputs.authorities.index)
    rows, cache = [], {}
    for row in arr.itertuples(index=False):
        reason = out_of_space(row.members, row.service, inputs.graphs, k, region)
        value = modelled(base, config.model, row.service, row.members) if not reason.startswith("member") \
            else {"population": np.nan, "annual_net_saving_gbp_k": np.nan, "npv_gbp_k": np.nan}
        rec = dict(arrangement=row.arrangement, service=row.service, category=row.category,
                   n_members=row.n_members, members=";".join(row.members), in_candidate_space=not reason,
                   why_not=reason, group_population=value["population"],
                   modelled_npv_gbp_k=value["npv_gbp_k"],
                   modelled_annual_net_saving_gbp_k=value["annual_net_saving_gbp_k"],
                   candidate="", pruned=False, rank=None, n_candidates=None, percentile=None,
                   percentile_as_valued=None,
                   reported_annual_saving_gbp_k=row.reported_annual_saving_gbp_k,
                   reported_saving_basis=row.reported_saving_basis)
        if not reason:
            if row.service not in cache:
                cache[row.service] = service_candidates(inputs, config.model, row.service, k)
            table = cache[row.service]
            hit = table.index[table["members"] == ";".join(row.members)]
            npv = table["npv_gbp_k"].to_numpy()
            rec["n_candidates"] = len(table)
            if len(hit):
                x = float(npv[hit[0]])
                rec.update(candidate=table.at[hit[0], "candidate_id"], rank=int((npv > x).sum()) + 1,
                           percentile=percentile(npv, x))
            else:  # enumerated but pruned: NPV <= 0, below every candidate
                rec.update(pruned=True, percentile=0.0)
        if np.isfinite(value["npv_gbp_k"]) and row.service in inputs.graphs:
            if row.service not in cache:
                cache[row.service] = service_candidates(inputs, config.model, row.service, k)
            npv = cache[row.service]["npv_gbp_k"].to_numpy()
            rec["percentile_as_valued"] = percentile(npv, value["npv_gbp_k"]) if value["npv_gbp_k"] > 0 else 0.0
        rows.append(rec)
    out = pd.DataFrame(rows)
    rep = out["reported_annual_saving_gbp_k"]
    out["modelled_over_reported"] = np.where(rep > 0, out["modelled_annual_net_saving_gbp_k"] / rep, np.nan)
    return out


def spearman_by_service(table: pd.DataFrame) -> list[dict]:
    """Spearman rank correlation of NPV with group population, per service (scale candidates)."""
    out = []
    scale = table[table["kind"] == "scale"]
    for service, part in scale.groupby("services", sort=True):
        rho = spearmanr(part["npv_gbp_k"], part["population"]).statistic if len(part) > 2 else np.nan
        out.append(dict(service=service, n_candidates=int(len(part)), spearman_npv_population=float(rho),
                        share_at_max_size=float((part["n_members"] == part["n_members"].max()).mean())))
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
    pct = arr["percentile"].dropna()
    rep = arr.dropna(subset=["modelled_over_reported"])
    return dict(n_arrangement_services=int(len(arr)), n_in_candidate_space=int(arr["in_candidate_space"].sum()),
                n_pruned=int(arr["pruned"].sum()), median_percentile=float(pct.median()) if len(pct) else None,
                share_in_top_quartile=float((pct >= 75).mean()) if len(pct) else None,
                n_with_reported_saving=int(len(rep)),
                median_modelled_over_reported=float(rep["modelled_over_reported"].median()) if len(rep) else None)


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
    arr = rank_arrangements(inputs, config, k)
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
        notes=["Percentile: among the service's scale candidates (positive NPV) at the arrangement group "
               "size; a real group pruned as loss-making gets 0; the median is over groups in the candidate "
               "space. 'As valued': the real group's own NPV placed among the same candidates, also for "
               "groups outside the candidate space (too large, not connected, cross-tier).",
               "Reported savings are as published (targets, projections or achieved averages: see "
               "reported_saving_basis); a ratio near 1 is agreement, not proof.",
               "Cross-sectional checks: they show where the model puts value, not what sharing causes."])


def _fmt(x, digits=1):
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "-"
    return f"{x:,.{digits}f}" if isinstance(x, float) else str(x)


def to_markdown(res: dict) -> str:
    s = res["summary"]
    lines = [f"# Validity benchmark ({res['config']}, commit {res['commit']}, status quo off)", "",
             "| check | value |", "|---|---|",
             f"| real arrangements (arrangement x service) | {s['n_arrangement_services']} |",
             f"| in the candidate space (k = {res['arrangement_max_group_size']}) | {s['n_in_candidate_space']} |",
             f"| pruned as loss-making | {s['n_pruned']} |",
             f"| median rank percentile (100 = best) | {_fmt(s['median_percentile'], 2)} |",
             f"| share in the top quartile of their service | {_fmt(s['share_in_top_quartile'], 2)} |",
             f"| median modelled / reported annual saving ({s['n_with_reported_saving']} with a figure) | "
             f"{_fmt(s['median_modelled_over_reported'], 2)} |",
             f"| City of London in positive Culture candidates | "
             f"{_fmt(res['city_of_london_culture']['share_with_city_of_london'], 3)} |",
             f"| chosen groups beyond their service's span | "
             f"{res['span'].get('n_beyond_span', 'n/a: ' + res['span'].get('note', ''))} |",
             f"| England potential / LGA 2018/19 (£200m) | {_fmt(res['lga']['ratio_model_annual_to_lga_2018_19'], 2)} |",
             "", "## Real arrangements", "",
             "| arrangement | service | n | in space | why not | percentile | as valued | modelled £k/yr | reported £k/yr | basis |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for a in res["arrangements"]:
        pct = "pruned (0)" if a["pruned"] else _fmt(a["percentile"], 2)
        lines.append(f"| {a['arrangement']} | {a['service']} | {a['n_members']} | {'yes' if a['in_candidate_space'] else 'no'} "
                     f"| {a['why_not'] or '-'} | {pct} | {_fmt(a['percentile_as_valued'], 2)} | "
                     f"{_fmt(a['modelled_annual_net_saving_gbp_k'], 0)} | "
                     f"{_fmt(a['reported_annual_saving_gbp_k'], 0)} | {a['reported_saving_basis'] or '-'} |")
    lines += ["", f"## NPV against group population (k = {res['config_max_group_size']}, scale candidates)", "",
              "| service | candidates | Spearman rho | share at max size |", "|---|---|---|---|"]
    lines += [f"| {r['service']} | {r['n_candidates']:,} | {_fmt(r['spearman_npv_population'], 3)} | "
              f"{_fmt(r['share_at_max_size'], 3)} |" for r in res["spearman"]]
    for other in res["spearman_other"]:
        lines += ["", f"## NPV against group population: {other['config']} (k = {other['max_group_size']})", "",
                  "| service | candidates | Spearman rho | share at max size |", "|---|---|---|---|"]
        lines += [f"| {r['service']} | {r['n_candidates']:,} | {_fmt(r['spearman_npv_population'], 3)} | "
                  f"{_fmt(r['share_at_max_size'], 3)} |" for r in other["spearman"]]
    g, lga = res["greedy_portfolio"], res["lga"]
    lines += ["", "## England total against the LGA", "",
              f"Greedy portfolio (lower bound on the optimum): {g['n_partnerships']} partnerships, "
              f"£{g['annual_net_saving_gbp_k']:,.0f}k a year, NPV £{g['npv_gbp_k']:,.0f}k.", ""]
    if res["solved_portfolio"]:
        sp = res["solved_portfolio"]
        lines += [f"Solved run: {sp['n_partnerships']} partnerships, £{sp['annual_net_saving_gbp_k']:,.0f}k a year "
                  f"(status {sp.get('status')}, status quo on: {sp.get('status_quo')}).", ""]
    lines += [lga["explanation"], "", f"Source: {LGA['source']}.", "", "## Notes", ""]
    lines += [f"- {n}" for n in res["notes"]]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", type=Path, default=ROOT / "configs" / "england.toml")
    ap.add_argument("--max-group-size", type=int, default=6,
                    help="group size for the arrangements' candidate space (default 6)")
    ap.add_argument("--summary", type=Path, default=None, help="summary.json of a solved run to compare")
    ap.add_argument("--name", default="validity", help="output base name in benchmarks/results/")
    ap.add_argument("--spearman-also", type=Path, nargs="*", default=[ROOT / "configs" / "wales.toml"],
                    help="more configs for the NPV-population correlation (default: Wales)")
    args = ap.parse_args(argv)
    res = run(args.config.resolve(), args.max_group_size, args.summary,
              [p.resolve() for p in args.spearman_also])
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(res, indent=2, sort_keys=True) + "\n")
    text = to_markdown(res)
    (RESULTS / f"{args.name}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
