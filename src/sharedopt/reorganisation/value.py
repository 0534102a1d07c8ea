"""What a new unitary saves and costs, term by term.

For a new unitary ``u`` its *predecessors* are its member councils plus, for each county
whose districts it takes, a piece of that county in proportion to the residents it takes
(**by population share**: the county's spend is not published by district). Each
predecessor's central services (MHCLG outturn, ``Central_Services``) split into four
overheads by the RO6 shares (``CENTRAL_SPLIT``): senior management, democratic, back
office and property. The successor keeps one of each (the largest predecessor's; for senior
management and democratic costs a county's piece counts at the county's full size, as
every successor needs the whole statutory team) and saves a share of the rest, times the
realisation rate. A county split across two or more
successors costs each successor ``rate x (1 - share) x`` the county's net spend on the
disaggregated services (so a county split into ``j`` equal parts costs ``j - 1`` times
the rate). Transition is one-off: a fixed cost per new unitary formed by a merger plus a
cost per predecessor. Savings ramp up; costs do not. Terms add up to the total by
construction (tested).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sharedopt.config.assumptions import (
    CENTRAL_SPLIT, DISAGGREGATED_SERVICES, FIXED_TERMS, REORGANISATION_DEFAULTS, RING_FENCED_SHARES, SAVING_TERMS,
)
from sharedopt.reorganisation.area import Area

# the direction of each parameter that makes a structure look worse (for the range)
PESSIMISTIC = {
    "senior_management_saving": "low", "democratic_saving": "low", "back_office_saving": "low",
    "property_saving": "low", "realisation": "low", "disaggregation_rate": "high",
    "one_off_per_unitary_gbp_k": "high", "one_off_per_predecessor_gbp_k": "high", "ramp_years": "high",
}
_RATE = {term: f"{term}_saving" for term in SAVING_TERMS}


@dataclass(frozen=True)
class UnitaryValue:
    """One new unitary's annual terms (£k a year, at full run rate) and one-off cost (£k)."""

    savings: dict[str, float]      # SAVING_TERMS -> £k a year (after realisation)
    disaggregation: float          # £k a year
    one_off: float                 # £k once, year 0
    predecessors: int

    @property
    def annual_net(self) -> float:
        """Full-run-rate savings less disaggregation, £k a year."""
        return sum(self.savings.values()) - self.disaggregation


def scenario_parameters(params: dict[str, float], case: str) -> dict[str, float]:
    """Parameters at their central values (``"central"``) or all at the pessimistic or optimistic end."""
    if case == "central":
        return dict(params)
    out = dict(params)
    for key, worse in PESSIMISTIC.items():
        low, high = REORGANISATION_DEFAULTS[key]["range"]
        pick_low = (worse == "low") == (case == "low")
        out[key] = float(low if pick_low else high)
    return out


def _overheads(central: float, klass: str, params: dict[str, float]) -> dict[str, float]:
    split = CENTRAL_SPLIT[klass]
    central = max(central, 0.0)  # a negative central line (net income) duplicates nothing
    senior = params["senior_share_of_cdc"]
    prop = params["property_share_of_central"]
    return {"senior_management": central * split["cdc"] * senior,
            "democratic": central * (split["cdc"] * (1 - senior) + split["elections"]),
            "back_office": central * max(split["back_office"] - prop, 0.0),
            "property": central * prop}


def county_shares(area: Area, members: list[str]) -> dict[str, float]:
    """County code -> the share of its residents the members take (population share)."""
    shares: dict[str, float] = {}
    for code in members:
        county = area.county_of.get(code)
        if county is not None:
            shares[county] = shares.get(county, 0.0) + area.county_share(code)
    return shares


def disaggregation_base(area: Area, county: str) -> float:
    """The county's net spend (£k) on the services a split duplicates, net of ring-fenced shares."""
    total = 0.0
    spend = area.spend_of.get(county, {})
    for service in DISAGGREGATED_SERVICES:
        fenced = RING_FENCED_SHARES.get(service, {}).get("value", 0.0)
        total += max(spend.get(service, 0.0), 0.0) * (1 - fenced)
    return total


def _pieces(area: Area, members: list[str], params: dict[str, float]) -> list[tuple[dict, dict]]:
    """Each predecessor's overheads as the successor takes them, and at the predecessor's full size."""
    spend = area.spend_of
    pieces = []
    for code in members:
        own = _overheads(spend.get(code, {}).get("Central_Services", 0.0), area.tier[code], params)
        pieces.append((own, own))
    for county, share in county_shares(area, members).items():
        full = _overheads(spend.get(county, {}).get("Central_Services", 0.0), "county", params)
        pieces.append(({t: v * share for t, v in full.items()}, full))
    return pieces


def _duplicated(pieces: list[tuple[dict, dict]], term: str) -> float:
    """The overhead of a term the successor does not keep: the pieces' total less what it keeps.

    It keeps the largest predecessor's; for a fixed term (FIXED_TERMS: statutory officers, a
    full council) a county's piece counts at the county's full size, since every successor
    needs the whole team whatever share of the county it takes (capped at the total).
    """
    total = sum(taken[term] for taken, _ in pieces)
    if len(pieces) < 2:
        return 0.0
    sizes = [(full if term in FIXED_TERMS else taken)[term] for taken, full in pieces]
    return max(total - min(max(sizes), total), 0.0)


def value_unitary(area: Area, members: list[str], params: dict[str, float]) -> UnitaryValue:
    """Annual savings and costs and the one-off cost of one new unitary."""
    pieces = _pieces(area, members, params)
    savings = {term: params["realisation"] * params[_RATE[term]] * _duplicated(pieces, term)
               for term in SAVING_TERMS}
    shares = county_shares(area, members)
    disagg = sum(params["disaggregation_rate"] * (1 - share) * disaggregation_base(area, county)
                 for county, share in shares.items() if share < 1 - 1e-9)
    merged = len(pieces) >= 2
    one_off = (params["one_off_per_unitary_gbp_k"] + params["one_off_per_predecessor_gbp_k"] * len(pieces)
               if merged else 0.0)
    return UnitaryValue(savings=savings, disaggregation=disagg, one_off=one_off, predecessors=len(pieces))


def factors(params: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per year 0..horizon: the ramp of savings, whether running costs apply, the discount factor."""
    years = np.arange(int(params["horizon_years"]) + 1)
    discount = (1 + params["discount_rate"]) ** -years.astype(float)
    ramp = np.minimum(1.0, years / max(params["ramp_years"], 1e-9))
    ramp[0] = 0.0
    running = (years >= 1).astype(float)
    return ramp, running, discount


def cash_flows(value: UnitaryValue, params: dict[str, float]) -> dict[str, np.ndarray]:
    """Cash flows (£k, years 0..horizon) by term: each saving, disaggregation, one-off."""
    ramp, running, _ = factors(params)
    flows = {term: amount * ramp for term, amount in value.savings.items()}
    flows["disaggregation"] = -value.disaggregation * running
    one_off = np.zeros(len(ramp))
    one_off[0] = -value.one_off
    flows["one_off"] = one_off
    return flows


def npv_terms(value: UnitaryValue, params: dict[str, float]) -> dict[str, float]:
    """Net present value (£k) of each term; their sum is the unitary's NPV."""
    _, _, discount = factors(params)
    return {term: float(flow @ discount) for term, flow in cash_flows(value, params).items()}


def five_year_terms(value: UnitaryValue, params: dict[str, float]) -> dict[str, float]:
    """Undiscounted net over the one-off year and the first five years, by term (as CCN/PwC report)."""
    return {term: float(flow[:6].sum()) for term, flow in cash_flows(value, params).items()}
