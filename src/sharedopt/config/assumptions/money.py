"""Costs of collaboration, Green Book appraisal and each council's money (ring-fencing, cash flow).

Part of :mod:`sharedopt.config.assumptions`; import from there.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Costs of collaboration (all £ thousand).
# Sanity check applied by the tests: with these defaults the typical worthwhile
# partnership pays back its set-up cost in 2-5 years, the range reported in
# evaluations of English shared-services programmes (LGA shared services map;
# Tomkinson 2007; Dollery et al. on shared services).
# ---------------------------------------------------------------------------
COST_DEFAULTS: dict[str, dict] = {
    "setup_fixed_gbp_k": dict(value=250.0, source="Assumption: programme management, legal "
                              "agreements and business case for a new partnership."),
    "setup_per_member_gbp_k": dict(value=100.0, source="Assumption: each member's HR "
                                   "(TUPE), systems migration and democratic sign-off."),
    "setup_rate": dict(value=0.15, source="Assumption: one-off transition cost as a share of the "
                       "pooled asset-tied annual spend (redundancy, systems migration, estate); "
                       "with the other costs this puts payback in the published 2-5 year range."),
    "governance_per_member_gbp_k": dict(value=25.0, source="Assumption: recurring joint "
                                        "committee, client-side monitoring per member."),
    "governance_per_pair_gbp_k": dict(value=10.0, source="Assumption: coordination cost per "
                                      "pair of members; grows as n(n-1)/2, so large groups cost more."),
}

# ---------------------------------------------------------------------------
# Money over time (HM Treasury Green Book).
# ---------------------------------------------------------------------------
APPRAISAL_DEFAULTS: dict[str, dict] = {
    "discount_rate": dict(value=0.035, source="HM Treasury Green Book (2022) social time "
                          "preference rate, years 0-30."),
    "horizon_years": dict(value=10, source="Assumption: appraisal period for a shared service "
                          "agreement (typical contract length)."),
    "ramp_years": dict(value=2, source="Assumption: savings build up linearly over the first "
                       "years (year 1: 1/2, year 2 onwards: full, with ramp_years = 2)."),
    "optimism_bias_cost_uplift": dict(value=0.10, source="Green Book supplementary guidance on "
                                      "optimism bias: lower bound for equipment/development "
                                      "projects (10%) applied to one-off costs (its upper bound "
                                      "for capital expenditure is 200%: Table 2 of the guidance)."),
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
