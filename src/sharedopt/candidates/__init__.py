"""The candidates step: every candidate collaboration, valued, with its members' shares.

:mod:`~sharedopt.candidates.table` owns the candidate contract (columns, ids, kinds, code
cells); :func:`~sharedopt.candidates.build.build_candidates` enumerates connected groups
(:mod:`~sharedopt.candidates.enumerate`), values them with the savings model
(:mod:`~sharedopt.candidates.value`, :mod:`~sharedopt.candidates.curves`,
:mod:`~sharedopt.candidates.terms`) and splits each NPV between members
(:mod:`~sharedopt.candidates.shares`). Whole-organisation options, depths of integration
and readiness live beside them. Column generation, which needs a solver, is injected from
:mod:`sharedopt.solve.generate`.
"""
