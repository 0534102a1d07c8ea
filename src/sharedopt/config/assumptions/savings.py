"""Decomposed savings terms (efficiency, distance, span) and whole-organisation sharing.

Part of :mod:`sharedopt.config.assumptions`; import from there.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Decomposed savings: efficiency convergence, distance/coordination
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
    "coordination_best_size": dict(
        value=0, range=(0, 5),
        source="Off (0) by default, because no source measures coordination costs: a rate calibrated on "
               "the sizes of the real arrangements would be tested on the same arrangements. Group size "
               "comes from the scale curves, which credit economies only over the populations where "
               "they were measured (fitted curves: the range of the data; literature curves: up to the "
               "minimum efficient scale), from the governance cost per pair and from distance. Set 2-5 to "
               "add a cost per pairwise link that makes equal members' net saving peak at that size "
               "(rate = -f * e * n^(e - 1), f the default realisation factor)."),
    "scale_causal_share": dict(
        value=1.0, range=(0.0, 1.0),
        evidence=("elston-dixon-admin-intensity", "dixon-elston-2019-collaboration",
                  "allers-de-greef-2018-total-spending", "blom-hansen-2016", "gradus-2018-waste-2014"),
        source="Assumption, because no source measures it: the share of a service's cross-sectional scale "
               "economy (the fitted curves are associations across councils, not effects of pooling) that "
               "pooling realises. The causal studies in the evidence register find no effect of sharing or "
               "merging on administrative or total spending (Elston & Dixon; Dixon & Elston; Allers & de "
               "Greef; Blom-Hansen et al.: the low end, 0); Dutch waste cooperation saved 17% in 2014 "
               "(Gradus et al.). 1 credits the association in full (the delivery ratio and success "
               "probability still apply); the tornado shows how far the headline rests on it."),
    "distance_cost_per_km_gbp_k": dict(
        value=0.5, range=(0.0, 2.0),
        source="Assumption, because no source costs coordination by distance: management travel and "
               "meeting time, £500 a year per km of the group's span (minimum spanning tree over "
               "member centroids): a 60 km span costs £30k a year."),
}

# The largest group enumerated ([model] max_group_size). The evidence does not bound it: the England
# panel shows central per-head cost falling across the whole range of council sizes (no minimum
# inside the data) and the register's exhaustion points (50-60k residents, Spanish waste and Dutch
# tax offices) lie below almost every English council, so it stays a stated lever.
MAX_GROUP_SIZE: dict = dict(
    value=5, range=(3, 5),
    evidence=("bel-fageda-galicia-threshold", "niaounakis-blank-2017-exhaustion"),
    source="Assumption, because no evidence bounds the number of partners: 3 is the median size of the "
           "real voluntary arrangements (a description, not a calibration), 5 the default cap. Scale "
           "economies are credited only over the populations where the curve was measured (fitted: the "
           "range of the data; literature: up to the minimum efficient scale).")

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
# Whole-organisation sharing: one chief executive, management team
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
        value=0.0678, range=(0.006, 0.129),
        evidence=("lga-localis-shared-ce-savings", "suffolk-coastal-waveney-jce-2009",
                  "publica-cotswold-west-oxon-jce", "lga-stronger-together-shared-management"),
        source="Evidence register (parameter whole_org_saving): sharing a chief executive and management "
               "team saved 'some areas ... £1m year on year' (LGA/Localis, 34 cases, achieved). The rate "
               "makes the mean modelled gross saving over every pair of neighbouring English districts "
               "(2023-24, Central_Services neighbour graph; saving = rate x (sum - largest) overhead) £1m "
               "(tests/test_decomposed.py recomputes it); the range runs from a joint chief executive alone "
               "(Suffolk Coastal and Waveney, £0.09m a year) to a shared management and support service "
               "(Cotswold and West Oxfordshire, £1.9m). The LGA's '£60 million' for about 45 councils is "
               "cumulative, not annual. Never calibrated on an arrangement in data/raw/arrangements."),
    "whole_org_transition_rate": dict(
        value=0.8, range=(0.35, 2.42),
        evidence=("malvern-wychavon-jmt-setup-ratio", "lga-2012-investment-ratio"),
        source="One-off redundancy, pension strain and systems cost as a multiple of the annual delivered "
               "saving: the same evidence as setup_ratio (COST_DEFAULTS), whose central value it takes; "
               "Malvern Hills and Wychavon's joint management team planned 0.79 (evidence register)."),
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
