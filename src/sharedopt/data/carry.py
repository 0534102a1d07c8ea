"""Councils with no outturn return for a year: carry their latest return forward, uprated.

Thirteen English councils filed no 2023-24 revenue outturn (Birmingham, Woking,
Cambridge, ...). Their spend is not zero, and leaving it blank would drop them from
every collaboration. For each council and year with no return, the latest earlier
year ``X`` with a return is carried forward, each service uprated by that service's
growth from ``X`` to the year across the councils of the same class (GSS prefix:
E06 unitary, E07 district, ...) that reported both years. The rows are labelled
``provenance = "carried forward from X"`` and ``estimated = True``, so every output
that uses them says so. A council with no return in the year or any earlier year
(a new unitary such as Westmorland and Furness) keeps a blank spend and is listed
by the loader.
"""

from __future__ import annotations

import pandas as pd

REPORTED = "reported"
NO_RETURN = "no return for this year or any earlier year"
MIN_COMPARATORS = 5  # fewer councils of the class reporting both years: use all councils


def _reported(tidy: pd.DataFrame) -> pd.Series:
    """(authority, year) -> True when the council filed a return (any service not blank)."""
    return tidy.groupby(["authority", "year"])["net_expenditure_gbp_k"].apply(lambda s: s.notna().any())


def uprating_factors(tidy: pd.DataFrame, reported: pd.Series, source: str, target: str,
                     klass: str) -> tuple[pd.Series, int]:
    """Growth of each service from ``source`` to ``target`` across councils that reported both.

    Councils of GSS class ``klass`` (e.g. ``"E07"``) when at least
    :data:`MIN_COMPARATORS` reported both years, else all councils. Returns the
    factor per service (1.0 where the base total is not positive) and the number of
    councils used.
    """
    both = reported.unstack("year")
    both = both.index[both.get(source, False).fillna(False).astype(bool)
                      & both.get(target, False).fillna(False).astype(bool)]
    same = [code for code in both if code.startswith(klass)]
    codes = same if len(same) >= MIN_COMPARATORS else list(both)
    rows = tidy[tidy["authority"].isin(codes)]
    totals = rows.pivot_table(index="service", columns="year", values="net_expenditure_gbp_k", aggfunc="sum")
    base, now = totals[source], totals[target]
    factor = (now / base).where(base > 0, 1.0)
    return factor, len(codes)


def carry_forward(tidy: pd.DataFrame, current: list[str]) -> pd.DataFrame:
    """Fill years with no return for the ``current`` councils (see the module docstring).

    Parameters
    ----------
    tidy : pandas.DataFrame
        ``authority, year, service, net_expenditure_gbp_k, estimated`` for every year.
    current : list of str
        GSS codes of councils that exist today (others are left as they are).

    Returns
    -------
    pandas.DataFrame
        The same table with ``provenance`` and ``uprating_factor`` columns; carried
        rows replace blank ones (or are added where a current council had no record).
    """
    tidy = tidy.copy()
    tidy["provenance"] = REPORTED
    tidy["uprating_factor"] = 1.0
    reported = _reported(tidy)
    years = sorted(tidy["year"].unique())
    known = set(tidy["authority"])
    added = []
    for code in sorted(set(current) & known):
        for i, year in enumerate(years):
            if reported.get((code, year), False):
                continue
            earlier = [y for y in years[:i] if reported.get((code, y), False)]
            here = (tidy["authority"] == code) & (tidy["year"] == year)
            if not earlier:
                tidy.loc[here, "provenance"] = NO_RETURN
                continue
            source = earlier[-1]
            factor, _ = uprating_factors(tidy[tidy["provenance"] == REPORTED], reported, source, year, code[:3])
            base = tidy[(tidy["authority"] == code) & (tidy["year"] == source)].set_index("service")
            factor = factor.reindex(base.index).fillna(1.0)
            rows = base.assign(year=year, estimated=True, provenance=f"carried forward from {source}",
                               uprating_factor=factor.round(6),
                               net_expenditure_gbp_k=(base["net_expenditure_gbp_k"] * factor).round(1))
            tidy = tidy[~here]
            added.append(rows.reset_index())
    out = pd.concat([tidy, *added], ignore_index=True)
    return out.sort_values(["year", "authority", "service"]).reset_index(drop=True)
