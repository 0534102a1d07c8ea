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

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "src"))

from sharedopt.candidates.build import build_candidates  # noqa: E402
from sharedopt.candidates.value import CostBase  # noqa: E402
from sharedopt.candidates.wholeorg import KIND as WHOLE_ORG, LABEL as WHOLE_ORG_LABEL  # noqa: E402
from sharedopt.candidates.wholeorg import whole_org_graph  # noqa: E402
from sharedopt.data.arrangements import load_arrangements  # noqa: E402
from sharedopt.pipeline.steps import load_inputs  # noqa: E402
from validity_checks import city_of_london_culture, greedy_portfolio, lga_comparison  # noqa: E402
from validity_checks import span_check, spearman_by_service, summarise, totals  # noqa: E402
from validity_measures import counterfactual_percentiles, percentile, spearman_rows  # noqa: E402,F401
from validity_report import to_markdown  # noqa: E402
from validity_sensitivity import BACK_OFFICE, central_sensitivity  # noqa: E402
from validity_sensitivity import cdc_shares, without_cdc  # noqa: E402,F401
from validity_space import blank_sheet_config, modelled, out_of_space, out_of_whole_org_space  # noqa: E402
from validity_space import service_candidates, whole_org_candidates_table  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def rank_arrangements(inputs, config, k: int, cache: dict | None = None) -> pd.DataFrame:
    """One row per (arrangement, service): candidate space, percentiles, modelled vs reported.

    Arrangements whose ``intended_kind`` is ``whole_organisation`` (shared chief
    executive and management team) are ranked among the whole-organisation
    candidates (service label ``Whole_Organisation``), the rest among the scale
    candidates of their service at group size ``k``.
    """
    base = CostBase.from_frames(inputs.authorities, inputs.costs, config.model)
    region = set(inputs.authorities.index)
    wo_graph = whole_org_graph(base, inputs.graphs, config.model.whole_org_tiers)
    cache = {} if cache is None else cache  # service -> candidates table (filled for the caller)

    def candidates(service):
        if service not in cache:
            cache[service] = whole_org_candidates_table(inputs, config.model) if service == WHOLE_ORG_LABEL \
                else service_candidates(inputs, config.model, service, k)
        return cache[service]

    rows = []
    for row in load_arrangements().itertuples(index=False):
        whole = row.intended_kind == WHOLE_ORG
        service = WHOLE_ORG_LABEL if whole else row.service
        reason = out_of_whole_org_space(row.members, wo_graph, config.model.whole_org_max_group_size, region) \
            if whole else out_of_space(row.members, service, inputs.graphs, k, region)
        valuable = not reason.startswith("member") and (whole or service in inputs.graphs)
        value = modelled(base, config.model, service, row.members) if valuable \
            else {"population": np.nan, "annual_net_saving_gbp_k": np.nan, "npv_gbp_k": np.nan}
        rec = _arrangement_record(row, service, whole, reason, value)
        if valuable:
            rec.update(_placement(candidates(service), row.members, value["npv_gbp_k"], in_space=not reason))
        rows.append(rec)
    out = pd.DataFrame(rows)
    rep = out["reported_annual_saving_gbp_k"]
    out["modelled_over_reported"] = np.where(rep > 0, out["modelled_annual_net_saving_gbp_k"] / rep, np.nan)
    return out


def _arrangement_record(row, service: str, whole: bool, reason: str, value: dict) -> dict:
    """The row of one (arrangement, service) before its placement among the candidates."""
    return dict(arrangement=row.arrangement, service=service, category=row.category,
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


def _placement(table: pd.DataFrame, members: tuple, x: float, in_space: bool) -> dict:
    """Where a real group with NPV ``x`` lands among its service's candidates ``table``."""
    npv = table["npv_gbp_k"].to_numpy()
    place = {"percentile_as_valued": percentile(npv, x) if x > 0 else 0.0}
    if not in_space:
        return place
    hit = table.index[table["members"] == ";".join(members)]
    place["n_candidates"] = len(table)
    if len(hit):  # the table's NPV is the group's (same valuation)
        x = float(npv[hit[0]])
        place.update(candidate=table.at[hit[0], "candidate_id"], rank=int((npv > x).sum()) + 1)
    else:  # enumerated but pruned: NPV <= 0, below every candidate
        place["pruned"] = True
        x = None
    cf = counterfactual_percentiles(table, members, x)
    place.update(percentile=cf["national"], percentile_size_matched=cf["size_matched"],
                 percentile_own_options=cf["own_options"], n_size_matched=cf["n_size_matched"],
                 n_own_options=cf["n_own_options"])
    return place


def git_commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def spearman_for(config_path: Path, model_updates: dict | None = None, keep_prior_uplift: bool = False) -> dict:
    """Spearman rows of another config (e.g. Wales, where the size effect was first measured)."""
    config = blank_sheet_config(config_path, model_updates, keep_prior_uplift)
    inputs = load_inputs(config)
    table = build_candidates(inputs.authorities, inputs.costs, config.model, graphs=inputs.graphs,
                             with_shares=False).table
    return dict(config=_rel(config_path), max_group_size=config.model.max_group_size,
                spearman=spearman_by_service(table))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def run(config_path: Path, k: int, summary_path: Path | None, also: list[Path] = (),
        model_updates: dict | None = None, keep_prior_uplift: bool = False) -> dict:
    """Every check; returns the JSON-safe result (``model_updates``: ``[model]`` settings changed;
    the prior-collaboration uplift is 0 unless ``keep_prior_uplift``: see ``blank_sheet_config``)."""
    config = blank_sheet_config(config_path, model_updates, keep_prior_uplift)
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
        config=_rel(config_path), spearman_other=[spearman_for(p, model_updates, keep_prior_uplift) for p in also],
        model_updates=model_updates or {}, prior_collaboration_uplift_kept=keep_prior_uplift,
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


def model_settings(pairs: list[str]) -> dict:
    """``["key=value", ...]`` -> ``{key: value}``, each value read as JSON (text if it is not JSON)."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"--model-set: expected KEY=VALUE, got {pair!r}")
        try:
            out[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            out[key.strip()] = value
    return out


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
    ap.add_argument("--keep-prior-uplift", action="store_true",
                    help="keep the prior-collaboration uplift (default: 0, as it lifts every real arrangement)")
    ap.add_argument("--model-set", action="append", default=[], metavar="KEY=VALUE",
                    help="change a [model] setting for a sensitivity run, e.g. coordination_best_size=3 "
                         "(VALUE read as JSON; repeatable)")
    ap.add_argument("--spearman-also", type=Path, nargs="*", default=[ROOT / "configs" / "wales.toml"],
                    help="more configs for the NPV-population correlation (default: Wales)")
    args = ap.parse_args(argv)
    if args.markdown_only:
        res = json.loads((RESULTS / f"{args.name}.json").read_text())
        (RESULTS / f"{args.name}.md").write_text(to_markdown(res, args.analysis))
        return 0
    res = run(args.config.resolve(), args.max_group_size, args.summary,
              [p.resolve() for p in args.spearman_also], model_settings(args.model_set), args.keep_prior_uplift)
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
