"""What the maps show, taken from the run's tables.

The saving each council is shaded by (its NPV shares over the chosen
partnerships), the services in the portfolio and the partnerships of one
service.
"""

from __future__ import annotations

import re

import pandas as pd

from sharedopt.candidates.table import CANDIDATE_ID, DEFAULT_SHARE, MEMBER, SERVICES, SHARE_PROPORTIONAL, SHARE_SHAPLEY
from sharedopt.report.map.fill import split_list

__all__ = ["authority_savings", "filter_service", "portfolio_services", "service_slug"]


def service_slug(service: str) -> str:
    """File-name-safe slug for a service name.

    Parameters
    ----------
    service : str
        Service name, e.g. ``'Waste & recycling'``.

    Returns
    -------
    str
        Lower-case ASCII letters, digits and underscores, e.g.
        ``'waste_recycling'``; ``'service'`` if nothing is left.
    """
    slug = re.sub(r"[^a-z0-9]+", "_", str(service).lower()).strip("_")
    return slug or "service"


def authority_savings(authorities: pd.DataFrame, portfolio: pd.DataFrame, shares: pd.DataFrame) -> pd.Series:
    """Projected saving per authority over the chosen partnerships.

    Parameters
    ----------
    authorities : pandas.DataFrame
        Indexed by authority code.
    portfolio : pandas.DataFrame
        Chosen partnerships; needs ``candidate_id``.
    shares : pandas.DataFrame
        ``candidate_id``, ``member`` and the default share column
        (:data:`sharedopt.candidates.table.DEFAULT_SHARE`, the pooled-spend share;
        falls back to the other rule's column if it is absent).

    Returns
    -------
    pandas.Series
        £k per authority code, aligned to ``authorities.index``; 0 for
        authorities in no chosen partnership.
    """
    column = _share_column(shares)
    index = authorities.index
    if column is None or portfolio.empty or CANDIDATE_ID not in portfolio:
        return pd.Series(0.0, index=index, name="saving_gbp_k")
    chosen = shares[shares[CANDIDATE_ID].isin(portfolio[CANDIDATE_ID])]
    values = pd.to_numeric(chosen[column], errors="coerce").fillna(0.0)
    totals = values.groupby(chosen[MEMBER].astype(str)).sum()
    return totals.reindex(index.astype(str), fill_value=0.0).set_axis(index).rename("saving_gbp_k")


def _share_column(shares: pd.DataFrame) -> str | None:
    """The share column to shade by: the default rule's if present, else the other."""
    for column in dict.fromkeys((DEFAULT_SHARE, SHARE_PROPORTIONAL, SHARE_SHAPLEY)):
        if column in shares and {CANDIDATE_ID, MEMBER} <= set(shares.columns):
            return column
    return None


def portfolio_services(portfolio: pd.DataFrame) -> list[str]:
    """Sorted distinct services across the chosen partnerships.

    Parameters
    ----------
    portfolio : pandas.DataFrame
        Needs a ``services`` column (';'-joined); absent gives ``[]``.

    Returns
    -------
    list of str
        Distinct service names, sorted.
    """
    if SERVICES not in portfolio:
        return []
    return sorted({s for cell in portfolio[SERVICES] for s in split_list(cell)})


def filter_service(portfolio: pd.DataFrame, service: str | None) -> pd.DataFrame:
    """The chosen partnerships that include one service.

    Parameters
    ----------
    portfolio : pandas.DataFrame
        Chosen partnerships with a ``services`` column (';'-joined).
    service : str or None
        The service; None keeps every row.

    Returns
    -------
    pandas.DataFrame
        Rows whose ``services`` include ``service`` (all rows if None or
        without a ``services`` column).
    """
    if service is None or SERVICES not in portfolio:
        return portfolio
    return portfolio[portfolio[SERVICES].map(lambda cell: service in split_list(cell))]

