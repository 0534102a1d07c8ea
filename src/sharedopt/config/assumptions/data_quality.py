"""Data checks (not modelling parameters): plausibility of spend.

Part of :mod:`sharedopt.config.assumptions`; import from there.
"""

from __future__ import annotations

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
    "refuse_multiple": dict(value=100.0, range=(20.0, 1e6),
                            source="Assumption: a hundred times the national extreme cannot be a "
                                   "council's spend (entering £ for £ thousand gives about 1000x the median; "
                                   "the highest real ratio in the 2017-18..2023-24 outturn is about 19x, "
                                   "the City of London's)."),
    "refuse_floor_gbp_k_per_head": dict(value=1.0, range=(0.1, 100.0),
                                        source="Assumption: never refuse below £100k a resident "
                                               "(100 x £1k), whatever the service's national range "
                                               "(a lower floor would refuse real City of London and "
                                               "Isles of Scilly returns on small services)."),
}

# Plausibility of spend per served head (data-quality report).
PLAUSIBILITY_RULE: dict[str, dict] = {
    "factor": dict(value=2.0, range=(1.5, 5.0), source="Assumption, because a council spending more "
                   "than twice the 99th percentile (or under half the 1st percentile) of English "
                   "councils delivering the service is more likely a data or population-basis "
                   "problem than a real cost, and deserves a look before any saving is believed."),
}
