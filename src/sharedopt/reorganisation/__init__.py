"""Reorganisation into unitary councils: appraise submitted structures and find the best ones.

The councils of a two-tier area (its districts, and the neighbouring unitaries a config
names) are partitioned into new unitaries, each connected on the neighbour graph and
within population bounds; the county's services are disaggregated across its
successors. :func:`reorganise` checks the input, proves the best structure for each
number of unitaries, and appraises proposals and optima side by side;
:func:`appraise_structures` values given structures under the same rules.
"""

from sharedopt.reorganisation.run import ReorganisationResult, appraise_structures, parameter_table, reorganise

__all__ = ["ReorganisationResult", "appraise_structures", "parameter_table", "reorganise"]
