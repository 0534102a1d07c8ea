"""sharedopt: shared-services opportunity optimiser for local government.

The public API::

    import sharedopt as so

    base = so.Scenario.from_config("configs/north-east.toml")   # or so.load_config(path) -> RunConfig
    result = so.run(base)                                          # the whole pipeline -> Result
    table = so.sweep(base, {"constraints.governance_capacity": [1, 2, 3]})
    diff = so.compare(result, so.run(base.with_({"constraints.governance_capacity": 2})))
    mc = so.uncertainty(base, 50, {"costs": {"dist": "lognormal", "sigma": 0.1}})
    groups = so.appraise(base, ["E06000047+E06000005:Central_Services"])     # any named group, valued

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
appraise : function
    Value named groups as the candidate table would, loss-making ones too
    (:func:`sharedopt.pipeline.appraise.appraise`).
reorganise : function
    Appraise and optimise unitary structures of a two-tier area (:func:`sharedopt.reorganisation.run.reorganise`).
appraise_structures : function
    Value given unitary structures under a config's rules (:func:`sharedopt.reorganisation.run.appraise_structures`).

These names are imported on first use (module ``__getattr__``): the pipeline loads
numpy, pandas, scipy, statsmodels and numba, so ``import sharedopt`` itself stays instant.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

__all__ = ["Scenario", "__version__", "appraise", "appraise_structures", "compare", "load_config", "reorganise",
           "run", "sweep", "uncertainty"]

# public name -> module that defines it
_HOME = {
    "run": "sharedopt.pipeline.sequencer",
    "Scenario": "sharedopt.pipeline.scenario",
    "sweep": "sharedopt.pipeline.whatif",
    "compare": "sharedopt.pipeline.whatif",
    "uncertainty": "sharedopt.pipeline.uncertainty",
    "load_config": "sharedopt.config.schema",
    "appraise": "sharedopt.pipeline.appraise",
    "reorganise": "sharedopt.reorganisation.run",
    "appraise_structures": "sharedopt.reorganisation.run",
}


def __getattr__(name: str):
    """Import a public name from its module on first access."""
    if name not in _HOME:
        raise AttributeError(f"module 'sharedopt' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    importlib.import_module("sharedopt.report.html.notebook")  # registers Result.map()'s drawer
    importlib.import_module("sharedopt.console")  # registers the progress bar of sweep and uncertainty
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, for tab completion."""
    return sorted(set(globals()) | set(__all__))
