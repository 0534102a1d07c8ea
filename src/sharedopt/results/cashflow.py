"""Each council's money, year by year, in every chosen partnership.

For a partnership with annual saving ``S`` (after realisation), governance ``G``, distance
(coordination) cost ``D`` and one-off cost ``C`` the yearly profile is the one its NPV is built from
(:mod:`sharedopt.candidates.value`): year 0 carries the whole one-off cost; year ``t = 1..H``
carries ``ramp_t * S`` of saving (``ramp_t = min(1, t / ramp_years)``), ``G`` of
governance and ``D`` of distance cost. Discounted at ``discount_rate`` the yearly net cash adds up to the
candidate's ``npv_gbp_k``.

Members share it under one rule (:data:`sharedopt.config.assumptions.CASHFLOW_RULES`): each
member's weight is its share of the partnership's pooled asset-tied spend; it pays that
share of the one-off and recurring costs and receives that share of the saving, so its
NPV is its proportional share in ``shares.csv``. Of a member's saving, the part from
ring-fenced services (:data:`sharedopt.config.assumptions.RING_FENCED_SHARES`: Dedicated Schools
Grant for education, the public health grant) stays ring-fenced; the rest reaches the
general fund, which also pays the costs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sharedopt.candidates.depth import depth_params
from sharedopt.candidates.general_fund import member_weights as group_weights
from sharedopt.candidates.value import CostBase, asset_budget
from sharedopt.config.assumptions import CASHFLOW_RULES, RING_FENCED_SHARES
from sharedopt.config.params import ModelParams
from sharedopt.candidates.table import (
    ANNUAL_SAVING, CANDIDATE_ID, COST_DISTANCE, DEPTH, GENERAL_FUND_NPV, GOVERNANCE_COST, MEMBER, MEMBERS, NPV, ONE_OFF_COST, SERVICES,
    SHARE_PROPORTIONAL, split_codes,
)

SAVING = "saving_gbp_k"
DISTANCE = "distance_cost_gbp_k"
NET_CASH = "net_cash_gbp_k"
RING_FENCED = "ring_fenced_gbp_k"
BETTER_OFF_ALONE_GENERAL_FUND = "better_off_alone_general_fund"
GENERAL_FUND_NET = "general_fund_net_gbp_k"

#: The terms of a net-cash figure and their signs: ``net cash = saving - one-off - governance - distance``.
#: Every table of money (council_cashflows.csv, the workbook's cash-flow and councils sheets, the
#: report's "Each council's money") shows these four terms beside the net cash they add up to.
NET_TERMS: tuple[tuple[str, int], ...] = ((SAVING, 1), (ONE_OFF_COST, -1), (GOVERNANCE_COST, -1), (DISTANCE, -1))
#: Plain names of the terms, for headers.
TERM_LABELS = {SAVING: "Saving", ONE_OFF_COST: "One-off cost", GOVERNANCE_COST: "Governance and coordination",
               DISTANCE: "Distance cost", NET_CASH: "Net cash", RING_FENCED: "Ring-fenced",
               GENERAL_FUND_NET: "General fund net"}
#: The columns of a partnership's year-by-year table: the terms, then the net cash.
FLOW_COLUMNS = [name for name, _ in NET_TERMS] + [NET_CASH]

COLUMNS = ["authority", CANDIDATE_ID, "year", "member_weight", ONE_OFF_COST, SAVING,
           GOVERNANCE_COST, DISTANCE, NET_CASH, RING_FENCED, "general_fund_gbp_k",
           GENERAL_FUND_NET, "discount_factor", "discounted_net_gbp_k"]


def net_of(terms) -> object:
    """Net cash from its terms (a mapping or DataFrame holding the :data:`NET_TERMS` columns)."""
    return sum(sign * terms[name] for name, sign in NET_TERMS)


def partnership_years(flows: pd.DataFrame) -> pd.DataFrame:
    """Each partnership's yearly terms and net cash, summed over its members.

    Parameters
    ----------
    flows : pandas.DataFrame
        :func:`council_cashflows` rows.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``candidate_id``, ``year``); columns :data:`FLOW_COLUMNS`, the net cash
        recomputed from the summed terms (so it adds up whatever the rounding).
    """
    table = flows.groupby([CANDIDATE_ID, "year"], sort=True)[FLOW_COLUMNS[:-1]].sum()
    table[NET_CASH] = net_of(table)
    return table


def year_profile(params: ModelParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Years ``0..horizon``, the ramp share of the saving each year and the discount factors."""
    years = np.arange(params.horizon_years + 1)
    ramp = np.where(years == 0, 0.0, np.minimum(1.0, years / params.ramp_years))
    discount = (1.0 + params.discount_rate) ** -years.astype(float)
    return years, ramp, discount


def member_weights(base: CostBase, params: ModelParams, services: tuple[str, ...],
                   members: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each member's share of the pooled asset-tied spend and the ring-fenced share of its saving.

    Equal weights when the members have no asset-tied spend at all (a forced candidate); the rule
    is :func:`sharedopt.candidates.general_fund.member_weights`, which the candidate table's
    general-fund columns use too.
    """
    rows = base.index_of(members)[None, :]
    assets = np.stack([asset_budget(base, params, s)[rows] for s in services])  # (services, 1, members)
    fenced = np.array([params.ring_fenced_shares.get(s, 0.0) for s in services])
    weights, ring = group_weights(assets, fenced, np.ones_like(rows, dtype=bool))
    return weights[0], ring[0]


def shared_weights(shares: pd.DataFrame | None, cid: str, members: list[str], npv: float) -> np.ndarray | None:
    """Each member's weight as the shares table's pooled-spend split of the NPV (None when it cannot say).

    So a council's NPV in the cash flows is, by construction, its ``npv_share_proportional_gbp_k``.
    """
    if shares is None or not len(shares) or abs(npv) < 1e-9:
        return None
    mine = shares[shares[CANDIDATE_ID] == cid].set_index(MEMBER)[SHARE_PROPORTIONAL]
    if not set(members) <= set(mine.index):
        return None
    weights = mine.reindex(members).to_numpy(dtype=float) / npv
    return weights if np.all(np.isfinite(weights)) and abs(weights.sum() - 1.0) < 1e-6 else None


def partnership_flows(row: pd.Series, base: CostBase, params: ModelParams,
                      shares: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows (member x year) of one partnership's cash flows (at its depth's ramp: sharedopt.candidates.depth)."""
    if row.get(DEPTH) in params.depth_settings:
        params = depth_params(params, row[DEPTH])
    members = split_codes(row[MEMBERS])
    services = tuple(split_codes(row[SERVICES]))
    weights, ring = member_weights(base, params, services, members)
    split = shared_weights(shares, row[CANDIDATE_ID], members, float(row.get(NPV, 0.0)))
    weights = weights if split is None else split
    years, ramp, discount = year_profile(params)
    saving = ramp * float(row[ANNUAL_SAVING])
    governance = np.where(years == 0, 0.0, float(row[GOVERNANCE_COST]))
    distance = np.where(years == 0, 0.0, float(row.get(COST_DISTANCE, 0.0)))
    one_off = np.where(years == 0, float(row[ONE_OFF_COST]), 0.0)
    w = weights[:, None]
    frame = pd.DataFrame({
        "authority": np.repeat(members, len(years)),
        CANDIDATE_ID: row[CANDIDATE_ID],
        "year": np.tile(years, len(members)),
        "member_weight": np.repeat(weights, len(years)),
        ONE_OFF_COST: (w * one_off).ravel(),
        SAVING: (w * saving).ravel(),
        GOVERNANCE_COST: (w * governance).ravel(),
        DISTANCE: (w * distance).ravel(),
        RING_FENCED: (w * ring[:, None] * saving).ravel(),
        "discount_factor": np.tile(discount, len(members)),
    })
    frame[NET_CASH] = net_of(frame)
    frame["general_fund_gbp_k"] = frame[SAVING] - frame[RING_FENCED]
    frame[GENERAL_FUND_NET] = frame[NET_CASH] - frame[RING_FENCED]
    frame["discounted_net_gbp_k"] = frame[NET_CASH] * frame["discount_factor"]
    return frame[COLUMNS]


def council_cashflows(portfolio: pd.DataFrame, base: CostBase, params: ModelParams,
                      shares: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per council, chosen partnership and year (0..horizon), sorted.

    Parameters
    ----------
    portfolio : pandas.DataFrame
        Chosen candidates (``candidate_id, services, members, annual_saving_gbp_k,
        governance_cost_gbp_k, one_off_cost_gbp_k``).
    base : CostBase
    params : ModelParams
    shares : pandas.DataFrame, optional
        The shares table: when given, each member's weight is its pooled-spend share of the NPV
        there (:func:`shared_weights`), the one per-council rule every table uses.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; money in £ thousand, undiscounted except
        ``discounted_net_gbp_k``.
    """
    if portfolio is None or len(portfolio) == 0:
        return pd.DataFrame(columns=COLUMNS)
    by_candidate = _shares_by_candidate(shares, portfolio[CANDIDATE_ID])
    frames = [partnership_flows(row, base, params, by_candidate.get(row[CANDIDATE_ID]))
              for _, row in portfolio.iterrows()]
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["authority", CANDIDATE_ID, "year"], kind="stable").reset_index(drop=True)


def _shares_by_candidate(shares: pd.DataFrame | None, ids: pd.Series) -> dict[str, pd.DataFrame]:
    """The shares table's rows of each of ``ids``, found in one pass (not one scan per partnership)."""
    if shares is None or not len(shares):
        return {}
    mine = shares[shares[CANDIDATE_ID].isin(set(ids))]
    return {cid: rows for cid, rows in mine.groupby(CANDIDATE_ID, sort=False)}


def council_totals(flows: pd.DataFrame, authorities) -> list[dict]:
    """Per-council totals over the horizon (undiscounted sums, NPV and general-fund NPV).

    ``better_off_alone_general_fund`` is True for a council whose general-fund NPV from its chosen
    partnerships is negative (its share of every cost exceeds the saving it can bank, ring-fenced
    savings left out): judged on the general fund, it is better off alone.
    """
    if flows.empty:
        return []
    money = [ONE_OFF_COST, SAVING, GOVERNANCE_COST, DISTANCE, NET_CASH,
             RING_FENCED, "general_fund_gbp_k", GENERAL_FUND_NET]
    grouped = flows.groupby("authority", sort=True)
    table = grouped[money].sum()
    table[NPV] = grouped["discounted_net_gbp_k"].sum()
    table[GENERAL_FUND_NPV] = (flows[GENERAL_FUND_NET] * flows["discount_factor"]).groupby(flows["authority"]).sum()
    table["n_partnerships"] = grouped[CANDIDATE_ID].nunique()
    names = authorities["name"] if authorities is not None and "name" in authorities else {}
    rows = []
    for code, values in table.iterrows():
        rows.append({"authority": code, "name": str(names.get(code, code)),
                     "n_partnerships": int(values["n_partnerships"]),
                     **{k: float(values[k]) for k in money + [NPV, GENERAL_FUND_NPV]},
                     # alone, its general fund neither pays nor gains: better off alone when its partnerships lose it money
                     BETTER_OFF_ALONE_GENERAL_FUND: bool(values[GENERAL_FUND_NPV] < 0)})
    return rows


MTFS_YEARS = 5  # a council's medium-term financial strategy: 3-5 years


def medium_term(flows: pd.DataFrame, years: int = MTFS_YEARS) -> dict:
    """The general fund's net cash in years 0..``years`` (the medium-term financial strategy view).

    Per year over the whole portfolio, per partnership and per council, undiscounted £k: what the
    councils' general funds gain or pay (ring-fenced savings left out, every cost in), and the
    cumulative position at the end of the period.
    """
    if flows.empty:
        return {"years": years, "by_year": [], "by_partnership": [], "by_authority": []}
    near = flows[flows["year"] <= years]
    col = "general_fund_net_gbp_k"

    def rows(key: str) -> list[dict]:
        table = near.pivot_table(index=key, columns="year", values=col, aggfunc="sum", fill_value=0.0)
        return [{key: str(k), "by_year": [float(v) for v in row.to_numpy()], "cumulative": float(row.sum())}
                for k, row in table.sort_index().iterrows()]

    by_year = near.groupby("year")[col].sum()
    return {"years": years, "by_year": [float(v) for v in by_year.to_numpy()],
            "cumulative": float(by_year.sum()), "by_partnership": rows(CANDIDATE_ID),
            "by_authority": rows("authority"),
            "note": f"General-fund net cash, years 0..{years}, undiscounted £k (the medium-term view); "
                    "ring-fenced savings left out, every cost in."}


def cashflow_summary(flows: pd.DataFrame, authorities, params: ModelParams) -> dict:
    """The ``cash_flows`` block of summary.json: the rules in force and per-council totals."""
    fenced = {}
    for service, value in sorted(params.ring_fenced_shares.items()):
        default = RING_FENCED_SHARES.get(service, {})
        same = default.get("value") == value
        fenced[service] = {"value": value, "range": list(default["range"]) if same else None,
                           "source": default["source"] if same else "config override"}
    return {
        "rules": dict(CASHFLOW_RULES),
        "ring_fenced_shares": fenced,
        "by_authority": council_totals(flows, authorities),
        "medium_term": medium_term(flows),
        "note": "Money in £ thousand over years 0..horizon, undiscounted except npv_gbp_k; "
                "year-by-year rows in council_cashflows.csv.",
    }
