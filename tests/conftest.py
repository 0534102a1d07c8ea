"""Fixtures shared by several test files: the North East and Wales configs and inputs, the
North East candidates, the North East k = 3 what-if run, the hard random model, and busy
processes on every core (the CPU hog)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from pathlib import Path

import pytest

from portfolio_instances import hard_instance
from sharedopt.config.constraints import Constraints
from sharedopt.config.schema import load_config
from sharedopt.config.solver import SolverOptions
from sharedopt.model.build import build_model
from sharedopt.pipeline.sequencer import run
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.steps import enumerate_candidates, load_inputs
from sharedopt.solve.backends.highs import start_scheduler

# HiGHS keeps one thread scheduler per process and the first thread count wins
# (sharedopt.solve.backends.highs): fix it before any test runs, so that no result
# depends on which test happened to run first.
start_scheduler(SolverOptions().threads)

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


@pytest.fixture(scope="session")
def north_east_config():
    """``configs/north-east.toml`` as shipped (change it with ``model_copy`` only)."""
    return load_config(CONFIGS / "north-east.toml")


@pytest.fixture(scope="session")
def north_east_inputs(north_east_config):
    """The North East inputs (authorities, costs, graphs); valid for any config that keeps
    the shipped region, data, model services and status quo."""
    return load_inputs(north_east_config)


@pytest.fixture(scope="session")
def north_east_candidates(north_east_inputs, north_east_config):
    """The shipped North East candidates, without shares."""
    return enumerate_candidates(north_east_inputs, north_east_config, with_shares=False)


@pytest.fixture(scope="session")
def north_east_uncoordinated_candidates(north_east_inputs, north_east_config):
    """The North East candidates with the coordination cost off (``coordination_best_size = 0``):
    larger groups and more services with positive candidates, for tests of the model and the
    solver that need them (the savings terms have their own tests)."""
    model = north_east_config.model.model_copy(update={"coordination_best_size": 0.0})
    config = north_east_config.model_copy(update={"model": model})
    return enumerate_candidates(north_east_inputs, config, with_shares=False)


@pytest.fixture(scope="session")
def wales_inputs():
    """The Wales inputs of ``configs/wales.toml`` (the same for any group size)."""
    return load_inputs(load_config(CONFIGS / "wales.toml"))


@pytest.fixture(scope="session")
def north_east_k3_run():
    """The North East default at k = 3, no ranking re-solves, 30 s solver limit, run once."""
    return run(Scenario.from_config(CONFIGS / "north-east.toml").with_(
        {"model.max_group_size": 3, "report.top_n": 0, "solver.time_limit": 30}))


@pytest.fixture(scope="module")
def hard_model():
    """A random instance HiGHS does not prove quickly: 60 authorities, 3,000 candidates."""
    df = hard_instance(0, n_auth=60, n_cand=3000)
    cons = Constraints(governance_capacity=2, budget_total_gbp_k=float(df.one_off_cost_gbp_k.sum() * 0.02))
    return build_model(df, cons)


def _spin(stop) -> None:
    while not stop.is_set():
        pass


@contextlib.contextmanager
def _busy_cores(active: bool = True):
    """Busy processes on every core while the block runs (none when not ``active``)."""
    if not active:
        yield
        return
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    hogs = [ctx.Process(target=_spin, args=(stop,)) for _ in range(max(2, os.cpu_count() or 2))]
    for p in hogs:
        p.start()
    try:
        yield
    finally:
        stop.set()
        for p in hogs:
            p.join()


@pytest.fixture(scope="session")
def cpu_hogs():
    """``with cpu_hogs():`` keeps every core busy (so a figure that depended on wall-clock
    time would change); ``cpu_hogs(active=False)`` does nothing."""
    return _busy_cores
