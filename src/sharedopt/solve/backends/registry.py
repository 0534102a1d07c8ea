"""Solver registry: the user-facing solver names, which are installed, and a clear error.

In the style of PuLP's ``getSolver(name)`` / ``listSolvers(onlyAvailable=True)``, but
with sharedopt's own names: ``'highs'`` (default, through ``highspy``) and ``'cbc'``
(through PuLP: the ``cbc`` binary PuLP 3.x bundles, or on PuLP 4.x the ``cbcbox``
wheel that ``pip install "pulp[cbc]"`` brings, or a ``cbc`` binary on PATH).
:func:`check_solver` is called by the CLI (``run``, ``validate``) and by
:func:`sharedopt.run.pipeline.run` before any data is loaded.
"""

from __future__ import annotations

import warnings

import pulp

from sharedopt.common.errors import SharedoptError

__all__ = ["SOLVERS", "CBC_NAMES", "SolverUnavailableError", "available_solvers", "check_solver",
           "pulp_name", "user_name"]

#: user-facing name -> PuLP solver classes that provide it, first available wins
SOLVERS: dict[str, tuple[str, ...]] = {"highs": ("HiGHS",), "cbc": ("COIN_CMD", "PULP_CBC_CMD")}
CBC_NAMES = SOLVERS["cbc"]
INSTALL_HINT = {
    "highs": 'reinstall sharedopt (pip install -e ".[test]") to get highspy',
    "cbc": 'install CBC with: pip install "pulp[cbc]" (PuLP 4.x on Python 3.12+ no longer bundles it; '
           'PuLP 3.x on Python 3.11 does), or put a "cbc" binary on PATH',
}


class SolverUnavailableError(SharedoptError, ValueError):
    """The requested solver is unknown or not installed."""


def _pulp_available() -> list[str]:
    with warnings.catch_warnings():  # PuLP 3.3 warns that PULP_CBC_CMD goes away in PuLP 4
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.listSolvers(onlyAvailable=True)


def pulp_name(name: str) -> str | None:
    """PuLP solver class for a user-facing name, None when not installed (KeyError if unknown)."""
    available = _pulp_available()
    return next((s for s in SOLVERS[name] if s in available), None)


def user_name(pulp_solver: str) -> str:
    """User-facing name of a PuLP solver class ('PULP_CBC_CMD' -> 'cbc')."""
    return next((k for k, names in SOLVERS.items() if pulp_solver in names), pulp_solver)


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
            f"solver {name!r} is unknown: sharedopt solves with 'highs' (default) or 'cbc'; "
            f"installed here: {', '.join(available_solvers()) or 'none'}. "
            f"Set [solver] name = \"highs\" or use --solver highs")
    found = pulp_name(key)
    if found is None:
        raise SolverUnavailableError(
            f"solver {key!r} is not installed: {INSTALL_HINT[key]}; "
            f"installed here: {', '.join(available_solvers()) or 'none'}")
    return found
