"""Run step: sequence a scenario through the pipeline, what-if sweeps and Monte Carlo.

The package is callable: ``sharedopt.run(config)`` is :func:`sharedopt.run.pipeline.run`
(so that ``import sharedopt as so; so.run(...)`` works although ``sharedopt.run`` is also
this package). The pipeline is imported on the first call, so importing the package, or
a light module of it such as :mod:`sharedopt.run.events`, stays instant.
"""

from __future__ import annotations

import importlib
import sys
import types


class _CallablePackage(types.ModuleType):
    """This package, callable as :func:`sharedopt.run.pipeline.run`."""

    def __call__(self, *args, **kwargs):
        """Run one scenario end to end (:func:`sharedopt.run.pipeline.run`)."""
        return importlib.import_module("sharedopt.run.pipeline").run(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
