"""Fair validity benchmark: real shared-service arrangements valued exactly as the candidate table values them.

Usage (from the repository root)::

    python benchmarks/validity.py                                   # -> results/validity.{json,md}
    python benchmarks/validity.py --model-set coordination_best_size=0 --name validity_nocoord
    python benchmarks/validity.py --extras                          # also Spearman, LGA, City of London

Status quo OFF (blank sheet), the config's ``[model]`` settings (England by default). Each
real arrangement in ``data/raw/arrangements/england_existing_arrangements.csv`` (one row per
arrangement and model service; shared management teams as whole-organisation groups) is
valued by :func:`sharedopt.pipeline.appraise.appraise`, the candidate table's own code,
never pruned, at its best offered depth. Three measures, each with a 95% interval:

(a) **sign test** -- the share of real arrangements with NPV > 0 (Clopper-Pearson and
    Wilson intervals), over all of them and over those the candidate table could list;
(b) **revealed choice** -- each real group's NPV per £ pooled as a percentile among the
    connected groups of the same size and tier class that contain at least one of its
    members (null 50), valued the same way; the median percentile (order-statistic
    interval) and a sign test of the share above 50 (one-sided exact binomial p-value);
(c) **calibration** -- modelled / reported annual saving, split by the reported basis
    (achieved vs target/projection); scored only where at least 5 achieved figures exist.

No parameter is set from these arrangements: the prior-collaboration uplift (which lifts
any group two of whose members share a real arrangement) is 0 unless ``--keep-prior-uplift``.
Writes ``benchmarks/results/<name>.json`` and ``<name>.md``; deterministic.
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

from sharedopt.candidates.appraise import GROUP, NOTES  # noqa: E402
from sharedopt.candidates.build import build_candidates  # noqa: E402
from sharedopt.candidates.table import (  # noqa: E402
    ANNUAL_NET_SAVING, CANDIDATE_ID, DEPTH, NPV, PARTNERSHIP_MODE, POOLED_SPEND, REALISATION_FACTOR,
    WHOLE_ORGANISATION_LABEL,
)
from sharedopt.candidates.value import CostBase  # noqa: E402
from sharedopt.pipeline.appraise import appraise  # noqa: E402
from sharedopt.pipeline.steps import load_inputs  # noqa: E402
from sharedopt.candidates.table import GENERAL_FUND_NPV  # noqa: E402
from validity_checks import city_of_london_culture, greedy_portfolio, lga_comparison  # noqa: E402
from validity_checks import spearman_by_service, totals  # noqa: E402
from validity_groups import arrangement_specs, arrangement_table, blank_sheet_config  # noqa: E402
from validity_groups import out_of_space, reference_rates, service_graph  # noqa: E402
from validity_measures import calibration, median_ci, mid_percentile, share_ci, sign_test  # noqa: E402
from validity_report import to_markdown  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def value_arrangements(inputs, config, arr: pd.DataFrame) -> pd.DataFrame:
    """The arrangements with their appraised values (best offered depth) and notes."""
    groups = appraise(config, arrangement_specs(arr), allow_unconnected=True, inputs=inputs).groups
    best = groups.loc[groups.groupby(GROUP, sort=False)[NPV].idxmax()].set_index(GROUP)
    keep = {CANDIDATE_ID: "candidate_id", NPV: "npv_gbp_k", GENERAL_FUND_NPV: "general_fund_npv_gbp_k",
            ANNUAL_NET_SAVING: "modelled_annual_net_saving_gbp_k", POOLED_SPEND: "pooled_spend_gbp_k",
            REALISATION_FACTOR: "realisation_factor", PARTNERSHIP_MODE: "partnership_mode", DEPTH: "depth",
            NOTES: "appraisal_notes"}
    valued = best[list(keep)].rename(columns=keep)
    return arr.join(valued, on="group")


def revealed_choice(inputs, config, arr: pd.DataFrame, max_size: int, limit: int) -> pd.DataFrame:
    """Per arrangement: its space, its reference set's size and its percentile (NPV per £ pooled)."""
    params = config.model
    base = CostBase.from_frames(inputs.authorities, inputs.costs, params)
    rows = []
    for row in arr.itertuples(index=False):
        graph = service_graph(base, params, inputs.graphs, row.model_service)
        k = params.whole_org_max_group_size if row.model_service == WHOLE_ORGANISATION_LABEL else params.max_group_size
        rec = {"why_not_in_space": out_of_space(row.members, row.model_service, graph, k),
               "n_reference": None, "percentile": None, "why_not_scored": ""}
        if row.n_members > max_size:
            rec["why_not_scored"] = f"{row.n_members} members > --max-size {max_size}"
        else:
            ref = reference_rates(base, params, inputs.graphs, row.model_service, tuple(row.members), limit)
            rec["why_not_scored"] = ref["why"]
            if ref["rates"] is not None and len(ref["rates"]):
                own = row.npv_gbp_k / row.pooled_spend_gbp_k
                rec.update(n_reference=int(len(ref["rates"])), percentile=mid_percentile(own, ref["rates"]))
        rows.append(rec)
    return pd.concat([arr.reset_index(drop=True), pd.DataFrame(rows)], axis=1)


def measures(frame: pd.DataFrame) -> dict:
    """The three measures with their intervals, and the issue's targets met or not."""
    space = frame[frame["why_not_in_space"] == ""]
    scored = frame["percentile"].dropna().astype(float)
    sign = sign_test(scored.tolist())
    med = median_ci(scored.to_numpy())
    cal = calibration(frame)
    all_rows = share_ci(int((frame["npv_gbp_k"] > 0).sum()), len(frame))
    return {
        "sign_test": {"all": all_rows, "in_candidate_space": share_ci(int((space["npv_gbp_k"] > 0).sum()), len(space)),
                      "n_positive_annual_net_saving": int((frame["modelled_annual_net_saving_gbp_k"] > 0).sum())},
        "revealed_choice": {"median_percentile": med, "above_50": sign},
        "calibration": cal,
        "targets": {
            "sign_test_share_at_least_0_75": all_rows["share"] is not None and all_rows["share"] >= 0.75,
            "revealed_median_above_50_and_share_above_half_p_below_0_05":
                med["median"] is not None and med["median"] > 50 and sign["p_value"] is not None
                and sign["p_value"] < 0.05,
            "achieved_calibration_within_0_67_1_5": cal["within_0_67_1_5"]},
    }


def git_commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def run(config_path: Path, model_updates: dict | None = None, keep_prior_uplift: bool = False,
        max_size: int = 7, limit: int = 2_000_000, extras: bool = False) -> dict:
    """Every measure; returns the JSON-safe result."""
    config = blank_sheet_config(config_path, model_updates, keep_prior_uplift)
    inputs = load_inputs(config)
    arr = value_arrangements(inputs, config, arrangement_table())
    frame = revealed_choice(inputs, config, arr, max_size, limit)
    frame["modelled_over_reported"] = np.where(frame["reported_annual_saving_gbp_k"] > 0,
                                               frame["modelled_annual_net_saving_gbp_k"]
                                               / frame["reported_annual_saving_gbp_k"], np.nan)
    res = dict(config=_rel(config_path), commit=git_commit(), model_updates=model_updates or {},
               prior_collaboration_uplift_kept=keep_prior_uplift, status_quo=False, max_size=max_size,
               depths=list(config.model.depths), measures=measures(frame),
               arrangements=json.loads(frame.drop(columns=["members"]).assign(
                   members=frame["members"].map(";".join)).to_json(orient="records")))
    if extras:
        res["extras"] = extra_checks(inputs, config)
    return res


def extra_checks(inputs, config) -> dict:
    """Spearman of NPV with population, City of London in Culture, a greedy portfolio against the LGA."""
    table = build_candidates(inputs.authorities, inputs.costs, config.model, graphs=inputs.graphs,
                             with_shares=False).table
    chosen = totals(greedy_portfolio(table, config.constraints))
    return dict(spearman=spearman_by_service(table), city_of_london_culture=city_of_london_culture(table),
                greedy_portfolio=chosen, lga=lga_comparison(chosen, None))


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
    ap.add_argument("--name", default="validity", help="output base name in benchmarks/results/")
    ap.add_argument("--markdown-only", action="store_true", help="rewrite <name>.md from <name>.json")
    ap.add_argument("--model-label", default=None, help="one line naming the model the run measured")
    ap.add_argument("--keep-prior-uplift", action="store_true",
                    help="keep the prior-collaboration uplift (default: 0, as it lifts every real arrangement)")
    ap.add_argument("--model-set", action="append", default=[], metavar="KEY=VALUE",
                    help="change a [model] setting, e.g. coordination_best_size=0 (VALUE read as JSON; repeatable)")
    ap.add_argument("--max-size", type=int, default=7,
                    help="largest real group whose reference set is listed for the revealed-choice percentile")
    ap.add_argument("--reference-limit", type=int, default=2_000_000,
                    help="most reference groups listed per arrangement (more: not scored)")
    ap.add_argument("--extras", action="store_true", help="also Spearman, City of London, greedy portfolio vs LGA")
    args = ap.parse_args(argv)
    if args.markdown_only:
        res = json.loads((RESULTS / f"{args.name}.json").read_text())
    else:
        res = run(args.config.resolve(), model_settings(args.model_set), args.keep_prior_uplift, args.max_size,
                  args.reference_limit, args.extras)
        if args.model_label:
            res["model_label"] = args.model_label
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{args.name}.json").write_text(json.dumps(res, indent=2, sort_keys=True) + "\n")
    text = to_markdown(res)
    (RESULTS / f"{args.name}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
