"""sharedopt: shared-services opportunity optimiser for local government.

The public API::

    import sharedopt as so

    base = so.Scenario.from_config("configs/north-east.toml")   # or so.load_config(path) -> RunConfig
    result = so.run(base)                                          # the whole pipeline -> Result
    table = so.sweep(base, {"constraints.governance_capacity": [1, 2, 3]})
    diff = so.compare(result, so.run(base.with_({"constraints.governance_capacity": 2})))
    mc = so.uncertainty(base, 50, {"costs": {"dist": "lognormal", "sigma": 0.1}})

Attributes
----------
Scenario : class
    An immutable what-if scenario (:class:`sharedopt.pipeline.scenario.Scenario`).
run : callable
    Run one scenario end to end (:func:`sharedopt.pipeline.sequencer.run`).
sweep : function
    Many variants of a scenario, one row each (:func:`sharedopt.pipeline.whatif.sweep`).
compare : function
    Tidy differences between results (:func:`sharedopt.pipeline.whatif.compare`).
uncertainty : function
    Monte Carlo over uncertain inputs (:func:`sharedopt.pipeline.uncertainty.uncertainty`).
load_config : function
    Read and validate a scenario TOML (:func:`sharedopt.config.schema.load_config`).

These names are imported on first use (module ``__getattr__``): the pipeline loads
numpy, pandas, scipy, statsmodels and numba, so ``import sharedopt`` itself stays instant.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

__all__ = ["Scenario", "__version__", "compare", "load_config", "run", "sweep", "uncertainty"]

# public name -> module that defines it
_HOME = {
    "run": "sharedopt.pipeline.sequencer",
    "Scenario": "sharedopt.pipeline.scenario",
    "sweep": "sharedopt.pipeline.whatif",
    "compare": "sharedopt.pipeline.whatif",
    "uncertainty": "sharedopt.pipeline.uncertainty",
    "load_config": "sharedopt.config.schema",
}


def __getattr__(name: str):
    """Import a public name from its module on first access."""
    if name not in _HOME:
        raise AttributeError(f"module 'sharedopt' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    importlib.import_module("sharedopt.report.notebook")  # registers Result.map()'s drawer
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, for tab completion."""
    return sorted(set(globals()) | set(__all__))
