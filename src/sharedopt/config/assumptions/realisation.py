"""Realisation: base rate and its evidence, readiness, partnership mode, depth, Monte Carlo defaults.

Part of :mod:`sharedopt.config.assumptions`; import from there.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Realisation: partnership conditions and mode (research on shared services:
# sponsor, multi-level engagement, formal reporting, active management; voluntary,
# trust-based partnerships outperform mandated, contract-only ones).
# Each absent condition multiplies the base rate by (1 - penalty). By default every
# condition is assumed present and the mode voluntary and trust-based, so the
# factor is the base rate (REALISATION_BASE) unless a scenario says otherwise.
# ---------------------------------------------------------------------------
# ---------------------------------------------------------------------------
# Realisation base rate: the share of projected savings a partnership delivers,
# from what real programmes delivered against what they projected. The Green Book
# has no generic optimism-bias values for benefits and asks appraisers to adjust
# benefits from their own reference class (Green Book 2022, para 5.45); this block
# is that reference class. Figures as reported in the cited (secondary) sources,
# checked against them; `ratio` is the delivered / projected reading used here.
# Readiness conditions and partnership mode (below) multiply the base rate.
# ---------------------------------------------------------------------------
REALISATION_EVIDENCE: list[dict] = [
    dict(key="new_york_cwssi_2018", ratio=76.1 / 208.0,
         arithmetic="$76.1m recurring / $208m projected for 2018 = 0.37",
         finding="New York County-Wide Shared Services Initiative, first plans (34 counties, 389 "
                 "proposals): $208m projected savings in 2018, at least $76.1m recurring.",
         caveat="Both figures are plan projections, not audited outturn: the ratio is what lasts "
                "beyond the first-year headline, a ceiling on delivery rather than a measurement.",
         source="Rockefeller Institute of Government, Benjamin Center (SUNY New Paltz) and CTG "
                "(UAlbany), '34 Counties Submit Shared Services Plans Totaling $208M in Savings for "
                "2018', press release, https://rockinst.org/news/article/"
                "34-counties-submit-shared-services-plans-totaling-208m-savings-2018/"),
    dict(key="westchester_2017", ratio=1.2 / 2.13,
         arithmetic="$1.2m recurring / $2.13m first year = 0.56",
         finding="Westchester County's 2017 plan under the same initiative: $2.13m first-year "
                 "savings, $1.2m recurring thereafter.",
         caveat="One county's plan, projections only.",
         source="Rockefeller Institute of Government / Benjamin Center, 'Amended Westchester County "
                "Shared Services and Taxpayer Savings Plan' (14 Sept 2018), https://rockinst.org/"
                "issue-area/amended-westchester-county-shared-services-and-taxpayer-savings-plan/"),
    dict(key="lga_2012_five_partnerships", ratio=1.0,
         arithmetic="savings delivered as planned: ratio 1 (upper end)",
         finding="LGA 'Services shared: costs spared?' (Drummond MacFarlane, 2012): five "
                 "partnerships saved £30m over their lifetimes, payback under two years, "
                 "investment 18-59% of the first two years' savings.",
         caveat="Five high-profile arrangements chosen as examples: selected successes, so the "
                "upper end of the range, not a typical outcome.",
         source="LGA media release 9 Aug 2012, http://www.local.gov.uk/web/guest/media-releases/-/"
                "journal_content/56/10180/3677841/NEWS; Public Sector Executive 16 Aug 2012 "
                "(investment 18-59%), https://www.publicsectorexecutive.com/Public-Sector-News/"
                "local-shared-services-save-30m-for-five-partnerships-"),
    dict(key="cgr_consolidation_2_5_pct", ratio=3.5 / 20.0,
         arithmetic="realistic 2-5% of total costs against the 10-30% expected: 2/30 = 0.07 to "
                    "5/10 = 0.5, midpoints 3.5/20 = 0.18",
         finding="Center for Governmental Research (10 New York studies): consolidation "
                 "realistically reduces total costs by 2-5%, not the 10-30% often expected.",
         caveat="Compares realistic savings with public expectation, not with a council's own "
                "business case; whole-government consolidation, not one service.",
         source="Center for Governmental Research blog, https://blog.cgr.org/tag/upstate-new-york"),
    dict(key="elston_dixon_null", ratio=0.0,
         arithmetic="no significant effect: ratio 0 (lower end, back-office sharing)",
         finding="Elston & Dixon: changes in administrative intensity of 300+ English councils, "
                 "2008-2016, unrelated to shared-services participation; Dixon & Elston: no "
                 "significant benefit from shared administration or tax collection.",
         caveat="Back-office administration only; a null result is an average, consistent with "
                "some partnerships saving and others not.",
         source="Elston & Dixon, 'The effect of shared service centers on administrative intensity "
                "in English local government', BSG-WP-2017/021, published in J. Public Adm. Res. "
                "Theory (year as cited in the literature, 2020; not checked here); Dixon & Elston, "
                "'Should councils collaborate?', Public Money & Management, "
                "doi:10.1080/09540962.2019.1537704"),
]

REALISATION_BASE: dict = dict(
    value=0.88, range=(0.28, 1.0),
    evidence=("audit-wales-2016-savings-delivery", "vale-5cp-delivery-ratio", "nao-2016-ngss-delivery-ratio",
              "lga-2012-proclincs-delivery"),
    source="Evidence register (parameter delivery_ratio): the delivery ratio, the share of its planned "
           "saving a partnership that goes ahead delivers. Audit Wales found all 22 Welsh councils "
           "delivered 88% of their planned 2015-16 savings (£221.5m of £251.6m, achieved), the one "
           "systematic figure; single cases run from 28% (Vale of White Horse in the 5 Councils "
           "contract; NGSS against its forecast) to above plan (Procurement Lincolnshire, Tri-borough, "
           "shared chief executives, self-reported). Failure is not in this ratio: it is the success "
           "probability (SUCCESS_PROBABILITY). It is the Green Book optimism-bias adjustment on "
           "savings (no generic value exists for benefits; Green Book 2022, 5.45).")

SUCCESS_PROBABILITY: dict = dict(
    value=0.8, range=(0.5, 0.95),
    evidence=("norway-regional-councils-breakdown", "clyde-valley-withdrawals",
              "audit-commission-2010-county-project", "hambleton-richmondshire-lifetime"),
    source="Assumption, because no base rate of failure is published (the LGA kept no churn series): "
           "the register's failures bracket it. Half of four Norwegian regional councils studied broke "
           "down (0.5, the low end); Clyde Valley and an unnamed English county partnership collapsed "
           "before delivering; the dissolutions of Tri-borough, LGSS, Breckland-South Holland and East "
           "Hampshire-Havant came after 7-12 years of operation, i.e. after most of an appraisal's "
           "horizon had been delivered. A partnership succeeds with this probability and delivers its "
           "savings on its ramp; otherwise it pays its set-up and exit costs and saves nothing.")

# Monte Carlo ([uncertainty] in a config, `sharedopt run --uncertainty N`): the inputs
# drawn by default. The base rate is drawn over its evidence range, most likely at the
# default (triangular): the evidence is skewed (full delivery only in selected successes).
UNCERTAINTY_DEFAULTS: dict[str, dict] = {
    "model.realisation.base": dict(dist="triangular", low=REALISATION_BASE["range"][0],
                                   mode=REALISATION_BASE["value"], high=REALISATION_BASE["range"][1]),
    "model.success_probability": dict(dist="triangular", low=SUCCESS_PROBABILITY["range"][0],
                                      mode=SUCCESS_PROBABILITY["value"], high=SUCCESS_PROBABILITY["range"][1]),
}

REALISATION_DEFAULTS: dict[str, dict] = {
    "condition_penalties": dict(value={"sponsor": 0.10, "multi_level_engagement": 0.10,
                                       "formal_reporting": 0.10, "active_management": 0.10},
                                source="Assumption: each missing condition loses 10% of the "
                                       "expected saving."),
    "mode_factors": dict(value={"voluntary": 1.0, "mandated": 1.0, "trust": 1.0, "contract": 1.0},
                         range={"mandated": (0.7, 1.0), "contract": (0.8, 1.0)},
                         source="Assumption, because no source sizes the effect: the literature says "
                                "voluntary, trust-based partnerships outperform mandated, contract-bound "
                                "ones (Armistead & Pettigrew 2007) but gives no factor, so every mode "
                                "delivers alike by default (1.0) and the ranges carry the claim into "
                                "the uncertainty analysis."),
}

# ---------------------------------------------------------------------------
# How partnerships work (sharedopt.candidates.readiness, sharedopt.candidates.depth): readiness per
# opportunity, partnership mode and depth of integration, each a multiplier on the
# realisation base rate. Unknown readiness takes the prior (1.0): the base rate is
# already the average of real programmes, which met the conditions in part.
# ---------------------------------------------------------------------------
READINESS_DEFAULTS: dict[str, dict] = {
    "condition_uplifts": dict(
        value={"sponsor": 0.05, "multi_level_engagement": 0.05, "formal_reporting": 0.05,
               "active_management": 0.05}, range=(0.0, 0.10),
        source="Assumption, because the four conditions (Wales evidence note, 'Collaboration and "
               "public services improvement') raise effectiveness but no study sizes them: a "
               "condition known to be met recovers half of what a missing one loses "
               "(REALISATION_DEFAULTS condition_penalties, 0.10), as the base rate already "
               "averages programmes that met some of them."),
    "prior_collaboration_uplift": dict(
        value=0.05, range=(0.0, 0.10),
        source="Assumption, because trust built in an existing partnership between the same "
               "councils is what Armistead & Pettigrew (2007) say voluntary partnerships need 'to "
               "mature': any real arrangement (data/raw/arrangements) between at least two of a "
               "candidate's members lifts its realisation by this share."),
    "co_production_uplift": dict(
        value=0.05, range=(0.0, 0.10),
        source="Assumption, because co-production can be an antecedent or enabler of "
               "inter-organisational collaboration (Sancino, Jacklin-Jarvis et al.): where every "
               "member co-produces with its residents, realisation rises by this share; no study "
               "sizes the effect."),
    "mode_governance_factors": dict(
        value={"complying": 1.0, "constraining": 1.0, "creating": 1.0}, range=(1.0, 1.5),
        source="Assumption, because no source sizes the client-side cost of a contract-based mode: 1.0 "
               "for every mode by default, up to 1.5 in the range. Contract-based modes (Armistead & Pettigrew 2007: complying = "
               "mandatory and contract, constraining = trust and contract balanced, creating = "
               "voluntary and trust) need a client-side function to specify and monitor the "
               "contract, on top of the joint governance a trust-based partnership has."),
}

# Depth of integration: Dunleavy & Hancock's stages of joining up (2010), from
# co-ordination (stages 2-4) through a lead agency (6a) and pooled budgets with one
# management team (6b/6c) to merger (7). Deeper saves more, costs more, fails more
# often. 'lead_council' is the reference depth: every multiplier 1, so a run with
# [model] depths = ["lead_council"] (the default) values candidates as before.
# poolable: multiplies each service's asset_intensity (capped at 1); setup and
# governance: multiply the one-off and recurring joint-governance costs; ramp_years:
# years to full savings; realisation: multiplies the realisation factor.
DEPTH_DEFAULTS: dict[str, dict] = {
    "coordination": dict(
        stage="2-4 (co-operation, collaboration, co-ordination): joint procurement",
        poolable=0.3, setup=0.3, governance=0.5, ramp_years=1, realisation=1.1, mode="constraining",
        range=dict(poolable=(0.15, 0.5), setup=(0.1, 0.5), realisation=(1.0, 1.2)),
        source="Assumption, because joint procurement pools only the bought-in part of a service "
               "(for libraries, the book fund: Dunleavy & Hancock's consortia) under a framework "
               "agreement: small set-up, savings in a year, little to go wrong."),
    "lead_council": dict(
        stage="6a (lead agency): a shared service run by one council under an agreement",
        poolable=1.0, setup=1.0, governance=1.0, ramp_years=2, realisation=1.0, mode="constraining",
        range=dict(poolable=(1.0, 1.0), setup=(1.0, 1.0), realisation=(1.0, 1.0)),
        source="The reference depth: the savings model's own poolable share (asset_intensity), "
               "one-off and governance costs and ramp-up (APPRAISAL_DEFAULTS ramp_years = 2)."),
    "pooled": dict(
        stage="6b/6c (pooled budgets, common leaders): one management team, pooled budget",
        poolable=1.15, setup=1.5, governance=1.25, ramp_years=3, realisation=0.9, mode="creating",
        range=dict(poolable=(1.05, 1.3), setup=(1.2, 2.0), realisation=(0.8, 1.0)),
        source="Assumption, because one management team also pools the management layer above "
               "the asset-tied spend, at the cost of restructuring staff and a longer transition; "
               "Dunleavy & Hancock call these stages 'difficult'."),
    "merger": dict(
        stage="7 (merger): full integration of the service into one body",
        poolable=1.3, setup=2.5, governance=1.5, ramp_years=4, realisation=0.8, mode="constraining",
        range=dict(poolable=(1.1, 1.5), setup=(1.5, 3.5), realisation=(0.6, 0.95)),
        source="Assumption, because a merged service pools the whole service budget but needs "
               "TUPE transfers, a new legal body and a longer transition, and mergers often deliver "
               "late or less (REALISATION_EVIDENCE: consolidation keeps about a fifth of what is "
               "expected)."),
}
DEPTH_REFERENCE = "lead_council"
# Monte Carlo defaults for the new multipliers (a depth's draw matters only when the
# config offers it): the prior-collaboration uplift over its range, each depth's
# realisation factor over its range, most likely at its default.
UNCERTAINTY_DEFAULTS.update({
    "model.readiness.prior_collaboration_uplift": dict(
        dist="uniform", low=READINESS_DEFAULTS["prior_collaboration_uplift"]["range"][0],
        high=READINESS_DEFAULTS["prior_collaboration_uplift"]["range"][1]),
    **{f"model.depth_settings.{name}.realisation": dict(
        dist="triangular", low=row["range"]["realisation"][0], mode=row["realisation"],
        high=row["range"]["realisation"][1])
       for name, row in DEPTH_DEFAULTS.items() if name != DEPTH_REFERENCE},
})
# The depth a whole-organisation candidate has (its own rule: sharedopt.candidates.wholeorg).
WHOLE_ORG_DEPTH = "shared_management"
