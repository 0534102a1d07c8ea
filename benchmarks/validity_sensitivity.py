"""SENSITIVITY of the validity benchmark (not the model): Central_Services re-valued.

(a) without the corporate and democratic core in the poolable base; (b) groups of
districts reading the fitted scale curve no further than the largest district in the
cost fit; (a+b) both. Used by ``benchmarks/validity.py``; nothing here changes the model.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from sharedopt.data.paths import data_dir
from sharedopt.candidates.value import CostBase, evaluate
from validity_measures import counterfactual_percentiles, fmt as _fmt, spearman_rows


BACK_OFFICE = "Central_Services"
CDC = "Corporate_Democratic_Core"


def cdc_shares(path: Path | None = None) -> dict[str, float]:
    """Tier class -> median share of Central_Services that is the corporate and democratic core.

    From ``data/derived/central_split_lancashire.csv`` (15 Lancashire councils' RO6 2024-25;
    districts 12 councils, the other classes one council each).
    """
    split = pd.read_csv(path or data_dir() / "derived" / "central_split_lancashire.csv")
    rows = split[split["service"] == CDC]
    return dict(zip(rows["group"], rows["share"].astype(float)))


def without_cdc(base: CostBase, shares: dict[str, float]) -> CostBase:
    """A copy of ``base`` whose Central_Services spend excludes the corporate and democratic core."""
    keep = np.array([1.0 - shares.get(t, shares.get("single-tier", 0.0)) for t in base.tier], dtype=float)
    spend = base.spend.copy()
    spend[:, base.service_index(BACK_OFFICE)] *= keep
    return dataclasses.replace(base, spend=spend)


def member_index(base: CostBase, members: pd.Series) -> np.ndarray:
    """(m, k) authority indices of ';'-joined member lists, padded with -1."""
    lists = [m.split(";") for m in members]
    width = max((len(m) for m in lists), default=1)
    out = np.full((len(lists), width), -1, dtype=int)
    for i, codes in enumerate(lists):
        out[i, :len(codes)] = base.index_of(codes)
    return out


def class_range_cap() -> float:
    """Largest district population in the Central_Services cost fit (the top of the district class's data)."""
    from sharedopt.candidates.costfit import cost_panel, fit_frame
    frame = fit_frame(cost_panel(), BACK_OFFICE)
    return float(frame.loc[frame["cls"] == "district", "population"].max())


def npv_function(base: CostBase, params, district_cap: float | None = None):
    """(members (m, k), realisation per group or None) -> Central_Services NPV; with ``district_cap``,
    groups of districts only read the scale curve no further than ``district_cap`` (the curve's
    population is clipped there). Realisation: each candidate's own, as in the run."""
    def npv(idx: np.ndarray, realisation: np.ndarray | None = None) -> np.ndarray:
        values = evaluate(base, params, (BACK_OFFICE,), idx, realisation)["npv_gbp_k"]
        if district_cap is None or base.curves is None or BACK_OFFICE not in base.curves or not len(idx):
            return values
        curve = dataclasses.replace(base.curves[BACK_OFFICE], p_hi=min(base.curves[BACK_OFFICE].p_hi, district_cap))
        capped = dataclasses.replace(base, curves={**base.curves, BACK_OFFICE: curve})
        district = np.all((idx < 0) | (base.tier[np.maximum(idx, 0)] == "district"), axis=1)
        if district.any():
            values = values.copy()
            part = None if realisation is None else np.asarray(realisation)[district]
            values[district] = evaluate(capped, params, (BACK_OFFICE,), idx[district], part)["npv_gbp_k"]
        return values
    return npv


def revalue(base: CostBase, npv, table: pd.DataFrame) -> pd.DataFrame:
    """Central_Services candidates re-valued with ``npv``; only those still positive."""
    if not len(table):
        return table
    values = npv(member_index(base, table["members"]), table["realisation_factor"].to_numpy(dtype=float))
    return table.assign(npv_gbp_k=values)[values > 0].reset_index(drop=True)


def _variant(base: CostBase, npv, scale: pd.DataFrame, arr_table: pd.DataFrame, arr: pd.DataFrame) -> dict:
    """Spearman rows and the Central_Services arrangements' percentiles under one re-valuation."""
    after, reference = revalue(base, npv, scale), revalue(base, npv, arr_table)
    rows = []
    for r in arr[(arr["service"] == BACK_OFFICE) & arr["in_candidate_space"]].itertuples(index=False):
        codes = tuple(r.members.split(";"))
        same = arr_table.loc[arr_table["members"] == r.members, "realisation_factor"]
        realisation = np.array([float(same.iloc[0])]) if len(same) else None  # else the scenario's
        value = float(npv(base.index_of(list(codes))[None, :], realisation)[0])
        cf = counterfactual_percentiles(reference, codes, value)
        rows.append(dict(arrangement=r.arrangement, n_members=r.n_members, npv_gbp_k=value,
                         percentile=cf["national"], percentile_size_matched=cf["size_matched"],
                         percentile_own_options=cf["own_options"]))
    frame = pd.DataFrame(rows)
    medians = {c: float(frame[c].median()) for c in ("percentile", "percentile_size_matched",
                                                     "percentile_own_options")} if len(frame) else {}
    return dict(spearman=spearman_rows(after), n_positive=int(len(after)), arrangements=rows,
                median_percentiles=medians)


def central_sensitivity(inputs, config, full: pd.DataFrame, arr_table: pd.DataFrame, arr: pd.DataFrame) -> dict:
    """SENSITIVITY (benchmark only, not the model): two data-based changes to Central_Services.

    (a) **no democratic core**: a back-office partnership pools processing, systems and
    staff, not members' allowances, committee support or the statutory corporate core,
    which stay with each council: every member's Central_Services spend is cut by its
    class's corporate and democratic core share (Lancashire RO6 median). (b) **within the
    class's data**: for groups of districts the fitted curve is read no further than the
    largest district in the fit (above it the district slope is an extrapolation carried
    by the other classes). (a+b) both. Candidates re-valued with the model's own terms;
    both changes lower the scale term, so the candidates still positive are (up to the
    convergence term's second-order rise) a subset of today's, and re-valuing today's
    positive table covers them.
    """
    shares, cap = cdc_shares(), class_range_cap()
    base = CostBase.from_frames(inputs.authorities, inputs.costs, config.model)
    cut = without_cdc(base, shares)
    scale = full[(full["kind"] == "scale") & (full["services"] == BACK_OFFICE)]
    variants = {"model": (base, npv_function(base, config.model)),
                "a_no_democratic_core": (cut, npv_function(cut, config.model)),
                "b_within_district_range": (base, npv_function(base, config.model, cap)),
                "a_plus_b": (cut, npv_function(cut, config.model, cap))}
    return dict(label="SENSITIVITY, not the model: Central_Services re-valued (a) without the corporate and "
                      "democratic core, (b) within the district class's data range, (a+b) both",
                cdc_share_by_class=shares, district_cap_population=cap,
                variants={name: _variant(b, f, scale, arr_table, arr) for name, (b, f) in variants.items()})


def sensitivity_lines(res: dict) -> list[str]:
    """The sensitivity's Markdown section (empty when the result has none)."""
    sens = res.get("sensitivity_central")
    if not sens:
        return []
    shares = ", ".join(f"{k} {v:.3f}" for k, v in sorted(sens["cdc_share_by_class"].items()))
    names = {"model": "model (as run)", "a_no_democratic_core": "(a) without the democratic core",
             "b_within_district_range": f"(b) district groups read the curve up to {sens['district_cap_population']:,.0f}",
             "a_plus_b": "(a) + (b)"}
    lines = ["", f"## {sens['label']}", "",
             f"(a) Corporate and democratic core share of Central_Services by class (Lancashire RO6 2024-25 "
             f"median): {shares}; each member's Central_Services budget is cut by its class's share. "
             f"(b) For groups of districts only, the fitted curve's population is clipped at the largest "
             f"district in the cost fit ({sens['district_cap_population']:,.0f}), so a district group gains no "
             "scale beyond what districts in the data show. The config's Central_Services scale candidates "
             "are re-valued with the model's own terms, in this script only.", "",
             "| variant | positive candidates | rho, all sizes | rho, NPV per £ pooled | rho, pairs | rho, triples "
             "| arrangements' median: national | size-matched | own options |",
             "|---|---|---|---|---|---|---|---|---|"]
    for key, v in sens["variants"].items():
        r, m = v["spearman"], v["median_percentiles"]
        lines.append(f"| {names.get(key, key)} | {v['n_positive']:,} | {_fmt(r['spearman_npv_population'], 3)} | "
                     f"{_fmt(r.get('spearman_rate_population'), 3)} | {_fmt(r['spearman_size_2'], 3)} | "
                     f"{_fmt(r['spearman_size_3'], 3)} | {_fmt(m.get('percentile'), 2)} | "
                     f"{_fmt(m.get('percentile_size_matched'), 2)} | {_fmt(m.get('percentile_own_options'), 2)} |")
    return lines
