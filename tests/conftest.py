"""Shared test set-up."""

from sharedopt.config.solver import SolverOptions
from sharedopt.solve.backends.highs import start_scheduler

# HiGHS keeps one thread scheduler per process and the first thread count wins
# (sharedopt.solve.backends.highs): fix it before any test runs, so that no result
# depends on which test happened to run first.
start_scheduler(SolverOptions().threads)
