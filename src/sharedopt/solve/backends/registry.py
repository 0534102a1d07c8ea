"""Solver registry: the user-facing solver names, which are installed, and the backend objects.

In the style of PuLP's ``getSolver(name)`` / ``listSolvers(onlyAvailable=True)``
(:func:`get_backend` / :func:`list_backends`), with sharedopt's own names:
``'highs'`` (default, through ``highspy``) and ``'cbc'`` (through PuLP: the ``cbc``
binary PuLP 3.x bundles, or on PuLP 4.x the ``cbcbox`` wheel that
``pip install "pulp[cbc]"`` brings, or a ``cbc`` binary on PATH).

A backend object (:class:`Backend`) carries its :class:`SolverOptions` and solves one
model (or piece) with ``backend.solve(model, time_limit, warm, extra)``; it maps its
solver's own codes to :class:`~sharedopt.solve.status.Status`.
:func:`check_solver` is the user-facing check, called by the CLI (``run``,
``validate``) and by :func:`sharedopt.pipeline.sequencer.run` before any data is loaded.
"""

from __future__ import annotations

import functools
import warnings
from typing import Protocol

import numpy as np
import pulp

from sharedopt.common.errors import SharedoptError
from sharedopt.common.suggest import did_you_mean
from sharedopt.config.solver import SolverOptions
from sharedopt.model.build import PortfolioModel
from sharedopt.solve.backends.highs import HighsBackend
from sharedopt.solve.backends.pulp import CbcBackend
from sharedopt.solve.backends.pulp_view import ExtraHook
from sharedopt.solve.pieces import Piece

__all__ = ["SOLVERS", "Backend", "SolverUnavailableError", "available_solvers", "check_solver",
           "backend_for", "get_backend", "list_backends", "pulp_name"]

#: user-facing name -> PuLP solver classes that provide it, first available wins
SOLVERS: dict[str, tuple[str, ...]] = {"highs": ("HiGHS",), "cbc": ("COIN_CMD", "PULP_CBC_CMD")}
INSTALL_HINT = {
    "highs": 'reinstall sharedopt (pip install -e ".[test]") to get highspy',
    "cbc": 'install CBC with: pip install "pulp[cbc]" (PuLP 4.x on Python 3.12+ no longer bundles it; '
           'PuLP 3.x on Python 3.11 does), or put a "cbc" binary on PATH',
}


class SolverUnavailableError(SharedoptError, ValueError):
    """The requested solver is unknown or not installed."""


class Backend(Protocol):
    """What :func:`sharedopt.solve.api.solve` asks of a solver backend.

    Attributes
    ----------
    name : str
        User-facing name ('highs', 'cbc').
    pulp_name : str
        The PuLP solver class used for the PuLP path.
    options : SolverOptions
    parallel_pieces : bool
        Independent pieces may be solved in parallel threads.
    prices_large_models : bool
        Large pieces go to column generation with reduced-cost fixing.
    """

    name: str
    pulp_name: str
    options: SolverOptions
    parallel_pieces: bool
    prices_large_models: bool

    def solve(self, model: PortfolioModel, time_limit: float | None, warm: np.ndarray | None,
              extra: ExtraHook | None = None) -> Piece:
        """Solve ``model`` (a whole model or one piece) within ``time_limit`` seconds."""
        ...


def _pulp_available() -> tuple[str, ...]:
    """PuLP's installed solvers, asked once per process (PuLP searches the PATH for each solver's
    program, a few milliseconds every time, and every solve and re-solve checks its solver)."""
    return _installed()


@functools.lru_cache(maxsize=1)
def _installed() -> tuple[str, ...]:
    with warnings.catch_warnings():  # PuLP 3.3 warns that PULP_CBC_CMD goes away in PuLP 4
        warnings.simplefilter("ignore", DeprecationWarning)
        return tuple(pulp.listSolvers(onlyAvailable=True))


def pulp_name(name: str) -> str | None:
    """PuLP solver class for a user-facing name, None when not installed (KeyError if unknown)."""
    available = _pulp_available()
    return next((s for s in SOLVERS[name] if s in available), None)


def available_solvers() -> list[str]:
    """User-facing names of the installed solvers, e.g. ``['highs', 'cbc']``."""
    return [name for name in SOLVERS if pulp_name(name) is not None]


def check_solver(name: str) -> str:
    """The PuLP solver class for ``name``; raise a clear error when it cannot run.

    Parameters
    ----------
    name : str
        'highs' or 'cbc' (case and surrounding spaces ignored).

    Returns
    -------
    str
        PuLP solver class name ('HiGHS', 'COIN_CMD' or 'PULP_CBC_CMD').

    Raises
    ------
    SolverUnavailableError
        Unknown name (lists the names sharedopt knows) or not installed (says how to install).
    """
    key = str(name).strip().lower()
    if key not in SOLVERS:
        raise SolverUnavailableError(
            f"solver {name!r} is unknown{did_you_mean(key, SOLVERS) or ':'} sharedopt solves with 'highs' (default) or "
            f"'cbc'; installed here: {', '.join(available_solvers()) or 'none'}. "
            f"Set [solver] name = \"highs\" or use --solver highs", setting=("solver", "name"))
    found = pulp_name(key)
    if found is None:
        raise SolverUnavailableError(
            f"solver {key!r} is not installed: {INSTALL_HINT[key]}; "
            f"installed here: {', '.join(available_solvers()) or 'none'}")
    return found


def get_backend(name: str, **options) -> Backend:
    """The backend object for solver ``name`` with ``options`` (fields of :class:`SolverOptions`).

    Parameters
    ----------
    name : str
        'highs' or 'cbc' (case and surrounding spaces ignored).
    **options
        Solver settings, e.g. ``mip_gap=0.0, time_limit=30``.

    Returns
    -------
    Backend

    Raises
    ------
    SolverUnavailableError
        Unknown name or not installed (see :func:`check_solver`).
    """
    return backend_for(SolverOptions(name=str(name).strip().lower(), **options))


def backend_for(options: SolverOptions) -> Backend:
    """The backend that ``options.name`` names, carrying ``options`` as given."""
    found = check_solver(options.name)
    return CbcBackend(options, found) if found in SOLVERS["cbc"] else HighsBackend(options)


def list_backends(only_available: bool = True) -> list[str]:
    """User-facing solver names, only the installed ones by default (like ``pulp.listSolvers``)."""
    return available_solvers() if only_available else list(SOLVERS)
