"""The candidate contract: column names, ids, kinds and the ';'-joined code lists.

Every candidate is one row of the candidate table (:data:`CANDIDATE_COLUMNS`, then
the readiness checklist columns); its per-member split of the NPV is in the shares
table (:data:`SHARE_COLUMNS`). The ``members`` and ``services`` cells list codes
joined by ``';'`` (:func:`join_codes`, :func:`split_codes`).

A candidate id is ``"<service>[+<service>]|<code>[+<code>...]"`` (whole-organisation
candidates: ``"Whole_Organisation|code+code"``), suffixed ``"@<depth>"`` at any depth
but the reference one (:func:`make_id`, :func:`parse_id`, :func:`with_depth`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sharedopt.config.assumptions import DEPTH_REFERENCE

# candidate table columns
CANDIDATE_ID = "candidate_id"
KIND = "kind"
SERVICES = "services"
MEMBERS = "members"
N_MEMBERS = "n_members"
POPULATION = "population"
SPAN = "span_km"
BASELINE_SPEND = "baseline_spend_gbp_k"
POOLED_SPEND = "pooled_spend_gbp_k"
SAVING_SCALE = "saving_scale_gbp_k"
SAVING_EFFICIENCY = "saving_efficiency_gbp_k"
SAVING_SCOPE = "saving_scope_gbp_k"
COST_DISTANCE = "cost_distance_gbp_k"
COST_GOVERNANCE = "cost_governance_gbp_k"
COST_COORDINATION = "cost_coordination_gbp_k"  # of which, in cost_governance_gbp_k
SCALE_SAVING = "scale_saving_gbp_k"
SCOPE_SAVING = "scope_saving_gbp_k"
REALISATION_FACTOR = "realisation_factor"
ANNUAL_SAVING = "annual_saving_gbp_k"
GOVERNANCE_COST = "governance_cost_gbp_k"
ANNUAL_NET_SAVING = "annual_net_saving_gbp_k"
ONE_OFF_COST = "one_off_cost_gbp_k"
EXIT_COST = "exit_cost_expected_gbp_k"  # of which, in one_off_cost_gbp_k
SUCCESS_PROBABILITY = "p_success"
NPV_IF_SUCCESS = "npv_if_success_gbp_k"
NPV_IF_FAILURE = "npv_if_failure_gbp_k"
GENERAL_FUND_NPV = "general_fund_npv_gbp_k"
MIN_MEMBER_GENERAL_FUND_NPV = "min_member_general_fund_npv_gbp_k"
NPV = "npv_gbp_k"
PAYBACK_YEARS = "payback_years"
ESTIMATED = "estimated"
DEPTH = "depth"
PARTNERSHIP_MODE = "partnership_mode"

#: The valued columns of the candidate table, in order (the readiness checklist follows).
#: Every money column is an expected value over success (probability ``success_probability``)
#: and failure. The five terms ``saving_scale``, ``saving_efficiency``, ``saving_scope``,
#: ``- cost_distance`` and ``- cost_governance`` add up to ``annual_net_saving_gbp_k``;
#: ``cost_coordination`` is the part of ``cost_governance`` that grows with the number of partners
#: and the pooled budget; ``exit_cost_expected`` the part of ``one_off_cost`` paid only on failure.
#: ``npv = p * npv_if_success + (1 - p) * npv_if_failure``. ``general_fund_npv`` is the part of
#: ``npv`` a council can bank (ring-fenced savings left out), ``min_member_general_fund_npv`` the
#: worst-off member's share of it (:mod:`sharedopt.candidates.general_fund`).
CANDIDATE_COLUMNS = (
    CANDIDATE_ID, KIND, SERVICES, MEMBERS, N_MEMBERS, POPULATION, SPAN, BASELINE_SPEND, POOLED_SPEND,
    SAVING_SCALE, SAVING_EFFICIENCY, SAVING_SCOPE, COST_DISTANCE, COST_GOVERNANCE, COST_COORDINATION, SCALE_SAVING,
    SCOPE_SAVING, REALISATION_FACTOR, ANNUAL_SAVING, GOVERNANCE_COST, ANNUAL_NET_SAVING, ONE_OFF_COST,
    EXIT_COST, NPV, SUCCESS_PROBABILITY, NPV_IF_SUCCESS, NPV_IF_FAILURE, GENERAL_FUND_NPV,
    MIN_MEMBER_GENERAL_FUND_NPV, PAYBACK_YEARS, ESTIMATED,
)

# shares table columns
MEMBER = "member"
SHARE_PROPORTIONAL = "npv_share_proportional_gbp_k"
SHARE_SHAPLEY = "npv_share_shapley_gbp_k"
STANDALONE_NPV = "standalone_npv_gbp_k"
BETTER_OFF_ALONE = "better_off_alone"

#: The per-council NPV rule every table, map and tooltip uses by default: the pooled-spend share
#: (each member's share of the partnership's pooled asset-tied spend), the rule the cash flows are
#: built on, so a council's NPV share equals its discounted net cash. The Myerson (Shapley) share
#: stays available in the shares table, named as such.
DEFAULT_SHARE = SHARE_PROPORTIONAL
#: Plain names of the share rules, for headers and tooltips.
SHARE_RULES = {SHARE_PROPORTIONAL: "pooled-spend share", SHARE_SHAPLEY: "Myerson (Shapley) share"}

#: The columns of the shares table, in order.
SHARE_COLUMNS = (CANDIDATE_ID, MEMBER, SHARE_PROPORTIONAL, SHARE_SHAPLEY, STANDALONE_NPV, BETTER_OFF_ALONE)

#: Columns that repeat another under an older name (old -> canonical: the same figure). The canonical
#: names are ``saving_scale_gbp_k``, ``saving_scope_gbp_k`` and ``cost_governance_gbp_k``; read those.
#: The old names stay in the candidate table (and ``governance_cost_gbp_k`` in the summary's totals)
#: until sharedopt :data:`DUPLICATES_REMOVED_IN`; user outputs (CSV, workbook) write only the canonical name.
DUPLICATE_COLUMNS = {SCALE_SAVING: SAVING_SCALE, SCOPE_SAVING: SAVING_SCOPE, GOVERNANCE_COST: COST_GOVERNANCE}
#: The version that drops the old names of :data:`DUPLICATE_COLUMNS`.
DUPLICATES_REMOVED_IN = "0.2.0"

# kinds
SCALE = "scale"
SCOPE = "scope"
SCALE_AND_SCOPE = "scale+scope"
WHOLE_ORGANISATION = "whole_organisation"
#: The services part of a whole-organisation candidate's id.
WHOLE_ORGANISATION_LABEL = "Whole_Organisation"

# separators
CODE_SEPARATOR = ";"  # between codes in a members / services cell
ID_PART_SEPARATOR = "|"  # between the services and the members of an id
ID_CODE_SEPARATOR = "+"  # between codes inside an id
DEPTH_SEPARATOR = "@"  # before the depth suffix of an id


@dataclass(frozen=True)
class CandidateSet:
    """Candidates, their per-member shares and the enumeration report.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per kept candidate (:data:`CANDIDATE_COLUMNS`, then the checklist).
    shares : pandas.DataFrame
        :data:`SHARE_COLUMNS`.
    enumeration : pandas.DataFrame
        Per service (pair) and kind: groups enumerated, kept, pruned, seconds.
    graphs : dict
        The neighbour graph used for each service.
    generation : sharedopt.solve.generate.Generation or None
        Set when the scale candidates were generated by column generation (too many
        to list): the table then holds the generated subset, and
        ``generation.lp_bound`` bounds the portfolio over every connected group.
    """

    table: pd.DataFrame
    shares: pd.DataFrame
    enumeration: pd.DataFrame
    graphs: dict
    generation: object = None  # sharedopt.solve.generate.Generation when scale candidates were generated


def without_duplicates(frame: pd.DataFrame) -> pd.DataFrame:
    """The table without the older name of any column it also holds under its canonical name.

    Parameters
    ----------
    frame : pandas.DataFrame
        A candidate-shaped table (the portfolio, the candidates).

    Returns
    -------
    pandas.DataFrame
        ``frame`` less each :data:`DUPLICATE_COLUMNS` key whose canonical column is present
        (an older table holding only the old name keeps it).
    """
    drop = [old for old, new in DUPLICATE_COLUMNS.items() if old in frame.columns and new in frame.columns]
    return frame.drop(columns=drop) if drop else frame


def join_codes(codes: Iterable[str]) -> str:
    """One ``members`` or ``services`` cell from its codes.

    Parameters
    ----------
    codes : iterable of str
        Authority codes or service names, in the order to keep.

    Returns
    -------
    str
        The codes joined by ``';'``.

    Examples
    --------
    >>> join_codes(["E06000001", "E06000002"])
    'E06000001;E06000002'
    """
    return CODE_SEPARATOR.join(codes)


def split_codes(cell) -> list[str]:
    """The codes of one ``members`` or ``services`` cell (blank entries and spaces dropped).

    Parameters
    ----------
    cell : str
        A ``';'``-joined cell (anything else is read as its ``str``).

    Returns
    -------
    list of str
        The codes in cell order.

    Examples
    --------
    >>> split_codes("E06000001;E06000002")
    ['E06000001', 'E06000002']
    >>> split_codes("")
    []
    """
    return [part.strip() for part in str(cell).split(CODE_SEPARATOR) if part.strip()]


def member_codes(table: pd.DataFrame) -> list[list[str]]:
    """The member codes of every row of a candidate table.

    Parameters
    ----------
    table : pandas.DataFrame
        With a ``members`` column.

    Returns
    -------
    list of list of str
        Per row, its members in cell order.
    """
    return [split_codes(cell) for cell in table[MEMBERS].tolist()]


def make_id(services: Iterable[str], codes: Iterable[str]) -> str:
    """The id of a candidate at the reference depth.

    Parameters
    ----------
    services : iterable of str
        Its services (or ``[WHOLE_ORGANISATION_LABEL]``).
    codes : iterable of str
        Its members' codes, sorted.

    Returns
    -------
    str
        ``"<service>[+<service>]|<code>[+<code>...]"``.

    Examples
    --------
    >>> make_id(["Libraries"], ["E06000001", "E06000002"])
    'Libraries|E06000001+E06000002'
    """
    return ID_CODE_SEPARATOR.join(services) + ID_PART_SEPARATOR + ID_CODE_SEPARATOR.join(codes)


def split_id(candidate_id: str) -> tuple[str, str]:
    """``(id without depth, depth)`` of a candidate id; no suffix means the reference depth.

    Parameters
    ----------
    candidate_id : str

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> split_id("Libraries|E06000001+E06000002@coordination")
    ('Libraries|E06000001+E06000002', 'coordination')
    >>> split_id("Environment|E06000001+E06000002")
    ('Environment|E06000001+E06000002', 'lead_council')
    """
    head, sep, depth = str(candidate_id).partition(DEPTH_SEPARATOR)
    return (head, depth) if sep else (head, DEPTH_REFERENCE)


def with_depth(candidate_id: str, depth: str) -> str:
    """The id of a candidate at ``depth`` (the reference depth adds no suffix).

    Parameters
    ----------
    candidate_id : str
        An id without depth suffix.
    depth : str

    Returns
    -------
    str
    """
    return candidate_id if depth == DEPTH_REFERENCE else f"{candidate_id}{DEPTH_SEPARATOR}{depth}"


def parse_id(candidate_id: str) -> tuple[tuple[str, ...], list[str], str]:
    """The services, member codes and depth named by a candidate id.

    Parameters
    ----------
    candidate_id : str
        ``"<service>[+<service>]|<code>[+<code>...][@depth]"``.

    Returns
    -------
    services : tuple of str
    codes : list of str
        In id order.
    depth : str

    Raises
    ------
    ValueError
        The id has not exactly one ``'|'``.

    Examples
    --------
    >>> parse_id("Libraries+Culture|E06000001+E06000002@pooled")
    (('Libraries', 'Culture'), ['E06000001', 'E06000002'], 'pooled')
    """
    plain, depth = split_id(candidate_id)
    service_part, member_part = plain.split(ID_PART_SEPARATOR)
    return tuple(service_part.split(ID_CODE_SEPARATOR)), member_part.split(ID_CODE_SEPARATOR), depth


def group_kinds(n_services: int, sizes: np.ndarray) -> np.ndarray:
    """The ``kind`` of groups of ``sizes`` members sharing ``n_services`` services.

    Parameters
    ----------
    n_services : int
        1 (scale) or 2 (scope, or scale+scope when more than one body).
    sizes : numpy.ndarray
        Members per group.

    Returns
    -------
    numpy.ndarray
        Object array of :data:`SCALE`, :data:`SCOPE` or :data:`SCALE_AND_SCOPE`.
    """
    sizes = np.asarray(sizes)
    if n_services == 1:
        return np.full(len(sizes), SCALE, dtype=object)
    return np.where(sizes == 1, SCOPE, SCALE_AND_SCOPE).astype(object)


def candidate_frame(ids: list[str], kinds, services, codes: list[list[str]], values: dict) -> pd.DataFrame:
    """A candidate table from its ids, kinds, services cell(s), member codes and valued columns.

    Parameters
    ----------
    ids : list of str
    kinds : str or array-like
        One kind for all rows, or one per row.
    services : str or list of str
        One ``services`` cell for all rows, or one per row.
    codes : list of list of str
        Per row, its members' codes.
    values : dict of str to array-like
        Further columns, in order.

    Returns
    -------
    pandas.DataFrame
    """
    columns = candidate_columns(ids, kinds, services, [join_codes(c) for c in codes])
    columns.update(values)  # in one go: a column at a time copies the frame's blocks each time
    return pd.DataFrame(columns)


def candidate_columns(ids, kinds, services, members) -> dict:
    """The leading columns of a candidate table, in its order: id, kind, services and members cells.

    Parameters
    ----------
    ids, kinds, services, members : array-like or str
        One value per row (``kinds`` and ``services`` may be one value for all rows); ``members``
        holds the joined member cells (:func:`join_codes`).

    Returns
    -------
    dict
        Column name -> values.
    """
    return {CANDIDATE_ID: ids, KIND: kinds, SERVICES: services, MEMBERS: members}
