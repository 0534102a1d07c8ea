"""Cash flows, general-fund NPV and member shares of appraised groups.

The year-by-year money of each appraised group is :func:`sharedopt.results.cashflow.partnership_flows`,
the same profile (and the same ring-fenced / general-fund split) as a chosen partnership's
in ``council_cashflows.csv``. Discounted, a group's net cash adds up to its NPV; the part
that stays in ring-fenced grants (Dedicated Schools Grant, public health grant) and the
part that reaches the general fund add up to it too:
``npv = general_fund_npv + ring_fenced_npv``.
"""

from __future__ import annotations

import pandas as pd

from sharedopt.candidates.appraise import GROUP
from sharedopt.candidates.table import CANDIDATE_ID, GENERAL_FUND_NPV, MEMBER, NPV
from sharedopt.candidates.value import CostBase
from sharedopt.config.params import ModelParams
from sharedopt.results.cashflow import COLUMNS, partnership_flows

RING_FENCED_NPV = "ring_fenced_npv_gbp_k"
MEMBER_SHARE_COLUMNS = [GROUP, CANDIDATE_ID, "authority", "member_weight", NPV, GENERAL_FUND_NPV, RING_FENCED_NPV]


def appraisal_cashflows(table: pd.DataFrame, base: CostBase, params: ModelParams) -> pd.DataFrame:
    """One row per group, member and year (0..horizon): ``group`` then the cash-flow columns.

    Parameters
    ----------
    table : pandas.DataFrame
        Appraised rows (:func:`sharedopt.candidates.appraise.appraise_groups`).
    base : CostBase
    params : ModelParams

    Returns
    -------
    pandas.DataFrame
        In the order of ``table``; money in £ thousand.
    """
    frames = []
    for _, row in table.iterrows():
        flows = partnership_flows(row, base, params)
        flows.insert(0, GROUP, row[GROUP])
        frames.append(flows)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[GROUP, *COLUMNS])


def _discounted(flows: pd.DataFrame) -> pd.DataFrame:
    """Per row: discounted net, general-fund net and ring-fenced money."""
    d = flows["discount_factor"]
    return flows.assign(**{NPV: flows["discounted_net_gbp_k"], GENERAL_FUND_NPV: flows["general_fund_net_gbp_k"] * d,
                           RING_FENCED_NPV: flows["ring_fenced_gbp_k"] * d})


def member_shares(flows: pd.DataFrame) -> pd.DataFrame:
    """Each member's share of each group: its weight, NPV, general-fund and ring-fenced NPV (£k).

    A member's weight is its share of the pooled asset-tied spend; it pays that share of
    the costs and receives that share of the saving (:data:`sharedopt.config.assumptions.CASHFLOW_RULES`),
    so its NPV is the proportional share of the group's NPV.
    """
    if flows.empty:
        return pd.DataFrame(columns=MEMBER_SHARE_COLUMNS)
    money = _discounted(flows)
    keys = [GROUP, CANDIDATE_ID, "authority"]
    out = money.groupby(keys, sort=False).agg(
        member_weight=("member_weight", "first"), **{c: (c, "sum") for c in (NPV, GENERAL_FUND_NPV, RING_FENCED_NPV)})
    return out.reset_index()[MEMBER_SHARE_COLUMNS]


def with_ring_fenced(table: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """``table`` with each group's ring-fenced NPV (from its cash flows) after its general-fund NPV.

    The general-fund NPV is the candidate table's own column (:mod:`sharedopt.candidates.general_fund`).
    """
    money = _discounted(flows).groupby([GROUP, CANDIDATE_ID], sort=False)[RING_FENCED_NPV].sum()
    keyed = money.reindex(pd.MultiIndex.from_frame(table[[GROUP, CANDIDATE_ID]]))
    out = table.copy()
    out.insert(list(out.columns).index(GENERAL_FUND_NPV) + 1, RING_FENCED_NPV, keyed.to_numpy())
    return out


def with_myerson(shares: pd.DataFrame, myerson: pd.DataFrame) -> pd.DataFrame:
    """The members' shares with their Myerson share, standalone NPV and better-off-alone flag
    (:mod:`sharedopt.candidates.appraise_shares`; blank for groups too large for it)."""
    extra = myerson.rename(columns={MEMBER: "authority"})
    return shares.merge(extra, on=[GROUP, CANDIDATE_ID, "authority"], how="left", validate="one_to_one")
