"""Costs of collaboration, Green Book appraisal and each council's money (ring-fencing, cash flow).

Part of :mod:`sharedopt.config.assumptions`; import from there.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Costs of collaboration (all £ thousand).
# The one-off cost is a ratio to the partnership's own delivered saving (setup_ratio),
# from the evidence register; the fixed, per-member and pooled-spend parts are 0 by
# default and stay available to test.
# ---------------------------------------------------------------------------
COST_DEFAULTS: dict[str, dict] = {
    "setup_ratio": dict(
        value=0.8, range=(0.35, 2.42),
        evidence=("lga-2012-investment-ratio", "lga-2012-sovale-setup-ratio", "lga-2012-proclincs-setup-ratio",
                  "lga-2012-lgss-setup-ratio", "lga-2012-hoople-setup-ratio", "clyde-valley-setup-ratio"),
        source="Evidence register (data/raw/evidence/register.csv, parameter setup_ratio): one-off cost as a "
               "multiple of a year's saving, on outturn: the LGA's five partnerships (2012) 0.36-1.18 "
               "(investment 18-59% of the first two years' savings; midpoint 0.77), LGSS 0.35, South "
               "Oxfordshire and Vale 1.57, Hoople 2.42, Procurement Lincolnshire 0.04 (a procurement hub); "
               "the Clyde Valley business case 0.93-1.03 (projection). 0.8 is the median of the five "
               "outturn values; the range runs from LGSS's to Hoople's. All are partnerships chosen as "
               "successes, so costs may be understated: the optimism-bias uplift applies on top. The "
               "one-off cost is this multiple of the partnership's own delivered annual saving (success "
               "case): what a partnership invests scales with what it changes."),
    "setup_fixed_gbp_k": dict(value=0.0, range=(0.0, 250.0),
                              source="Assumption, because no source separates a fixed part of set-up "
                                     "cost: 0 by default (the one-off cost is the evidence-based "
                                     "setup_ratio); set it to test a minimum cost per partnership."),
    "setup_per_member_gbp_k": dict(value=0.0, range=(0.0, 100.0),
                                   source="Assumption, because no source separates a per-member part of "
                                          "set-up cost: 0 by default; set it to test one."),
    "setup_rate": dict(value=0.0, range=(0.0, 0.15),
                       source="Assumption, because no source sizes set-up cost against pooled spend: 0 by "
                              "default (the LGA evidence sizes it against savings, setup_ratio); set it "
                              "to add a share of the pooled poolable spend."),
    "exit_cost_rate": dict(
        value=0.5, range=(0.0, 1.0),
        evidence=("nn-wn-it-exit-stranded-share", "hambleton-richmondshire-exit-ratio",
                  "east-hants-havant-sof-sunk"),
        source="Assumption bracketed by the evidence register (parameter exit_cost): Hambleton and "
               "Richmondshire's decoupling cost 0.35 years of their claimed saving (about 0.44 of a set-up "
               "cost at setup_ratio 0.8); North Northamptonshire funds the one-off costs of leaving plus 75% "
               "of the host's stranded costs for up to 18 months. A partnership that fails pays this share "
               "of its set-up cost again to unwind; paid in the failure case only."),
    "governance_rate": dict(
        value=0.045, range=(0.02, 0.10),
        evidence=("5cp-client-team-share", "5cp-client-team-budget-2022", "lga-2012-proclincs-staffing-increase"),
        source="Evidence register (parameter governance_cost), the one observable cost of running a "
               "partnership: the 5 Councils' shared client team costs 4.5% of the average annual value of "
               "the contract it manages (target budget); Procurement Lincolnshire's staffing rose by "
               "£140k a year on set-up (achieved). Recurring governance (client side, joint committee, "
               "contract and performance management) as a share of the pooled poolable spend the "
               "partnership runs, counted once: the per-member, per-pair and coordination terms are 0 "
               "by default. Two cases only, so the range is wide (2-10%)."),
    "governance_per_member_gbp_k": dict(
        value=0.0, range=(0.0, 50.0),
        source="Assumption, because no source separates a fixed cost per member from the client-side "
               "cost (governance_rate): 0 by default; set it to test one (£k a year per member)."),
    "governance_per_pair_gbp_k": dict(
        value=0.0, range=(0.0, 25.0),
        source="Assumption, because no source costs coordination per pair of members: 0 by default; "
               "set it to make each pair add this much a year (n(n-1)/2 pairs)."),
}

# ---------------------------------------------------------------------------
# Money over time (HM Treasury Green Book).
# ---------------------------------------------------------------------------
APPRAISAL_DEFAULTS: dict[str, dict] = {
    "discount_rate": dict(value=0.035, source="HM Treasury Green Book (2022) social time "
                          "preference rate, years 0-30."),
    "horizon_years": dict(value=10, range=(5, 15),
                          source="Assumption, because agreements run for years, not decades: appraisal "
                                 "period of a shared service agreement (typical contract length); 5 is "
                                 "a medium-term financial strategy, 15 a long contract."),
    "ramp_years": dict(value=2, range=(1, 4),
                       evidence=("hambleton-richmondshire-setup-time", "malvern-wychavon-jmt-ramp",
                                 "lgss-procurement-ramp"),
                       source="Assumption bracketed by the evidence register (parameter ramp_years: "
                              "Hambleton-Richmondshire 'took over two years to set up', Malvern Hills and "
                              "Wychavon planned 1-1.5 years, LGSS's procurement 4): savings build up "
                              "linearly (year 1: 1/2, year 2 onwards: full, with ramp_years = 2)."),
    "optimism_bias_cost_uplift": dict(
        value=0.41, range=(0.0, 0.56),
        evidence=("green-book-ob-outsourcing-opex", "nao-2012-ssc-overrun"),
        source="HM Treasury Green Book supplementary guidance on optimism bias: the upper value for "
               "outsourcing projects (41%), the project type closest to a shared service, taken at the "
               "outset as the guidance asks before risks are mitigated; applied to the one-off cost. "
               "Range: 0 (the lower value) to the NAO's 56% overrun on central government's shared "
               "service centres (2012, achieved)."),
    "optimism_bias_saving_reduction": dict(value=0.0, source="No reduction on top of the realisation "
                                           "base rate, which is already the optimism-bias adjustment "
                                           "on savings (REALISATION_BASE); set it to test a further "
                                           "benefit shortfall."),
}

# ---------------------------------------------------------------------------
# Each council's money (sharedopt.results.cashflow). Which part of a saving stays in a
# ring-fenced grant (it must be spent again on the same service) rather than
# reaching the general fund. Shares of the asset-tied (poolable) spend, by service;
# services not listed: 0 (general fund). One-off and governance costs are assumed to
# fall on the general fund.
# ---------------------------------------------------------------------------
RING_FENCED_SHARES: dict[str, dict] = {
    "Education": dict(value=0.6, range=(0.4, 0.8),
                      source="Assumption, because the poolable education spend is central specialist "
                             "services: SEN and central school services are funded from the Dedicated "
                             "Schools Grant (high-needs and central school services blocks), home-to-"
                             "school transport and school improvement mostly from the general fund."),
    "Public_Health": dict(value=0.9, range=(0.8, 1.0),
                          source="Assumption, because council public-health spend is funded almost "
                                 "wholly by the ring-fenced public health grant (its conditions require "
                                 "it to be spent on public health); some councils top it up."),
}
CASHFLOW_RULES: dict[str, str] = {
    "one_off_timing": "Assumption: the whole one-off cost falls in year 0, before the first year of "
                      "savings, as in the NPV (savings and governance in years 1..horizon, ramped).",
    "cost_sharing": "Each member pays the share of the one-off and governance costs equal to its share "
                    "of the pooled asset-tied spend, and receives the same share of the saving: its NPV "
                    "is npv_share_proportional_gbp_k of shares.csv. (The per-authority budget "
                    "constraint still counts one_off / n_members.)",
}
