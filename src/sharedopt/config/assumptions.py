"""Every modelling default in one place, each with its source or rationale.

These are **assumptions**, not data. They are calibrated against published
evidence where there is some (cited), and otherwise stated as judgement. Every
value can be overridden from the ``[model]`` section of a config (see
:mod:`sharedopt.config.params`).

Units: money in £ thousand (``_gbp_k``), populations in residents.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Per-service defaults.
#
# asset_intensity: share of net spend tied to specific, shareable assets
#   (physical capital, specialist human capital, back office): the only part a
#   partnership can pool. The rest (front-line, local) is left unchanged.
# e_down: elasticity of unit cost with population below the minimum efficient
#   scale (unit cost ~ (P/mes)^-e_down); e_up: elasticity above it
#   (unit cost ~ (P/mes)^e_up): a U-shaped curve with its minimum at ``mes``.
# mes: minimum efficient scale, residents served.
#
# Calibration: front-line scale economies mostly run out at 20-50k residents
# (Holzer et al. 2009 review; Katsuyama 2003; Bel & Fageda on waste in Galicia),
# so the front-line share is excluded from pooling altogether (asset_intensity).
# The asset-tied share behaves differently: real asset-heavy partnerships are far
# larger (the Welsh residual-waste partnerships serve about 0.6-1.2 million people;
# Welsh school-improvement consortia join 4-6 councils, 0.4-0.9 million), and
# central administration keeps getting cheaper with size (Andrews & Boyne 2009),
# so those services have a high ``mes``. Cooperation pays mainly for small units
# (Bel & Sebo 2021): the curve's slope falls as P approaches ``mes``.
# Elasticities of 0.05-0.15 sit inside the range of English and Spanish
# cost-function estimates (Andrews & Boyne 2009 report a central-administration
# elasticity around -0.1 to -0.2 for English councils).
# ---------------------------------------------------------------------------
SERVICE_DEFAULTS: list[dict] = [
    dict(service="Education", label="Education (non-delegated: school improvement, SEN, transport)",
         eligible=True, asset_intensity=0.06, asset_type="specialist human capital",
         e_down=0.12, mes=700_000, e_up=0.03,
         source="Assumption. Most education net spend is delegated school budgets (not poolable); "
                "~6% is central specialist services. mes from Welsh school-improvement consortia "
                "(4-6 councils, 0.4-0.9m residents)."),
    dict(service="Highways_Transport", label="Highways and transport",
         eligible=True, asset_intensity=0.30, asset_type="physical capital",
         e_down=0.08, mes=500_000, e_up=0.03,
         source="Assumption. Depots, fleets, materials labs and engineering staff; mes set near "
                "county scale (shared highways contracts typically cover 0.5-1m residents)."),
    dict(service="Children_Social_Care", label="Children's social care",
         eligible=True, asset_intensity=0.08, asset_type="specialist human capital",
         e_down=0.08, mes=900_000, e_up=0.03,
         source="Assumption. Commissioning of placements, fostering and adoption services; "
                "English regional adoption agencies typically serve about 1m residents."),
    dict(service="Adult_Social_Care", label="Adult social care",
         eligible=True, asset_intensity=0.05, asset_type="back office / commissioning",
         e_down=0.06, mes=600_000, e_up=0.03,
         source="Assumption. Mostly purchased front-line care; commissioning, brokerage and "
                "assessment systems are the poolable part."),
    dict(service="Public_Health", label="Public health",
         eligible=True, asset_intensity=0.12, asset_type="specialist human capital",
         e_down=0.10, mes=700_000, e_up=0.03,
         source="Assumption. Specialist public-health staff and commissioning; several English "
                "councils already share a director of public health."),
    dict(service="Housing", label="Housing (general fund)",
         eligible=True, asset_intensity=0.12, asset_type="back office",
         e_down=0.05, mes=250_000, e_up=0.03,
         source="Assumption. Homelessness services and housing systems; mostly local."),
    dict(service="Culture", label="Culture, leisure and libraries",
         eligible=True, asset_intensity=0.15, asset_type="physical capital / systems",
         e_down=0.05, mes=300_000, e_up=0.03,
         source="Assumption. Library management systems, stock, leisure-trust management."),
    dict(service="Environment", label="Environmental and regulatory (incl. waste)",
         eligible=True, asset_intensity=0.35, asset_type="physical capital",
         e_down=0.12, mes=900_000, e_up=0.04,
         source="Assumption. Waste plant, fleets and regulatory specialists; mes from the Welsh "
                "residual-waste partnerships (0.6-1.2m residents)."),
    dict(service="Planning", label="Planning and development",
         eligible=True, asset_intensity=0.20, asset_type="specialist human capital",
         e_down=0.08, mes=400_000, e_up=0.03,
         source="Assumption. Specialist planners, building control, local-plan evidence bases."),
    dict(service="Central_Services", label="Central services (back office)",
         eligible=True, asset_intensity=0.40, asset_type="back office",
         e_down=0.08, mes=3_000_000, e_up=0.02,
         source="Assumption. Finance, HR, IT, revenues and benefits. Andrews & Boyne (2009): "
                "central administration costs keep falling with size, so mes is set very high."),
    dict(service="Other", label="Other services",
         eligible=False, asset_intensity=0.0, asset_type="unknown",
         e_down=0.0, mes=1, e_up=0.0,
         source="Not eligible: the line's composition is unknown, so nothing is assumed poolable."),
    dict(service="Police", label="Police (not a council service)",
         eligible=False, asset_intensity=0.0, asset_type="n/a", e_down=0.0, mes=1, e_up=0.0,
         source="Excluded by default: police is not a council service."),
    dict(service="Fire_Rescue", label="Fire and rescue (not a council service)",
         eligible=False, asset_intensity=0.0, asset_type="n/a", e_down=0.0, mes=1, e_up=0.0,
         source="Excluded by default: fire and rescue is not a council service."),
]

NON_COUNCIL_SERVICES = ("Police", "Fire_Rescue")

# ---------------------------------------------------------------------------
# Finer services (``[data] service_detail = "fine"``, sharedopt.data.detail): the
# RO5 2024-25 sub-lines carved out of Environment, Culture and Planning, and
# Central_Services split into functions by 15 Lancashire councils' RO6 shares. Each
# parent keeps a residual ``<parent>_Other`` so a council's services still sum to its
# total. The spend is an ESTIMATE (year difference; Lancashire split); the curve
# parameters below are assumptions like the ones above.
# ---------------------------------------------------------------------------
FINE_SERVICE_DEFAULTS: list[dict] = [
    dict(service="Waste_Collection", label="Waste collection (RO5; district in two-tier areas)",
         eligible=True, asset_intensity=0.30, asset_type="physical capital",
         e_down=0.10, mes=300_000, e_up=0.05,
         source="Assumption, because no English cost function of collection alone is in the data: "
                "fleets and depots are the poolable part; economies of the rounds themselves run out "
                "at 20-50k residents (Bel & Fageda, waste in Galicia), shared collection services of "
                "two or three districts serve 0.2-0.4m, and longer rounds raise unit cost above "
                "that (e_up 0.05)."),
    dict(service="Waste_Disposal", label="Waste disposal (RO5; county in two-tier areas)",
         eligible=True, asset_intensity=0.50, asset_type="physical capital",
         e_down=0.15, mes=1_000_000, e_up=0.03,
         source="Assumption, because treatment plant and long contracts are the bulk of the line: "
                "mes from the Welsh residual-waste partnerships (0.6-1.2m residents) and the "
                "statutory joint waste authorities (0.8-2.8m)."),
    dict(service="Recycling", label="Recycling (RO5)",
         eligible=True, asset_intensity=0.30, asset_type="physical capital",
         e_down=0.10, mes=600_000, e_up=0.03,
         source="Assumption, because sorting (MRF) capacity and material contracts pool at "
                "sub-regional scale; set between collection and disposal."),
    dict(service="Street_Cleansing", label="Street cleansing (RO5, not chargeable to highways)",
         eligible=True, asset_intensity=0.20, asset_type="physical capital",
         e_down=0.06, mes=150_000, e_up=0.05,
         source="Assumption, because the line is mostly local labour; only sweepers, depots and "
                "supervision pool, and the work needs proximity (e_up 0.05)."),
    dict(service="Libraries", label="Libraries (RO5; county in two-tier areas)",
         eligible=True, asset_intensity=0.20, asset_type="systems / stock",
         e_down=0.06, mes=500_000, e_up=0.02,
         source="Assumption, because library management systems, stock procurement and back "
                "office are shared by consortia of several library authorities; branches are local."),
    dict(service="Development_Control", label="Development control (RO5; district in two-tier areas)",
         eligible=True, asset_intensity=0.25, asset_type="specialist human capital",
         e_down=0.08, mes=300_000, e_up=0.03,
         source="Assumption, because specialist planners, validation and systems pool; "
                "shared planning services join two or three districts."),
    dict(service="Environment_Other", label="Environment: rest (regulatory, cemeteries, ...) after the RO5 sub-lines",
         eligible=True, asset_intensity=0.25, asset_type="specialist human capital",
         e_down=0.08, mes=400_000, e_up=0.03,
         source="Assumption, because the rest is mostly regulatory services (environmental "
                "health, licensing, trading standards); shared regulatory services serve about "
                "0.3-0.6m residents."),
    dict(service="Culture_Other", label="Culture: rest (leisure, heritage, open spaces) after libraries",
         eligible=True, asset_intensity=0.15, asset_type="physical capital / systems",
         e_down=0.05, mes=300_000, e_up=0.03,
         source="Assumption, because it is the Culture line without libraries: Culture's defaults."),
    dict(service="Planning_Other", label="Planning: rest (policy, economic development, building control)",
         eligible=True, asset_intensity=0.20, asset_type="specialist human capital",
         e_down=0.08, mes=400_000, e_up=0.03,
         source="Assumption, because it is the Planning line without development control: "
                "Planning's defaults."),
    dict(service="Revenues_Benefits", label="Revenues collection and council tax support administration "
                                            "(RO6 part; housing benefit administration stays in Housing, RO4)",
         eligible=True, asset_intensity=0.50, asset_type="back office",
         e_down=0.10, mes=600_000, e_up=0.02,
         source="Assumption, because processing, systems and recovery pool almost entirely; "
                "revenues and benefits is the most common shared service (LGC count: 32), "
                "partnerships of 3-7 councils serving 0.3-0.8m residents."),
    dict(service="Corporate_Democratic_Core", label="Corporate and democratic core (RO6)",
         eligible=True, asset_intensity=0.15, asset_type="management",
         e_down=0.08, mes=1_000_000, e_up=0.02,
         source="Assumption, because democratic representation stays with each council; only "
                "corporate management and audit pool (shared chief executives and senior teams)."),
    dict(service="Elections_Registration", label="Elections, electoral and civil registration (RO6)",
         eligible=True, asset_intensity=0.25, asset_type="specialist human capital",
         e_down=0.05, mes=300_000, e_up=0.03,
         source="Assumption, because each council keeps its statutory returning and registration "
                "officers; systems, printing and canvass staff pool."),
    dict(service="Land_Charges", label="Local land charges (RO6)",
         eligible=True, asset_intensity=0.30, asset_type="systems",
         e_down=0.05, mes=300_000, e_up=0.03,
         source="Assumption, because searches run on a register and a system; the line is small "
                "and is moving to HM Land Registry."),
    dict(service="Central_Services_Other", label="Central services: rest (unallocated management and "
                                                 "support, pensions, coroners, ...) after the split",
         eligible=True, asset_intensity=0.40, asset_type="back office",
         e_down=0.08, mes=3_000_000, e_up=0.02,
         source="Assumption, because it is the Central_Services line without the split functions: "
                "Central_Services' defaults."),
]
SERVICE_DEFAULTS.extend(FINE_SERVICE_DEFAULTS)

# With fine services a scope pair naming a parent is mapped to the fine pair(s) below
# (same rate and source); a pair not listed maps the parent to its residual
# ``<parent>_Other``. FINE_SCOPE_DEFAULTS are pairs that exist only between fine services.
FINE_SCOPE_MAP: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("Environment", "Highways_Transport"): [("Highways_Transport", "Street_Cleansing")],
    ("Central_Services", "Environment"): [("Central_Services_Other", "Environment_Other")],
    ("Central_Services", "Housing"): [("Housing", "Revenues_Benefits")],
    ("Environment", "Planning"): [("Development_Control", "Environment_Other")],
}
FINE_SCOPE_DEFAULTS: list[dict] = [
    dict(services=("Recycling", "Waste_Collection"), scope_rate=0.05,
         source="Assumption, because refuse and recycling rounds share fleet, depots and crews "
                "(most councils let one contract for both)."),
]

# ---------------------------------------------------------------------------
# Economies of scope: complementary service pairs. scope_rate is the share of
# the smaller of the two pooled asset-tied budgets saved by running them together
# (shared management, premises, systems).
# ---------------------------------------------------------------------------
SCOPE_DEFAULTS: list[dict] = [
    dict(services=("Adult_Social_Care", "Public_Health"), scope_rate=0.05,
         source="Assumption. 'Health and social care': joint commissioning and shared "
                "management teams; NHS-council integration evidence reports modest savings."),
    dict(services=("Children_Social_Care", "Education"), scope_rate=0.05,
         source="Assumption. Single children's services directorate (Children Act 2004 model)."),
    dict(services=("Environment", "Highways_Transport"), scope_rate=0.06,
         source="Assumption. Street scene: shared depots, fleets and workforce."),
    dict(services=("Central_Services", "Environment"), scope_rate=0.03,
         source="Assumption. Back office shared with a front-line service."),
    dict(services=("Central_Services", "Housing"), scope_rate=0.03,
         source="Assumption. Back office shared with a front-line service."),
    dict(services=("Environment", "Planning"), scope_rate=0.04,
         source="Assumption. Shared regulatory services (planning enforcement, environmental health)."),
]

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
    value=0.5, range=(0.35, 1.0),
    source="Assumption, because the evidence (REALISATION_EVIDENCE) brackets it: plans keep 0.37 "
           "(New York, 34 counties) to 0.56 (Westchester) of their headline savings; selected "
           "successes deliver in full (LGA 2012, 1.0); the one systematic English evaluation finds "
           "no measurable saving (Elston & Dixon, 0); consolidation delivers about a fifth of what "
           "is expected (CGR, 0.07-0.5). 0.5 sits between the two direct plan ratios, in the lower "
           "half of the range (0.35 = the New York ratio, 1.0 = full delivery) because the "
           "systematic evidence is null. It is the Green Book optimism-bias adjustment on savings "
           "(no generic value exists for benefits; Green Book 2022, 5.45).")

# Monte Carlo ([uncertainty] in a config, `sharedopt run --uncertainty N`): the inputs
# drawn by default. The base rate is drawn over its evidence range, most likely at the
# default (triangular): the evidence is skewed (full delivery only in selected successes).
UNCERTAINTY_DEFAULTS: dict[str, dict] = {
    "model.realisation.base": dict(dist="triangular", low=REALISATION_BASE["range"][0],
                                   mode=REALISATION_BASE["value"], high=REALISATION_BASE["range"][1]),
}

REALISATION_DEFAULTS: dict[str, dict] = {
    "condition_penalties": dict(value={"sponsor": 0.10, "multi_level_engagement": 0.10,
                                       "formal_reporting": 0.10, "active_management": 0.10},
                                source="Assumption: each missing condition loses 10% of the "
                                       "expected saving."),
    "mode_factors": dict(value={"voluntary": 1.0, "mandated": 0.85, "trust": 1.0, "contract": 0.9},
                         source="Assumption: mandated and contract-only partnerships deliver "
                                "less than voluntary, trust-based ones."),
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
        value={"complying": 1.3, "constraining": 1.15, "creating": 1.0}, range=(1.0, 1.5),
        source="Assumption, because contract-based modes (Armistead & Pettigrew 2007: complying = "
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

# ---------------------------------------------------------------------------
# Adjacency: links that are not land borders.
# ---------------------------------------------------------------------------
DEFAULT_LINKS: list[dict] = [
    dict(a="W06000001", b="W06000002", reason="Menai Suspension and Britannia bridges "
         "(Isle of Anglesey - Gwynedd)"),
]
OPTIONAL_LINKS: list[dict] = [
    dict(a="E06000046", b="E06000044", reason="Isle of Wight - Portsmouth car ferry (user choice)"),
    dict(a="E06000046", b="E06000045", reason="Isle of Wight - Southampton car ferry (user choice)"),
]
ADJACENCY_TOLERANCE_M = 100.0  # boundaries are generalised: gaps under 100 m count as a border
# In a two-tier area a tier delivers a service when its share of the area's net
# spend on it is at least this much (Environment: districts collect waste, the
# county disposes of it, so both deliver; a district's small adult-social-care
# grant line does not make it a social-care authority).
DELIVERY_SHARE_THRESHOLD = 0.10

# ---------------------------------------------------------------------------
# Plausibility of spend (a data check, not a modelling parameter): spend per
# resident against the national range for the service, the 1st and 99th
# percentiles of English councils' reported 2023-24 net spend per head
# (sharedopt.data.plausibility). Outside `flag_multiple` times that range (or its
# floor): listed in data_quality.csv, kept. Outside `refuse_multiple` times it (or
# its floor): refused, a typo or a unit error.
# ---------------------------------------------------------------------------
SPEND_PLAUSIBILITY: dict[str, dict] = {
    "flag_multiple": dict(value=10.0, range=(2.0, 100.0),
                          source="Assumption: ten times the national 99th percentile is far outside "
                                 "what any council reports (the City of London, 8,600 residents, reaches "
                                 "about 50x on some services and is flagged, rightly)."),
    "flag_floor_gbp_k_per_head": dict(value=0.01, range=(0.0, 1.0),
                                      source="Assumption: £10 a head, so a service most councils "
                                             "report as 0 (police) is not flagged for pennies."),
    "refuse_multiple": dict(value=1000.0, range=(100.0, 1e6),
                            source="Assumption: a thousand times the national extreme cannot be a "
                                   "council's spend (entering £ for £ thousand gives about 1000x the median)."),
    "refuse_floor_gbp_k_per_head": dict(value=1.0, range=(0.1, 100.0),
                                        source="Assumption: never refuse below £1m a resident "
                                               "(1000 x £1k), whatever the service's national range."),
}

# ---------------------------------------------------------------------------
# Decomposed savings (issue 13): efficiency convergence, distance/coordination
# cost, maximum span. Each entry: value, range, source.
# ---------------------------------------------------------------------------
SAVINGS_TERM_DEFAULTS: dict[str, dict] = {
    "efficiency_theta": dict(
        value=0.25, range=(0.0, 0.5),
        source="Assumption, because no text in the literature folder measures it: under one "
               "management each member closes this fraction of its gap (on the poolable share) to the "
               "group's most efficient member within the appraisal period. The Wales evidence note "
               "says partnerships work best with active collaborative management; 0.25 = a quarter of "
               "the gap, 0 = no convergence, 0.5 = half."),
    "efficiency_ratio_bounds": dict(
        value=(0.5, 2.0), range=((0.33, 3.0), (0.67, 1.5)),
        source="Assumption, because a council spending less than half or more than twice what its "
               "drivers predict (e.g. a tiny resident population with a large daytime one) is more "
               "likely mis-measured than that (in)efficient: ratios are clipped to this range before "
               "the convergence term uses them."),
    "distance_cost_per_km_gbp_k": dict(
        value=0.5, range=(0.0, 2.0),
        source="Assumption, because no source costs coordination by distance: management travel and "
               "meeting time, £500 a year per km of the group's span (minimum spanning tree over "
               "member centroids): a 60 km span costs £30k a year."),
}

# Per-service spatial parameters. distance_rate_per_km: share of the pooled poolable
# budget lost per km of span (dead mileage, depots, site visits); max_span_km: groups
# whose span exceeds it are not generated (None = no limit).
SERVICE_SPATIAL_DEFAULTS: dict[str, dict] = {
    "Environment": dict(distance_rate_per_km=0.002, max_span_km=100.0, range=((0.0005, 0.004), (60.0, 150.0)),
                        source="Assumption, because the top-level line includes waste collection and "
                               "street cleansing, which run fleets from depots within about an hour's "
                               "drive of every street: 0.2% of the poolable budget per km of span, and "
                               "no group spanning more than 100 km over member centroids (about 3-5 "
                               "neighbouring districts or 2-3 unitaries)."),
    "Highways_Transport": dict(distance_rate_per_km=0.001, max_span_km=150.0,
                               range=((0.0005, 0.002), (100.0, 250.0)),
                               source="Assumption, because gritting and maintenance depots must be "
                                      "near the network; engineering and contracts are less bound."),
    "Central_Services": dict(distance_rate_per_km=0.0002, max_span_km=None, range=((0.0, 0.0005), None),
                             source="Assumption, because back-office work is mostly done remotely: "
                                    "0.02% per km, no span limit."),
}
SPATIAL_FALLBACK = dict(distance_rate_per_km=0.0005, max_span_km=None, range=((0.0, 0.001), None),
                        source="Assumption, because specialist and management services need some "
                               "travel (site visits, case work) but no physical proximity: 0.05% per km, "
                               "no span limit.")

# ---------------------------------------------------------------------------
# Whole-organisation sharing (issue 13 item 3): one chief executive, management team
# and back office for 2-3 neighbouring councils of the same tier, across all services.
# ---------------------------------------------------------------------------
WHOLE_ORG_DEFAULTS: dict[str, dict] = {
    "whole_org_overhead_share": dict(
        value={"district": 0.863, "single-tier": 0.143, "county": 0.055},
        range=({"district": (0.38, 1.10), "single-tier": (0.13, 0.16), "county": (0.05, 0.06)}),
        source="Calibrated: management and support services (MHCLG RO6 2024-25 memo line 'MANAGEMENT "
               "AND SUPPORT SERVICES', total expenditure, the overhead recharged into every service line) "
               "per £ of 2023-24 net council service spend, median by class over 15 Lancashire councils "
               "(12 districts, 2 unitaries, 1 county); the unitary figure is used for every single-tier "
               "class (metropolitan, London, Welsh). The split comes from 15 Lancashire councils only."),
    "whole_org_saving_rate": dict(
        value=0.1628, range=(0.08, 0.30),
        source="Calibrated on the LGA aggregate: about 45 councils share a chief executive and senior "
               "team in about 20 partnerships, saving at least £60m a year, i.e. £60m over the 25 "
               "councils whose team is absorbed (£2.4m each). The rate makes the mean modelled gross "
               "saving over every pair of neighbouring English districts (2023-24, Central_Services "
               "neighbour graph; saving = rate x (sum - largest) overhead) £2.4m "
               "(tests/test_decomposed.py recomputes it). Never calibrated on a named pair."),
    "whole_org_transition_rate": dict(
        value=0.75, range=(0.36, 1.18),
        source="One-off redundancy, pension strain and systems cost as a multiple of the annual gross "
               "saving: the LGA's 2012 evaluation of five partnerships reports investment of 18-59% of "
               "the first two years' savings (0.36-1.18 years of saving), as quoted in issue 14 (not "
               "verified here); 0.75 is the midpoint."),
    "whole_org_tiers": dict(
        value=["district"], range=(["district"], ["district", "single-tier", "county"]),
        source="Assumption, because the LGA aggregate the saving rate is calibrated on is almost all "
               "pairs of districts: applying it to unitaries or counties (overheads 5-10 times larger) "
               "would extrapolate linearly beyond the evidence. Add 'single-tier' or 'county' in "
               "[model] whole_org_tiers to see them (values then unvalidated)."),
    "whole_org_max_group_size": dict(
        value=3, range=(2, 3),
        source="LGA: about 45 councils in about 20 partnerships, i.e. two or three councils each."),
}

# ---------------------------------------------------------------------------
# Cost functions estimated from the data (sharedopt.candidates.costfit) and their fallback.
#
# Each service's curve is fitted on the English panel (MHCLG revenue outturn
# 2017-18..2023-24): ln(spend per resident) ~ ln P + (ln P)^2 + ln density +
# deprivation + ln workday ratio + C(class) + C(year), OLS, SEs clustered by council.
# A fit is a cross-sectional ASSOCIATION, not a causal effect of size on cost.
# ---------------------------------------------------------------------------
COST_CURVE_RULE: dict[str, dict] = {
    "mode": dict(value="fitted", choices=("fitted", "literature"),
                 source="Switch ([model] cost_curves): 'fitted' uses a service's fitted curve where "
                        "it is identified; 'literature' uses the fallback for every service."),
    "ci_level": dict(value=0.95, range=(0.90, 0.99),
                     source="Convention: 95% confidence intervals."),
    "identified_if": dict(value="upper CI bound of the elasticity at the median population < 0, or a "
                                "U (b2 > 0 kept) whose minimum lies inside the data and whose elasticity "
                                "at the 10th-percentile population has an upper CI bound < 0",
                          source="Assumption, because a scale curve is only used when the data show "
                                 "per-head cost falling with size at 95% (at the median council, or on "
                                 "the falling branch of a U): a CI containing 0 (not significant) or "
                                 "above 0 (per-head cost rising with size, the wrong sign for a scale "
                                 "economy) falls back to the literature."),
    "quadratic_p_max": dict(value=0.05, range=(0.01, 0.10),
                            source="Assumption, because a (ln P)^2 term is kept only when it is "
                                   "positive (a U) and significant at 5%; else the curve is refitted "
                                   "log-linear (b2 = 0). An inverted U (economies accelerating with size) "
                                   "has no support in the cost-function literature and extrapolates badly."),
    "low_quantile": dict(value=0.10, range=(0.05, 0.25),
                         source="Assumption: the small-council end at which a U's falling branch is tested."),
    "min_population": dict(value=10_000, range=(0, 20_000),
                           source="Assumption, because councils under 10,000 residents are sui generis: "
                                  "the one such council in the panel (an island council of 2,281) decides "
                                  "the (ln P)^2 term by itself in 4 of 10 services (Environment, Planning, "
                                  "Adult social care and Education lose their U when it is left out)."),
    "efficiency_shrinkage": dict(value="empirical Bayes", source="Assumption, because a council's "
                                 "mean residual over few years is noisy: it is shrunk toward 0 by "
                                 "tau^2 / (tau^2 + s^2 / T) (tau^2: between-council variance of the "
                                 "mean residuals net of noise; s^2: within-council residual variance; "
                                 "T: years reported)."),
}

# Literature fallback: elasticity of spend per head with population (negative =
# scale economy), applied up to the service's minimum efficient scale (flat above).
# Default: -e_down of SERVICE_DEFAULTS (same sources). Central services: Andrews &
# Boyne (2009), "Size, structure and administrative overheads: an empirical analysis
# of English local authorities", Urban Studies 46(4): central administration
# elasticity about -0.1 to -0.2 (midpoint used).
COST_CURVE_FALLBACK: dict[str, dict] = {
    row["service"]: dict(elasticity=-row["e_down"], mes=row["mes"],
                         source=f"literature/assumption: SERVICE_DEFAULTS ({row['source']})")
    for row in SERVICE_DEFAULTS
}
COST_CURVE_FALLBACK["Central_Services"] = dict(
    elasticity=-0.15, range=(-0.20, -0.10), mes=3_000_000,
    source="literature: Andrews & Boyne (2009), Urban Studies 46(4), central administration "
           "elasticity -0.1 to -0.2 for English councils (midpoint)")

# Services used by day-time population as well as residents: served population =
# residents x (1 + w (workday ratio - 1)), Census 2021 workday population.
DAYTIME_SERVICE_WEIGHTS: dict[str, dict] = {
    "Culture": dict(value=1.0, range=(0.5, 1.0), source="Assumption, because museums, arts venues, "
                    "open spaces and central libraries serve workers and visitors (e.g. the City of "
                    "London's culture spend)."),
    "Highways_Transport": dict(value=0.5, range=(0.0, 1.0), source="Assumption, because roads and "
                               "transport serve commuters, but concessionary fares follow residents."),
    "Environment": dict(value=0.5, range=(0.0, 1.0), source="Assumption, because street cleansing, "
                        "commercial waste and food-premises regulation follow day-time population, "
                        "household waste follows residents."),
}

# Plausibility of spend per served head (data-quality report).
PLAUSIBILITY_RULE: dict[str, dict] = {
    "factor": dict(value=2.0, range=(1.5, 5.0), source="Assumption, because a council spending more "
                   "than twice the 99th percentile (or under half the 1st percentile) of English "
                   "councils delivering the service is more likely a data or population-basis "
                   "problem than a real cost, and deserves a look before any saving is believed."),
}
