"""Reorganisation into unitary councils: size guidance, aggregation, disaggregation, transition.

Part of :mod:`sharedopt.config.assumptions`; import from there.

Every entry has ``value``, ``range`` (low, high) and ``source``. Evidence is cited by the
row id of the evidence register (``data/raw/evidence/register.csv``): ``ccn-pwc-2020``,
``ccn-pwc-2025``, ``blom-hansen-2016``, ``chosen-path-2025``. Where no source gives a
value the source says "Assumption, because ...". Money in £ thousand a year unless the
key says otherwise. Any value can be overridden in ``[reorganisation.parameters]``.
"""

from __future__ import annotations

# The shares of Central_Services (MHCLG revenue outturn) by RO6 line, from the only council-level
# RO6 detail held (data/derived/central_split_lancashire.csv: Lancashire's 15 councils, 2024-25).
_RO6 = "data/derived/central_split_lancashire.csv (MHCLG RO6 2024-25, Lancashire's 15 councils)"
CENTRAL_SPLIT: dict[str, dict[str, float]] = {
    # Corporate_Democratic_Core, Elections_Registration, back office (Central_Services_Other +
    # Revenues_Benefits + Land_Charges), by class of council
    "county": dict(cdc=0.524414, elections=0.008787, back_office=0.466799),
    "district": dict(cdc=0.49401, elections=0.09877, back_office=0.240351 + 0.158059 + 0.00881),
    "unitary": dict(cdc=0.4183, elections=0.064671, back_office=0.454713 + 0.062316),
}
CENTRAL_SPLIT_SOURCE = (f"{_RO6}; one county, 12 districts, one unitary: the national shares are "
                        "not published, so these stand for every council of the class (data, with "
                        "that caveat)")

REORGANISATION_DEFAULTS: dict[str, dict] = {
    "guidance_population": dict(
        value=500_000, range=(300_000, 500_000), unit="residents",
        source="Guidance, not a rule: the statutory invitation (5 Feb 2025) following the English "
               "Devolution White Paper (Dec 2024) asks for new unitaries of 500,000 residents or "
               "more, with exceptions; CCN/PwC modelled ~300k as the smaller case (ccn-pwc-2025)"),
    "population_min": dict(
        value=300_000, range=(250_000, 500_000), unit="residents",
        source="Assumption, because the guidance's 500k admits exceptions and submitted proposals go "
               "down to about 300k, the smaller size CCN/PwC modelled (ccn-pwc-2025); set 500000 to "
               "apply the guidance as a hard rule"),
    "senior_share_of_cdc": dict(
        value=0.5, range=(0.3, 0.7), unit="share",
        source="Assumption, because RO6 reports corporate management and democratic representation "
               "together (Corporate_Democratic_Core) for most councils; half to senior management"),
    "senior_management_saving": dict(
        value=0.6, range=(0.4, 0.8), unit="share of duplicated cost",
        source="Assumption, because no source gives a rate: a successor keeps one senior team (the "
               "largest predecessor's) and drops most of the others; not all, since some district "
               "senior roles run functions the county never ran (chosen-path-2025)"),
    "democratic_saving": dict(
        value=0.5, range=(0.3, 0.7), unit="share of duplicated cost",
        source="Assumption, because no source gives a rate: one set of elections and committees "
               "instead of several; fewer councillors (ccn-pwc-2020 counts member costs, no rate)"),
    "back_office_saving": dict(
        value=0.15, range=(0.05, 0.3), unit="share of duplicated cost",
        source="Assumption, because PwC's percentages are not published in the sources read "
               "(ccn-pwc-2020, ccn-pwc-2025 'allocate assumed savings as percentages', "
               "chosen-path-2025); finance, HR, IT, revenues: duplicated systems and teams"),
    "property_share_of_central": dict(
        value=0.1, range=(0.05, 0.2), unit="share of Central_Services",
        source="Assumption, because RO6 has no corporate-estate line (property is recharged to "
               "services): the head offices' running cost as a share of central services"),
    "property_saving": dict(
        value=0.3, range=(0.1, 0.5), unit="share of duplicated cost",
        source="Assumption, because 'fewer buildings' is self-evident (chosen-path-2025) but no "
               "source gives a rate"),
    "disaggregation_rate": dict(
        value=0.02, range=(0.01, 0.04), unit="share of the county's net spend per extra successor",
        source="Assumption, because no source gives a per-service rate: set so that splitting an "
               "average county in two costs about what CCN/PwC's national figure implies (splitting "
               "county services across unitaries 'at a minimum of £1.9bn', localgov.co.uk 27 Aug "
               "2020, ccn-pwc-2020: about £15m a year for each of 25 areas over five years, against "
               "an average county's ~£0.75bn net spend on the split services here)"),
    "one_off_per_unitary_gbp_k": dict(
        value=7_000, range=(4_000, 12_000), unit="£k once, per new unitary formed by a merger",
        source="Assumption, because reported transition costs are few: Buckinghamshire (5 councils "
               "to 1) about £18-20m, Somerset (5 to 1) £15-25m, Northamptonshire (8 to 2) £30-45m "
               "(as quoted, secondary: https://antlerboy.medium.com/its-rare-i-really-disagree-with-"
               "you-simon-and-i-have-to-constantly-keep-pinching-myself-here-736a2a91a55a); fixed "
               "7m + 2.4m per predecessor fits all three; CCN/PwC's costs of change up to about "
               "£0.7bn nationally (ccn-pwc-2025) is the same order"),
    "one_off_per_predecessor_gbp_k": dict(
        value=2_400, range=(1_500, 4_000), unit="£k once, per predecessor council (a split county "
                                                "counts once in each successor)",
        source="Assumption, calibrated with one_off_per_unitary_gbp_k on the same three cases"),
    "ramp_years": dict(
        value=3, range=(2, 5), unit="years",
        source="Assumption, because savings build as posts go and contracts end: year t gets t/ramp "
               "of the full saving; disaggregation costs start in full at vesting"),
    "realisation": dict(
        value=0.5, range=(0.0, 1.0), unit="share of modelled savings delivered",
        source="Assumption, because the evidence brackets it: Denmark's 2007 mergers show no net "
               "expenditure effect (blom-hansen-2016: 0), the consultancy model assumes full delivery "
               "(ccn-pwc-2020: 1); applied to savings, not to costs"),
    "discount_rate": dict(
        value=0.035, range=(0.03, 0.035), unit="a year",
        source="HM Treasury Green Book (2022) social time preference rate"),
    "horizon_years": dict(
        value=10, range=(5, 10), unit="years",
        source="Assumption, because a structure lasts decades but estimates beyond ten years mean "
               "little; the five-year net is reported too, as CCN/PwC report it"),
}
# county services a split county must duplicate, and the share of each that is passed through
# (ring-fenced) and so not duplicated
DISAGGREGATED_SERVICES: dict[str, str] = {
    "Adult_Social_Care": "adult social care", "Children_Social_Care": "children's social care",
    "Education": "education (net of the ring-fenced share, RING_FENCED_SHARES)",
    "Highways_Transport": "highways and transport", "Environment": "waste disposal (county Environment line)",
}
# savings terms (key: parameter of the saving rate) and cost terms, in output order
SAVING_TERMS = ("senior_management", "democratic", "back_office", "property")
# Assumption, because every successor needs the statutory officers (head of paid service, s151,
# monitoring officer, directors of adult and children's services) and a full council whatever
# its size: these overheads do not shrink with the share of a county a successor takes
FIXED_TERMS = ("senior_management", "democratic")
COST_TERMS = ("disaggregation",)
COUNCIL_TAX_NOTE = ("Council-tax harmonisation not computed: the data layer holds no band D council "
                    "tax by council, so the equalisation path of each successor cannot be shown")
