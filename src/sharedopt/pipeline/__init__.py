"""The run step: one sequencer for a scenario, its steps, what-if sweeps and Monte Carlo.

:func:`sharedopt.pipeline.sequencer.run` is the one place the steps are chained (check ->
load inputs -> candidates -> model -> user hook -> solve -> assign solution); the steps
live in :mod:`~sharedopt.pipeline.steps` and :mod:`~sharedopt.pipeline.assign`, each
callable on its own; every step reports through one event type
(:mod:`~sharedopt.pipeline.events`). The package is called ``pipeline`` rather than
``run`` so that ``sharedopt.run`` can be the function.
"""
