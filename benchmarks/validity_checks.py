"""The validity benchmark's extra checks on the candidates table (``--extras``): Spearman per
service, the City of London in Culture, a greedy portfolio, spans, totals against the LGA."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sharedopt.candidates.wholeorg import KIND as WHOLE_ORG, LABEL as WHOLE_ORG_LABEL
from validity_measures import spearman_rows

CITY_OF_LONDON = "E09000001"
# LGA shared services map, as reported in 2019 (data/README.md, arrangements section):
LGA = {"partnerships": 626, "cumulative_savings_gbp_k": 1_340_000, "cumulative_to": "2019",
       "annual_savings_2018_19_gbp_k": 200_000,
       "source": "LGA shared services map (2019) as reported by Public Sector Executive, 29 Jul 2019: "
                 "'Over £1.34 billion in cumulative efficiency savings has been made from 626 shared "
                 "service arrangements ... with £200m in efficiency savings made during 2018/2019'"}
SPAN_ATTRS = ("max_span_km", "span_max_km")


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
