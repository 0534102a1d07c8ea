"""Solver settings: the ``[solver]`` section of a run configuration (plain, validated data)."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["SolverOptions"]


class SolverOptions(BaseModel):
    """Solver settings (plain data, e.g. a ``[solver]`` TOML section).

    Attributes
    ----------
    name : str
        'highs' (default) or 'cbc' (the solver registry of ``sharedopt.solve``).
    time_limit : float or None
        Seconds for the whole solve (shared by decomposition pieces): > 0 and
        finite, or None for no limit. In a run it is the run's budget of solver
        time (:class:`sharedopt.solve.budget.Budget`): generation, solve, diagnosis,
        ranking re-solves and alternatives share it.
    mip_gap : float
        Relative MIP gap in [0, 1) at which the solver may stop; the result is
        'optimal' only when its reported gap is within it.
    threads, seed : int
        threads >= 1, seed >= 0.
        Solver threads / random seed (CBC: seed 0 keeps CBC's fixed default
        seeds, because CBC's own 0 means "time of day").
    node_limit : int or None
        Deterministic work limit: branch-and-bound nodes per solver call (HiGHS
        ``mip_max_nodes``, CBC ``maxNodes``); None for none. Unlike the time limit,
        a result stopped by it does not depend on machine load.
    msg : bool
        Show solver output.
    decompose : bool
        Solve independent pieces separately.
    alternatives : int
        Near-optimal alternative portfolios to look for after the solve (0: none;
        :mod:`sharedopt.results.alternatives`), written to ``alternatives.csv``.
    alternatives_gap : float
        Relative objective loss an alternative may have, in (0, 1) (0.01: within 1%).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "highs"
    time_limit: float | None = 60
    mip_gap: float = 1e-3
    threads: int = 2
    seed: int = 0
    node_limit: int | None = None
    msg: bool = False
    decompose: bool = True
    alternatives: int = Field(default=0, ge=0, le=50)
    alternatives_gap: float = Field(default=0.01, gt=0, lt=1)

    @field_validator("time_limit")
    @classmethod
    def _positive_time(cls, v: float | None) -> float | None:
        if v is not None and not (0 < v < math.inf):
            raise ValueError(f"time_limit must be a finite number of seconds > 0, e.g. 60 "
                             f"(got {v}); leave it out for no limit")
        return v

    @field_validator("mip_gap")
    @classmethod
    def _gap(cls, v: float) -> float:
        if not (0 <= v < 1):
            raise ValueError(f"mip_gap is a relative gap in [0, 1), e.g. 0.001 for 0.1% (got {v})")
        return v

    @field_validator("threads")
    @classmethod
    def _threads(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"threads must be >= 1 (got {v})")
        return v

    @field_validator("node_limit")
    @classmethod
    def _nodes(cls, v: int | None) -> int | None:
        if v is not None and v < 1:
            raise ValueError(f"node_limit must be >= 1 node or left out (got {v})")
        return v

    @field_validator("seed")
    @classmethod
    def _seed(cls, v: int) -> int:
        if v < 0:
            raise ValueError(f"seed must be >= 0 (got {v})")
        return v
