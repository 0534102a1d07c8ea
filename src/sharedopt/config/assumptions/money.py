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
        value=0.8, range=(0.36, 1.6),
        evidence=("lga-2012-investment-ratio", "lga-2012-south-oxon-vale-investment",
                  "lga-2012-procurement-lincolnshire-setup", "clyde-valley-2011-investment"),
        source="Evidence register (data/raw/evidence/register.csv): the LGA's evaluation of five English "
               "partnerships (2012, achieved) reports investment of 18-59% of the first two years' "
               "savings, 0.36-1.18 years of saving; South Oxfordshire and Vale of White Horse invested "
               "about 1.6 years of their average saving, Procurement Lincolnshire 0.04, the Clyde Valley "
               "business case about 1.0 (projection). 0.8 is the middle of the LGA band; the range runs "
               "from its low end to the highest achieved ratio. The one-off cost is this multiple of the "
               "partnership's own delivered annual saving (success case), before the optimism-bias "
               "uplift: what a partnership invests scales with what it changes."),
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
        evidence=("nw-northants-2025-exit-terms", "east-hants-havant-2022-split-cost"),
        source="Assumption, because no source gives exit costs as a ratio: a partnership that fails "
               "pays, on top of its set-up cost, this share of it again to unwind (North and West "
               "Northamptonshire's disaggregation terms: the exiting council funds the one-off costs "
               "plus 75% of stranded costs for up to 18 months). Paid in the failure case only."),
    "governance_per_member_gbp_k": dict(
        value=25.0, range=(10.0, 60.0),
        evidence=("governance-joint-committee-budgets",),
        source="Assumption bracketed by published joint-committee and client-side costs (evidence "
               "register, parameter governance_cost): recurring joint committee and client-side "
               "monitoring per member, £k a year."),
    "governance_per_pair_gbp_k": dict(
        value=10.0, range=(0.0, 25.0),
        source="Assumption, because no source costs coordination per pair of members: each pair adds "
               "this much a year, so large groups cost more (n(n-1)/2 pairs)."),
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
    "ramp_years": dict(value=2, range=(1, 3), evidence=("hambleton-richmondshire-2012-setup-time",),
                       source="Assumption bracketed by the evidence register (parameter ramp_years: "
                              "Hambleton-Richmondshire 'took over two years to set up'): savings build "
                              "up linearly (year 1: 1/2, year 2 onwards: full, with ramp_years = 2)."),
    "optimism_bias_cost_uplift": dict(
        value=0.41, range=(0.0, 0.56),
        evidence=("green-book-optimism-bias-outsourcing", "nao-2012-ssc-cost-overrun"),
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
