"""Which part of a poolable budget scale and scope economies act on: physical and human capital.

Each member's poolable budget splits into a human-capital part (specialist staff: the share
``h`` of :mod:`sharedopt.data.capital`) and a physical-capital part (plant, property and
contracts: ``1 - h``). Scale economies act on the physical part and on ``scale_on_human`` of
the human part; scope economies on the human part and on ``scope_on_physical`` of the
physical part (:data:`sharedopt.config.assumptions.CAPITAL_ACTION`). Pure functions of
arrays and parameters, so every valuation path (the table, appraisal, column generation's
pricer) weights the budget the same way.
"""

from __future__ import annotations

import numpy as np

from sharedopt.config.assumptions import CAPITAL_ACTION, HUMAN_CAPITAL_FALLBACK

SCALE, SCOPE = "scale", "scope"


def human_shares(human: np.ndarray | None, col: int, n: int, params, service: str) -> np.ndarray:
    """Human-capital share per authority for one service.

    Parameters
    ----------
    human : numpy.ndarray or None
        (authority, service) shares from the data (NaN: no council of the class has detail); None: none loaded.
    col : int
        The service's column of ``human``.
    n : int
        Number of authorities.
    params : sharedopt.config.params.ModelParams
        Its service's ``human_capital_share``, when set in the config, is used for every authority.
    service : str
        The service.

    Returns
    -------
    numpy.ndarray
        The data's share where there is one, else :data:`~sharedopt.config.assumptions.HUMAN_CAPITAL_FALLBACK`.
    """
    override = params.services[service].human_capital_share
    if override is not None:
        return np.full(n, float(override))
    fallback = float(HUMAN_CAPITAL_FALLBACK["value"])
    if human is None:
        return np.full(n, fallback)
    return np.where(np.isnan(human[:, col]), fallback, human[:, col])


def acting_share(human: np.ndarray, params, economy: str) -> np.ndarray:
    """Share of the poolable budget an economy acts on, per authority.

    ``scale``: ``(1 - h) + scale_on_human * h``; ``scope``: ``h + scope_on_physical * (1 - h)``.
    Both are 1 when the parameter is 1 (no distinction) and lie in [0, 1].
    """
    h = np.clip(np.asarray(human, dtype=float), 0.0, 1.0)
    if economy == SCALE:
        return (1.0 - h) + params.scale_on_human * h
    if economy == SCOPE:
        return h + params.scope_on_physical * (1.0 - h)
    raise ValueError(f"economy must be '{SCALE}' or '{SCOPE}', got {economy!r}")


def assumption_rows(params) -> list[dict]:
    """The run's capital-action parameters and each service's human-capital share source (summary rows)."""
    rows = []
    for key in ("scale_on_human", "scope_on_physical"):
        value, default = getattr(params, key), CAPITAL_ACTION["value"][key]
        rows.append({"parameter": key, "value": value, "range": list(CAPITAL_ACTION["range"]),
                     "evidence": list(CAPITAL_ACTION["evidence"]),
                     "source": CAPITAL_ACTION["source"] if value == default else "config override"})
    for service, sp in sorted(params.services.items()):
        if sp.eligible:
            rows.append({"parameter": f"{service}.human_capital_share", "value": sp.human_capital_share,
                         "range": list(HUMAN_CAPITAL_FALLBACK["range"]), "source": (
                             "data: each council's employees / (employees + running expenses) of its poolable "
                             "lines (data/derived/capital_split.csv; class median or HUMAN_CAPITAL_FALLBACK "
                             f"{HUMAN_CAPITAL_FALLBACK['value']:.2f} where none, labelled; counts in data_quality)"
                             if sp.human_capital_share is None else "config override: used for every council")})
    return rows
