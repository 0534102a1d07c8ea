"""Per-service curve parameters, the non-council services, finer services and scope pairs.

Part of :mod:`sharedopt.config.assumptions`; import from there.
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
