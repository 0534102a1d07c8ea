"""The model with only the terms column generation prices (shared by the generation tests)."""

from __future__ import annotations


def priced_terms_only(params):
    """``params`` with only the terms the pricing prices (scale, set-up, governance): efficiency
    convergence, coordination and distance costs, span limits and whole-organisation candidates
    switched off, and the literature curves."""
    services = {k: v.model_copy(update={"distance_rate_per_km": 0.0, "max_span_km": None})
                for k, v in params.services.items()}
    return params.model_copy(update={"efficiency_theta": 0.0, "distance_cost_per_km_gbp_k": 0.0,
                                     "coordination_best_size": 0.0, "whole_organisation": False,
                                     "cost_curves": "literature", "services": services})
