"""Readiness and partnership mode per opportunity: multipliers on the realisation base rate.

Readiness (Wales evidence note, 'Collaboration and public services improvement'):
partnerships work best with an external **sponsor**, **multi-level engagement**,
**formal reporting** and accountability, and **active** collaborative **management**.
Each council states each condition as ``yes``, ``no`` or ``unknown`` (config
``[readiness]``: a CSV ``file`` and/or a ``councils`` table). A candidate meets a
condition (``yes``) when every member meets it, fails it (``no``) when any member
fails it, and is ``unknown`` otherwise. Multiplier per condition: ``yes`` 1 + uplift
(:data:`~sharedopt.config.assumptions.READINESS_DEFAULTS`), ``no`` 1 - penalty
(:data:`~sharedopt.config.assumptions.REALISATION_DEFAULTS`), ``unknown`` the prior: the
scenario's ``[model.realisation]`` setting (1 by default, the base rate already averages
real programmes). **Co-production** (Sancino et al.: an antecedent or enabler of
collaboration) is a fifth column with its own uplift, applied when every member says yes.
**Prior collaboration**: a real arrangement (the status-quo data) between at least two
members is evidence of trust and lifts realisation by a stated share.

Partnership mode (Armistead & Pettigrew 2007): mandatory or voluntary, contract or
trust. Mapping used: mandatory + contract = **complying**; voluntary + contract or
mandatory + trust (the two balanced cases) = **constraining**; voluntary + trust =
**creating**. Default per opportunity from its vehicle: a candidate inside an existing
statutory joint authority (e.g. a joint waste disposal authority) is complying; a
shared service under a lead council, joint procurement and a merged service rest on an
agreement between willing councils (constraining); a pooled budget with one
management team and a whole-organisation shared management team are voluntary and
trust-based (creating). The mode follows the vehicle, never the candidate's kind: a
bundle of two services has the mode of its depth, as a single service does.
``[model.realisation] mode/relationship``, when set, apply to every candidate. The mode
multiplies realisation (``mode_factors``) and governance cost; no source sizes either,
so both are 1 for every mode by default and their ranges go to the uncertainty analysis.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from sharedopt.candidates.table import MEMBERS, PARTNERSHIP_MODE, WHOLE_ORGANISATION
from sharedopt.config.params import ModelParams, Realisation
from sharedopt.config.readiness import COLUMNS, CONDITIONS
from sharedopt.data.arrangements import load_arrangements

MODE_OF = {("mandated", "contract"): "complying", ("mandated", "trust"): "constraining",
           ("voluntary", "contract"): "constraining", ("voluntary", "trust"): "creating"}
MODE_PARTS = {"complying": ("mandated", "contract"), "constraining": ("voluntary", "contract"),
              "creating": ("voluntary", "trust")}
_CODE = {"yes": 1, "no": 0, "unknown": -1}
_LABEL = np.array(["no", "yes", "unknown"], dtype=object)  # index by code (-1 -> last)


def council_codes(params: ModelParams, codes: np.ndarray, column: str) -> np.ndarray:
    """Per authority (in ``codes`` order) 1 yes, 0 no, -1 unknown for one readiness column."""
    table = params.readiness.councils
    return np.array([_CODE[table.get(c, {}).get(column, "unknown")] for c in codes.tolist()], dtype=np.int8)


def group_status(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Per group: 1 when every member is yes, 0 when any member is no, else -1."""
    got = np.where(members >= 0, values[np.maximum(members, 0)], 1)
    out = np.full(len(members), -1, dtype=np.int8)
    out[(got == 1).all(axis=1)] = 1
    out[((got == 0) & (members >= 0)).any(axis=1)] = 0
    return out


def _arrangements() -> pd.DataFrame:
    return load_arrangements()


@lru_cache(maxsize=8)
def _pairs(codes: tuple[str, ...]) -> np.ndarray:
    """(n, n) True where two authorities share any real arrangement (status-quo data)."""
    index = {c: i for i, c in enumerate(codes)}
    out = np.zeros((len(codes), len(codes)), dtype=bool)
    for members in _arrangements()["members"]:
        idx = [index[m] for m in members if m in index]
        for a in idx:
            out[a, idx] = True
    np.fill_diagonal(out, False)
    return out


def any_prior_collaboration(codes: tuple[str, ...]) -> bool:
    """Whether any real arrangement joins two of ``codes`` (so the uplift applies to some group)."""
    return bool(_pairs(codes).any())


def prior_collaboration(codes: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Per group: True when at least two members already share a real arrangement."""
    pairs = _pairs(tuple(codes.tolist()))
    found = np.zeros(len(members), dtype=bool)
    for i in range(members.shape[1]):
        for j in range(i + 1, members.shape[1]):
            a, b = members[:, i], members[:, j]
            ok = (a >= 0) & (b >= 0)
            found |= ok & pairs[np.maximum(a, 0), np.maximum(b, 0)]
    return found


def statutory(codes: np.ndarray, services: tuple[str, ...], members: np.ndarray) -> np.ndarray:
    """Per group: True when all members belong to one statutory joint body for its (one) service."""
    out = np.zeros(len(members), dtype=bool)
    if len(services) != 1:
        return out
    for body in _statutory_bodies(services[0]):
        inside = np.isin(codes, list(body))
        out |= np.where(members >= 0, inside[np.maximum(members, 0)], True).all(axis=1)
    return out


@lru_cache(maxsize=64)
def _statutory_bodies(service: str) -> tuple[tuple[str, ...], ...]:
    """The member codes of each statutory joint body for ``service`` (the embedded register, read once)."""
    table = _arrangements()
    rows = table[(table["service"] == service) & table["status_as_reported"].str.lower().str.contains("statutory")]
    return tuple(tuple(body) for body in rows[MEMBERS])


def default_modes(params: ModelParams, codes, services, members, depth: str,
                  inside: np.ndarray | None = None) -> tuple[list[str], np.ndarray]:
    """Partnership mode per group: the scenario's if set, complying inside a statutory body, else the
    depth's; as the distinct modes and each group's index among them.

    ``inside``: :func:`statutory` of the groups, when the caller keeps it (it depends on the groups only).
    """
    rule = params.realisation
    if _scenario_mode(rule):
        return [MODE_OF[_parts(rule)]], np.zeros(len(members), dtype=np.intp)
    default = params.depth_settings[depth].mode if depth in params.depth_settings else "creating"
    inside = statutory(codes, services, members) if inside is None else inside
    return [default, "complying"], np.asarray(inside, dtype=np.intp)


def possible_modes(params: ModelParams, service: str, depth: str) -> list[str]:
    """Partnership modes a group of one service can have at ``depth`` (as :func:`default_modes` assigns)."""
    if _scenario_mode(params.realisation):
        return [MODE_OF[_parts(params.realisation)]]
    default = params.depth_settings[depth].mode if depth in params.depth_settings else "creating"
    return sorted({default} | ({"complying"} if _statutory_bodies(service) else set()))


def _parts(rule: Realisation) -> tuple[str, str]:
    return rule.mode or "voluntary", rule.relationship or "trust"


def _scenario_mode(rule: Realisation) -> bool:
    return rule.mode is not None or rule.relationship is not None


def mode_factor(params: ModelParams, mode: str) -> float:
    """Realisation multiplier of a partnership mode: the product of its two ``mode_factors``.

    When the scenario sets ``[model.realisation] mode/relationship`` their product applies.
    """
    rule = params.realisation
    legal, basis = _parts(rule) if _scenario_mode(rule) else MODE_PARTS[mode]
    return rule.mode_factors[legal] * rule.mode_factors[basis]


def condition_multiplier(params: ModelParams, condition: str, status: np.ndarray) -> np.ndarray:
    """Multiplier of one condition per group: yes 1 + uplift, no 1 - penalty, unknown the scenario's prior."""
    rule = params.realisation
    penalty = rule.condition_penalties.get(condition, 0.0)
    prior = 1.0 if getattr(rule, condition) else 1.0 - penalty
    uplift = params.readiness.condition_uplifts.get(condition, 0.0)
    return np.select([status == 1, status == 0], [1.0 + uplift, 1.0 - penalty], prior)


def candidate_realisation(base, params: ModelParams, services: tuple[str, ...], members: np.ndarray,
                          depth: str, kind: str | None = None, common: tuple | None = None,
                          inside: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Realisation factor per group and the checklist columns that explain it.

    Parameters
    ----------
    base : sharedopt.candidates.value.CostBase
    params : ModelParams
    services : tuple of str
    members : numpy.ndarray
        (m, k) authority indices, padded with -1.
    depth : str
        Depth of integration (:mod:`sharedopt.candidates.depth`).
    kind : str, optional
        ``"whole_organisation"``: a voluntary, trust-based shared management team (creating).
    common : tuple, optional
        :func:`readiness_common` of the same groups, when the caller values them at several depths.
    inside : numpy.ndarray, optional
        :func:`statutory` of the same groups, when the caller keeps it.

    Returns
    -------
    (numpy.ndarray, dict)
        Factor = base rate x condition multipliers x co-production and prior-collaboration
        uplifts x mode factor x depth factor x (1 - optimism_bias_saving_reduction); the
        columns ``sponsor .. active_management, co_production`` (yes/no/unknown),
        ``prior_collaboration`` (bool), ``partnership_mode`` and ``depth``.
    """
    members = np.atleast_2d(members)
    rule = params.realisation
    factor, columns = common if common is not None else readiness_common(base, params, members)
    columns = dict(columns)
    if kind == WHOLE_ORGANISATION:
        labels, index = [MODE_OF[_parts(rule)] if _scenario_mode(rule) else "creating"], np.zeros(len(members), np.intp)
    else:
        labels, index = default_modes(params, base.codes, services, members, depth, inside)
    modes = np.asarray(labels, dtype=object)[index]
    factor = factor * np.array([mode_factor(params, mode) for mode in labels])[index]
    if depth in params.depth_settings:
        factor = factor * params.depth_settings[depth].realisation
    columns.update(partnership_mode=modes,
                   depth=np.full(len(members), depth, dtype=object))
    return factor, columns


def group_statuses(base, params: ModelParams, members: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each group's status (:func:`group_status`) per readiness column, and its prior collaboration.

    They depend on the groups and the councils' stated readiness (``params.readiness.councils``),
    not on any rate: a caller valuing the same groups again may keep them.
    """
    members = np.atleast_2d(members)
    statuses = {column: group_status(council_codes(params, base.codes, column), members) for column in COLUMNS}
    return statuses, prior_collaboration(base.codes, members)


def readiness_common(base, params: ModelParams, members: np.ndarray,
                     statuses: tuple | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The part of :func:`candidate_realisation` no depth or mode changes: the base rate times the
    condition, co-production and prior-collaboration multipliers, and the checklist columns.

    ``statuses``: the groups' :func:`group_statuses`, when already known.
    """
    members = np.atleast_2d(members)
    rule, ready = params.realisation, params.readiness
    factor = np.full(len(members), rule.base_rate() * (1.0 - params.optimism_bias_saving_reduction))
    columns: dict[str, np.ndarray] = {}
    by_column, prior = statuses if statuses is not None else group_statuses(base, params, members)
    for column in COLUMNS:
        status = by_column[column]
        columns[column] = _LABEL[status]
        if column in CONDITIONS:
            factor = factor * condition_multiplier(params, column, status)
        else:
            factor = factor * np.where(status == 1, 1.0 + ready.co_production_uplift, 1.0)
    factor = factor * np.where(prior, 1.0 + ready.prior_collaboration_uplift, 1.0)
    columns["prior_collaboration"] = prior
    return factor, columns


def override_columns(rule: Realisation) -> dict[str, object]:
    """Checklist columns of a candidate whose realisation is set per candidate in the config."""
    out = {c: "yes" if getattr(rule, c) else "no" for c in CONDITIONS}
    out[PARTNERSHIP_MODE] = MODE_OF[_parts(rule)]
    return out
