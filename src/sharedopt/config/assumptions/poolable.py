"""Which outturn lines a partnership can pool, and the functions existing arrangements occupy.

Part of :mod:`sharedopt.config.assumptions`; import from there.

The poolable share of a council's service (:mod:`sharedopt.data.poolable`) is the share of
the service's expenditure in the lines named poolable here. A line is poolable when a
partnership of councils can take the whole function over (a shared service, joint committee
or lead-council contract runs it for every member); it is not when the spend is tied to the
council itself (democratic representation, pension back-funding, grants and transfer
payments, levies, local amenities used where they are). Lines of the service total that are
not in the detail file count as not poolable. The classification is judgement (an
assumption, because no published source says which lines partnerships can pool); each
line's reason is given.
"""

from __future__ import annotations

# Top-level service -> the detail file's total line (form, line) the shares are taken of.
POOLABLE_TOTALS: dict[str, tuple[str, str]] = {
    "Central_Services": ("RO6", "TOTAL CENTRAL SERVICES"),
    "Housing": ("RO4", "TOTAL HOUSING SERVICES (GFRA only)"),
    "Environment": ("RO5", "TOTAL ENVIRONMENTAL AND REGULATORY SERVICES"),
    "Culture": ("RO5", "TOTAL CULTURAL AND RELATED SERVICES"),
    "Planning": ("RO5", "TOTAL PLANNING AND DEVELOPMENT SERVICES"),
}

_WASTE = "physical capital: fleets, depots, plant and contracts run jointly by waste partnerships"
_REG = "specialist staff: shared regulatory services (e.g. Worcestershire Regulatory Services)"
_LOCAL = "not poolable: a local amenity or local work, used where it is"
_TRANSFER = "not poolable: a grant, transfer payment or levy, not a function anyone runs"
_SUPPORT = ("back office: ICT, HR, finance, legal, procurement, audit and customer services "
            "(the support costs RO6 has not recharged to front-line lines)")

# (service, line) -> (function, poolable, reason). ``function`` names the separable part
# an existing arrangement can occupy (:data:`ARRANGEMENT_FUNCTIONS`); "" = none.
POOLABLE_LINES: dict[tuple[str, str], tuple[str, bool, str]] = {
    # ---- RO6 central services
    ("Central_Services", "Council tax collection"): ("revenues_benefits", True, "revenues processing and recovery"),
    ("Central_Services", "Non-domestic rates collection"): ("revenues_benefits", True, "revenues processing and recovery"),
    ("Central_Services", "Council tax support - administration"): ("revenues_benefits", True, "benefits processing"),
    ("Central_Services", "MANAGEMENT AND SUPPORT SERVICES"): ("support", True, _SUPPORT),
    ("Central_Services", "Conducting elections"): ("elections_registration", True, "election staff, printing, systems"),
    ("Central_Services", "Registration of electors"): ("elections_registration", True, "canvass staff and systems"),
    ("Central_Services", "Registration of births, deaths and marriages"): (
        "elections_registration", True, "registration service (run jointly across counties)"),
    ("Central_Services", "Local land charges"): ("land_charges", True, "a register and a system"),
    ("Central_Services", "Coroners' court services"): ("coroners", True, "coroner areas span councils"),
    ("Central_Services", "Other court services"): ("coroners", True, "court services span councils"),
    ("Central_Services", "Emergency planning"): ("emergency_planning", True, "joint resilience units"),
    ("Central_Services", "Corporate and Democratic Core"): (
        "", False, "not poolable: democratic representation and corporate management stay with each council"),
    ("Central_Services", "Retirement benefits"): ("", False, "not poolable: pension back-funding of past staff"),
    ("Central_Services", "General grants, bequests and donations"): ("", False, _TRANSFER),
    ("Central_Services", "Local welfare assistance"): ("", False, _TRANSFER),
    ("Central_Services", "Council tax discounts - prompt payment"): ("", False, _TRANSFER),
    ("Central_Services", "Council tax discounts - locally funded"): ("", False, _TRANSFER),
    ("Central_Services", "Business Improvement District ballots"): ("", False, "not poolable: a local ballot"),
    ("Central_Services", "Costs of unused shares of IT facilities and other assets"): (
        "", False, "not poolable: a sunk cost of unused capacity"),
    ("Central_Services", "Revenue expenditure on surplus assets"): ("", False, "not poolable: surplus property"),
    # ---- RO4 housing (general fund)
    ("Housing", "Housing Benefits Administration"): ("revenues_benefits", True, "benefits processing"),
    ("Housing", "Homelessness administration - Homelessness Reduction Act"): (
        "", True, "specialist caseworkers and systems"),
    ("Housing", "Homelessness administration - Temporary accommodation"): ("", True, "placement and procurement"),
    ("Housing", "Homelessness - Non-HRA housing admin"): ("", True, "housing administration"),
    ("Housing", "Housing strategy and advice"): ("", True, "specialist staff"),
    ("Housing", "Administration of financial support for repairs and improvements"): (
        "", True, "grant administration (home improvement agencies serve several councils)"),
    ("Housing", "Other private sector renewal"): ("", True, "specialist staff"),
    ("Housing", "Bed and breakfast hotels"): ("", False, "not poolable: accommodation bought per household"),
    ("Housing", "Hostels (not nightly paid, not registered care homes)"): ("", False, _LOCAL),
    ("Housing", "Nightly paid accommodation (self-contained)"): ("", False, "not poolable: accommodation bought per household"),
    ("Housing", "Other temporary accommodation"): ("", False, "not poolable: accommodation bought per household"),
    ("Housing", "Private sector leased"): ("", False, "not poolable: accommodation bought per household"),
    ("Housing", "Non-HRA rent rebates - discretionary payments"): ("", False, _TRANSFER),
    ("Housing", "Rent allowances - discretionary payments"): ("", False, _TRANSFER),
    ("Housing", "Supporting People"): ("", False, "not poolable: commissioned care and support"),
    ("Housing", "Other welfare services"): ("", False, _TRANSFER),
    ("Housing", "Housing advances"): ("", False, _TRANSFER),
    ("Housing", "LA stock and housing association stock"): ("", False, _LOCAL),
    ("Housing", "Other council property (Non-HRA)"): ("", False, _LOCAL),
    # ---- RO5 environmental and regulatory
    **{("Environment", line): ("waste", True, _WASTE) for line in (
        "Waste collection", "Waste disposal", "Recycling", "Trade waste", "Waste minimisation",
        "Street cleansing (not chargeable to highways)")},
    **{("Environment", line): ("regulatory", True, _REG) for line in (
        "Food safety / hygiene", "Environmental protection / noise and nuisance", "Health and safety",
        "Pest control", "Animal and public health", "Trading standards", "Licensing", "Port health",
        "Housing standards and HMO licensing", "Water safety", "Safety Services")},
    ("Environment", "Cemetery, cremation and mortuary services"): (
        "", True, "physical capital: crematoria and mortuaries (joint crematorium committees exist)"),
    ("Environment", "CCTV"): ("", True, "physical capital: shared CCTV control rooms"),
    ("Environment", "Crime Reduction"): ("", False, _LOCAL),
    ("Environment", "Defences against flooding"): ("", False, _LOCAL),
    ("Environment", "Land drainage"): ("", False, _LOCAL),
    ("Environment", "Land drainage - levies"): ("", False, _TRANSFER),
    ("Environment", "Port health - levies"): ("", False, _TRANSFER),
    ("Environment", "Coast protection"): ("", False, _LOCAL),
    ("Environment", "Agricultural and fisheries services"): ("", False, _LOCAL),
    ("Environment", "Public conveniences"): ("", False, _LOCAL),
    ("Environment", "Climate change costs"): ("", False, _LOCAL),
    # ---- RO5 cultural and related
    ("Culture", "Library service - Library service"): ("", True, "systems, stock and back office (library consortia)"),
    ("Culture", "Culture and heritage - Museums and galleries"): ("", True, "collections and curators (joint museum services)"),
    ("Culture", "Culture and heritage - Archives"): ("", True, "archive stores and archivists (joint record offices)"),
    ("Culture", "Culture and heritage - Heritage"): ("", True, "specialist staff"),
    ("Culture", "Culture and heritage - Theatres and public entertainment"): ("", True, "venues run by one operator"),
    ("Culture", "Culture and heritage - Arts development and support"): ("", True, "specialist staff"),
    ("Culture", "Recreation and sport - Sports and recreation facilities including golf courses"): (
        "", True, "physical capital: leisure centres run by one trust or contract"),
    ("Culture", "Recreation and sport - Sports development and community recreation"): ("", False, _LOCAL),
    ("Culture", "Recreation and sport - Community centres and public halls"): ("", False, _LOCAL),
    ("Culture", "Recreation and sport - Foreshore"): ("", False, _LOCAL),
    ("Culture", "Open spaces - Parks and open spaces"): ("", False, _LOCAL),
    ("Culture", "Open spaces - Allotments"): ("", False, _LOCAL),
    ("Culture", "Tourism"): ("", False, _LOCAL),
    # ---- RO5 planning and development
    ("Planning", "Building control"): ("", True, "specialist surveyors (shared building control partnerships)"),
    ("Planning", "Development control"): ("", True, "specialist planners and systems"),
    ("Planning", "Conservation and listed buildings"): ("", True, "specialist officers"),
    ("Planning", "Other planning policy and specialist advice"): ("", True, "specialist advice and evidence bases"),
    ("Planning", "Economic research and intelligence"): ("", True, "specialist analysts"),
    ("Planning", "Environmental initiatives"): ("", False, _LOCAL),
    ("Planning", "Economic development"): ("", False, "not poolable: local programmes and grants"),
    ("Planning", "Business support and promotion"): ("", False, "not poolable: local programmes and grants"),
    ("Planning", "Community development and safety"): ("", False, _LOCAL),
}

# The RO5 sub-lines of the 317-council England file that are poolable lines above
# (column of the file -> (service, line)).
RO5_POOLABLE_COLUMNS: dict[str, tuple[str, str]] = {
    "waste_collection_nce_gbp_k": ("Environment", "Waste collection"),
    "waste_disposal_nce_gbp_k": ("Environment", "Waste disposal"),
    "recycling_nce_gbp_k": ("Environment", "Recycling"),
    "street_cleansing_nce_gbp_k": ("Environment", "Street cleansing (not chargeable to highways)"),
    "libraries_nce_gbp_k": ("Culture", "Library service - Library service"),
    "development_control_nce_gbp_k": ("Planning", "Development control"),
}

# A council's detail measures a service only when its named lines hold this share of the
# service's total expenditure (the rest of the total is in lines the file leaves blank).
POOLABLE_COVERAGE_MIN: dict = dict(
    value=0.9, range=(0.8, 0.97),
    source="Assumption, because the detail file leaves some lines blank for every council (parks, "
           "sports facilities, several housing lines): below 90% coverage the unknown lines could "
           "change the share by more than a tenth, so the service is not called measured.",
)

# RO6 does not split "management and support services" by function; each named support
# function takes an equal part of it.
SUPPORT_FUNCTION_SPLIT: dict = dict(
    value={f: 1.0 / 7.0 for f in ("ict", "hr", "finance", "legal", "procurement", "internal_audit",
                                   "customer_services")},
    range=(0.05, 0.35),
    source="Assumption, because RO6 holds the unrecharged support costs as one line: each of the "
           "seven support functions an arrangement can name takes an equal part (1/7) of it.",
)

# Category of a real arrangement (sharedopt.data.arrangements) -> the separable function it
# occupies, per service. A category not here occupies the whole service line.
ARRANGEMENT_FUNCTIONS: dict[str, dict[str, str]] = {
    "revenues_benefits": {"Central_Services": "revenues_benefits", "Housing": "revenues_benefits"},
    **{f: {"Central_Services": f} for f in SUPPORT_FUNCTION_SPLIT["value"]},
}

# ---------------------------------------------------------------- physical and human capital
# The poolable budget splits into the part tied to specialist staff (human capital: the
# poolable lines' employee expenses) and the part tied to plant, property and contracts
# (physical capital: their running expenses, which hold premises, transport, supplies and
# services and third-party payments such as waste and leisure contracts). The detail file
# has no finer subjective split, and capital charges are outside revenue outturn, so the
# physical part of council-owned plant is understated (its depreciation is not in the line).
#
# Which part each economy acts on. The research (Public Policy Institute for Wales,
# "Collaboration and Public Services Improvement") puts economies of scale with the same
# service's specific assets shared across neighbours (waste disposal: physical capital) and
# economies of scope with complementary services run together (health and social care:
# shared staff and management). Scale economies act on the whole physical part and on this
# share of the human part; scope economies on the whole human part and on this share of the
# physical part.
CAPITAL_ACTION: dict = dict(
    value={"scale_on_human": 0.5, "scope_on_physical": 0.5},
    range=(0.0, 1.0),
    evidence=("niaounakis-blank-2017-small-inefficiency", "bel-fageda-galicia-threshold"),
    source="Assumption, because the research names the capital each economy rests on but not the "
           "share of the other: staff-heavy functions also show scale economies (Dutch municipal tax "
           "departments: units of about 10,000 residents up to 30% inefficient, Niaounakis & Blank "
           "2017), and shared depots and fleets are the scope pair Environment-Highways (street "
           "scene). Half of the other capital is the middle of 0 (the research read strictly) and 1 "
           "(no distinction).",
)

# Human-capital share of a service's poolable spend where no council of the class has
# employee / running-expense detail for it (education, social care, public health).
HUMAN_CAPITAL_FALLBACK: dict = dict(
    value=0.5, range=(0.2, 0.8),
    source="Assumption, because no detail file here splits these services' spend into employees and "
           "running expenses: an even split, labelled 'assumption' wherever it is used.",
)

# A council's split is measured only when its poolable lines' employee and running expenses
# hold at least this share of the service's total expenditure (else the class median).
CAPITAL_COVERAGE_MIN: dict = dict(
    value=0.10, range=(0.05, 0.25),
    source="Assumption, because the detail file leaves large lines blank for several councils (sports "
           "facilities, parks): a split resting on a few £k of a £7m Culture line (Burnley, Chorley: "
           "£2k) says nothing about the service, so below a tenth of the total it is not called measured.",
)
