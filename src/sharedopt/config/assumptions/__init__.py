"""Every modelling default in one place, each with its value, range and source or rationale.

This package face is the one place to import a default from
(``from sharedopt.config.assumptions import X``); the modules behind it only group
the defaults by theme:

* :mod:`~sharedopt.config.assumptions.services`: per-service curve parameters, the
  non-council services, finer services, economies of scope;
* :mod:`~sharedopt.config.assumptions.money`: costs of collaboration, appraisal,
  ring-fenced grants and cash flow;
* :mod:`~sharedopt.config.assumptions.realisation`: realisation base rate and its
  evidence, readiness, partnership mode, depth of integration, Monte Carlo defaults;
* :mod:`~sharedopt.config.assumptions.savings`: decomposed savings terms (efficiency,
  distance, span) and whole-organisation sharing;
* :mod:`~sharedopt.config.assumptions.spatial`: adjacency links, border tolerance,
  delivery threshold;
* :mod:`~sharedopt.config.assumptions.cost_curves`: fitted cost functions, their
  literature fallback, day-time population weights;
* :mod:`~sharedopt.config.assumptions.data_quality`: plausibility checks of spend;
* :mod:`~sharedopt.config.assumptions.reorganisation`: unitary size guidance, aggregation and
  disaggregation, transition costs of reorganisation.
* :mod:`~sharedopt.config.assumptions.poolable`: which outturn lines a partnership can pool, and
  which part of them (physical / human capital) each economy acts on.

These are **assumptions**, not data. They are calibrated against published
evidence where there is some (cited), and otherwise stated as judgement. Every
value can be overridden from the ``[model]`` section of a config (see
:mod:`sharedopt.config.params`).

Units: money in £ thousand (``_gbp_k``), populations in residents.
"""

from sharedopt.config.assumptions.services import (
    SERVICE_DEFAULTS, NON_COUNCIL_SERVICES, FINE_SERVICE_DEFAULTS, FINE_SCOPE_MAP,
    FINE_SCOPE_DEFAULTS, SCOPE_DEFAULTS,
)
from sharedopt.config.assumptions.money import (
    COST_DEFAULTS, APPRAISAL_DEFAULTS, RING_FENCED_SHARES, CASHFLOW_RULES,
)
from sharedopt.config.assumptions.realisation import (
    REALISATION_EVIDENCE, REALISATION_BASE, SUCCESS_PROBABILITY, UNCERTAINTY_DEFAULTS, REALISATION_DEFAULTS,
    READINESS_DEFAULTS, DEPTH_DEFAULTS, DEPTH_REFERENCE, WHOLE_ORG_DEPTH,
)
from sharedopt.config.assumptions.savings import (
    MAX_GROUP_SIZE, SAVINGS_TERM_DEFAULTS, SERVICE_SPATIAL_DEFAULTS, SPATIAL_FALLBACK, WHOLE_ORG_DEFAULTS,
)
from sharedopt.config.assumptions.spatial import (
    DEFAULT_LINKS, OPTIONAL_LINKS, ADJACENCY_TOLERANCE_M, DELIVERY_SHARE_THRESHOLD,
)
from sharedopt.config.assumptions.cost_curves import (
    COST_CURVE_RULE, COST_CURVE_FALLBACK, DAYTIME_SERVICE_WEIGHTS,
)
from sharedopt.config.assumptions.data_quality import SPEND_PLAUSIBILITY, PLAUSIBILITY_RULE
from sharedopt.config.assumptions.unknowns import plain_label, unknowns
from sharedopt.config.assumptions.reorganisation import (
    REORGANISATION_DEFAULTS, CENTRAL_SPLIT, CENTRAL_SPLIT_SOURCE, DISAGGREGATED_SERVICES,
    SAVING_TERMS, COST_TERMS, COUNCIL_TAX_NOTE, FIXED_TERMS,
)
from sharedopt.config.assumptions.poolable import (
    POOLABLE_TOTALS, POOLABLE_LINES, RO5_POOLABLE_COLUMNS, SUPPORT_FUNCTION_SPLIT, ARRANGEMENT_FUNCTIONS,
    POOLABLE_COVERAGE_MIN, CAPITAL_ACTION, HUMAN_CAPITAL_FALLBACK, CAPITAL_COVERAGE_MIN,
)

__all__ = [
    "SERVICE_DEFAULTS", "NON_COUNCIL_SERVICES", "FINE_SERVICE_DEFAULTS", "FINE_SCOPE_MAP",
    "FINE_SCOPE_DEFAULTS", "SCOPE_DEFAULTS", "COST_DEFAULTS", "APPRAISAL_DEFAULTS",
    "RING_FENCED_SHARES", "CASHFLOW_RULES", "REALISATION_EVIDENCE", "REALISATION_BASE", "SUCCESS_PROBABILITY",
    "UNCERTAINTY_DEFAULTS", "REALISATION_DEFAULTS", "READINESS_DEFAULTS", "DEPTH_DEFAULTS",
    "DEPTH_REFERENCE", "WHOLE_ORG_DEPTH", "SAVINGS_TERM_DEFAULTS", "SERVICE_SPATIAL_DEFAULTS",
    "SPATIAL_FALLBACK", "WHOLE_ORG_DEFAULTS", "MAX_GROUP_SIZE", "DEFAULT_LINKS", "OPTIONAL_LINKS",
    "ADJACENCY_TOLERANCE_M", "DELIVERY_SHARE_THRESHOLD", "COST_CURVE_RULE", "COST_CURVE_FALLBACK",
    "DAYTIME_SERVICE_WEIGHTS", "SPEND_PLAUSIBILITY", "PLAUSIBILITY_RULE", "plain_label", "unknowns",
    "REORGANISATION_DEFAULTS", "CENTRAL_SPLIT", "CENTRAL_SPLIT_SOURCE", "DISAGGREGATED_SERVICES",
    "SAVING_TERMS", "COST_TERMS", "COUNCIL_TAX_NOTE", "FIXED_TERMS",
    "DAYTIME_SERVICE_WEIGHTS", "SPEND_PLAUSIBILITY", "PLAUSIBILITY_RULE", "POOLABLE_TOTALS",
    "POOLABLE_LINES", "RO5_POOLABLE_COLUMNS", "SUPPORT_FUNCTION_SPLIT", "ARRANGEMENT_FUNCTIONS",
    "POOLABLE_COVERAGE_MIN", "CAPITAL_ACTION", "HUMAN_CAPITAL_FALLBACK", "CAPITAL_COVERAGE_MIN",
]
