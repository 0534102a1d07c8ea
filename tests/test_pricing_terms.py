"""The pricing's compiled unit-cost curve against the savings model's (sharedopt.candidates.pricing_terms).

Column generation's bound is only as good as its curve: the compiled curve must give the
savings model's unit cost at every population, and its range over an interval must hold
every value the curve takes there (the real North East fitted curves and the literature U).
"""

from __future__ import annotations

import numpy as np
import pytest

from sharedopt.candidates.pricing_terms import CURVE_LOG_QUADRATIC, CURVE_U, curve_spec
from sharedopt.candidates.value import CostBase, service_unit_cost
from sharedopt.solve.generate.search import _unit, _unit_range


@pytest.fixture(scope="module", params=["fitted", "literature"])
def curves(request, north_east_inputs, north_east_config):
    params = north_east_config.model.model_copy(update={"cost_curves": request.param})
    base = CostBase.from_frames(north_east_inputs.authorities, north_east_inputs.costs, params)
    return base, params


def test_compiled_curve_is_the_savings_models_curve(curves):
    base, params = curves
    rng = np.random.default_rng(3)
    population = np.exp(rng.uniform(np.log(5e3), np.log(2e7), 200))
    kinds = set()
    for service in base.services:
        kind, constants = curve_spec(base, params, service)
        kinds.add(kind)
        want = service_unit_cost(base, params, service, population)
        got = np.array([_unit(p, kind, constants) for p in population])
        np.testing.assert_allclose(got, want, rtol=1e-12)
    if params.cost_curves == "literature":
        assert kinds == {CURVE_U}
    else:  # the panel's fitted curves (services outside it keep the literature U)
        assert CURVE_LOG_QUADRATIC in kinds


def test_range_over_an_interval_holds_every_value_and_is_attained(curves):
    base, params = curves
    rng = np.random.default_rng(5)
    for service in base.services:
        kind, constants = curve_spec(base, params, service)
        for _ in range(40):
            low = float(np.exp(rng.uniform(np.log(5e3), np.log(5e6))))
            high = low * float(np.exp(rng.uniform(0.0, 3.0)))
            lo, hi = _unit_range(low, high, kind, constants)
            grid = np.exp(np.linspace(np.log(low), np.log(high), 4001))
            values = service_unit_cost(base, params, service, grid)
            assert lo <= values.min() * (1 + 1e-12) and hi >= values.max() * (1 - 1e-12)
            # the ends or the turning point attain it, so the bound is tight (up to the grid's step)
            assert lo >= values.min() * (1 - 1e-4) and hi <= values.max() * (1 + 1e-4)
