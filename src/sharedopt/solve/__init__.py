"""The solve step: :func:`~sharedopt.solve.api.solve` (reductions, backend, pieces, honest
:class:`~sharedopt.solve.status.Status`, bounds) within one :class:`~sharedopt.solve.budget.Budget`.

Backends are objects chosen from plain data (:func:`~sharedopt.solve.backends.registry.get_backend`);
:mod:`~sharedopt.solve.diagnose` explains infeasibility, :mod:`~sharedopt.solve.bounds` and
:mod:`~sharedopt.solve.lp_bounds` prove bounds, :mod:`~sharedopt.solve.generate` generates
scale candidates by column generation when there are too many to list.
"""
