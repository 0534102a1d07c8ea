"""One strict schema for the table-valued settings, checked on the config as written.

A table in a config (``whole_org_overhead_share = { district = 0.8 }``) used to be taken
as it came: a misspelled key was a new entry nobody read, a partial table silently
replaced the defaults, and ``true`` or ``"10"`` passed as numbers. Before the config is
validated, :func:`table_problems` checks the TOML as written (so every problem has the
file's line):

- keys come from a closed set (:data:`TABLES`: tiers, services, conditions, modes,
  readiness columns), with "did you mean";
- a ``[model.depth_settings.<name>]`` that is not a known depth must define every field
  (a misspelled depth is refused, not made a new one);
- a Monte Carlo distribution names a numeric setting that exists and gives exactly the
  parameters of its ``dist``;
- numbers are numbers: a boolean or quoted text where a number is expected is refused
  (no coercion), and a boolean setting takes only ``true`` or ``false``.

:func:`merge_defaults` then fills a partial table from the defaults and says so (a note).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from sharedopt.common.suggest import did_you_mean
from sharedopt.config.assumptions import (
    DEPTH_DEFAULTS, READINESS_DEFAULTS, REALISATION_DEFAULTS, RING_FENCED_SHARES, SERVICE_DEFAULTS,
    WHOLE_ORG_DEFAULTS,
)
from sharedopt.config.readiness import COLUMNS as READINESS_COLUMNS

__all__ = ["DIST_KEYS", "Problem", "TABLES", "distribution_problems", "known_keys", "merge_defaults", "table_problems"]


@dataclass(frozen=True)
class Problem:
    """One refused setting: where (``loc``, the TOML key path), what is wrong and the fix."""

    loc: tuple
    message: str


@dataclass(frozen=True)
class Table:
    """A table-valued setting whose keys come from a closed set, with its defaults (if any)."""

    what: str  # what its keys are, for messages
    keys: tuple[str, ...]
    defaults: dict[str, float] | None = None


_SERVICES = tuple(row["service"] for row in SERVICE_DEFAULTS)
_CONDITIONS = tuple(READINESS_DEFAULTS["condition_uplifts"]["value"])
_PENALTIES = Table("conditions", tuple(REALISATION_DEFAULTS["condition_penalties"]["value"]),
                   dict(REALISATION_DEFAULTS["condition_penalties"]["value"]))
_MODE_FACTORS = Table("modes and relationships", tuple(REALISATION_DEFAULTS["mode_factors"]["value"]),
                      dict(REALISATION_DEFAULTS["mode_factors"]["value"]))
_UPLIFTS = Table("conditions", _CONDITIONS, dict(READINESS_DEFAULTS["condition_uplifts"]["value"]))
_GOVERNANCE = Table("partnership modes", tuple(READINESS_DEFAULTS["mode_governance_factors"]["value"]),
                    dict(READINESS_DEFAULTS["mode_governance_factors"]["value"]))

#: every closed-key table, by its path in the TOML ("*" is any key: a council code, a candidate id)
TABLES: dict[tuple[str, ...], Table] = {
    ("model", "whole_org_overhead_share"): Table(
        "council tiers", tuple(WHOLE_ORG_DEFAULTS["whole_org_overhead_share"]["value"]),
        dict(WHOLE_ORG_DEFAULTS["whole_org_overhead_share"]["value"])),
    ("model", "ring_fenced_shares"): Table(
        "services", _SERVICES, {k: v["value"] for k, v in RING_FENCED_SHARES.items()}),
    ("model", "realisation", "condition_penalties"): _PENALTIES,
    ("model", "realisation", "mode_factors"): _MODE_FACTORS,
    ("model", "realisation_overrides", "*", "condition_penalties"): _PENALTIES,
    ("model", "realisation_overrides", "*", "mode_factors"): _MODE_FACTORS,
    ("readiness", "condition_uplifts"): _UPLIFTS,
    ("model", "readiness", "condition_uplifts"): _UPLIFTS,
    ("readiness", "mode_governance_factors"): _GOVERNANCE,
    ("model", "readiness", "mode_governance_factors"): _GOVERNANCE,
    ("readiness", "councils", "*"): Table("readiness columns", READINESS_COLUMNS),
    ("model", "readiness", "councils", "*"): Table("readiness columns", READINESS_COLUMNS),
}

#: Each Monte Carlo distribution and its parameters (sharedopt.pipeline.uncertainty.draw_value).
DIST_KEYS = {"normal": ("sd",), "lognormal": ("sigma",), "uniform": ("low", "high"),
             "triangular": ("low", "mode", "high"), "split": ("low", "mode", "high")}


def _tables_in(raw: dict) -> list[tuple[tuple, dict, Table]]:
    """Every (path, table as given, its spec) present in ``raw``."""
    found = []
    for pattern, spec in TABLES.items():
        nodes: list[tuple[tuple, Any]] = [((), raw)]
        for part in pattern:
            nodes = [(path + (key,), node[key]) for path, node in nodes if isinstance(node, dict)
                     for key in (node if part == "*" else [part]) if key in node]
        found += [(path, node, spec) for path, node in nodes if isinstance(node, dict)]
    return found


def _section(raw: dict, name: str) -> dict:
    """A top-level section as a dict ({} when absent or not a table: the config's own check says so)."""
    value = raw.get(name)
    return value if isinstance(value, dict) else {}


def _unknown_keys(path: tuple, given: dict, spec: Table) -> list[Problem]:
    dotted = ".".join(path)
    return [Problem(path + (key,), f"unknown key '{key}' in {dotted}{did_you_mean(key, spec.keys)} "
                                   f"({spec.what}: {', '.join(spec.keys)})")
            for key in given if key not in spec.keys]


def _depth_list_problems(raw: dict, settings: dict) -> list[Problem]:
    """Each name in ``[model] depths`` is a known depth or one defined under ``[model.depth_settings]``."""
    depths = _section(raw, "model").get("depths")
    known = [*DEPTH_DEFAULTS, *(k for k in settings if k not in DEPTH_DEFAULTS)]
    return [Problem(("model", "depths"), f"'{name}' is not a known depth{did_you_mean(name, known)} (depths: "
                                         f"{', '.join(known)}; or define it under [model.depth_settings.{name}])")
            for name in (depths if isinstance(depths, list) else []) if isinstance(name, str) and name not in known]


def _depth_problems(raw: dict, root: type[BaseModel]) -> list[Problem]:
    settings = _section(raw, "model").get("depth_settings")
    if not isinstance(settings, dict):
        settings = {}
    depth = get_args(root.model_fields["model"].annotation.model_fields["depth_settings"].annotation)[1]
    required = [name for name, field in depth.model_fields.items() if field.is_required()]
    problems = _depth_list_problems(raw, settings)
    for name, given in settings.items():
        missing = [f for f in required if f not in (given if isinstance(given, dict) else {})]
        if name not in DEPTH_DEFAULTS and missing:
            problems.append(Problem(("model", "depth_settings", name), (
                f"'{name}' is not a known depth{did_you_mean(name, DEPTH_DEFAULTS)} (depths: "
                f"{', '.join(DEPTH_DEFAULTS)}); to define a new depth, give all of its settings "
                f"(missing: {', '.join(missing)})")))
    return problems


def _setting_type(root: type[BaseModel], dotted: str):
    """The type of the setting at ``dotted`` (e.g. 'model.realisation.base'), or None if there is none."""
    node: Any = root
    for part in dotted.split("."):
        node = _optional(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(part)
            if field is None:
                return None
            node = field.annotation
        elif get_origin(node) is dict:
            node = get_args(node)[1]
        else:
            return None
    return _optional(node)


def known_keys(root: type[BaseModel], loc: tuple) -> list[str]:
    """The keys a config may give at ``loc`` (a section path such as ``("model", "realisation")``); [] if unknown."""
    node: Any = root
    for part in loc:
        if isinstance(part, int):
            node = _optional(node)
            node = get_args(node)[0] if get_origin(node) in (list, tuple) and get_args(node) else None
            continue
        node = _setting_type(node, str(part)) if isinstance(node, type) and issubclass(node, BaseModel) else (
            get_args(_optional(node))[1] if get_origin(_optional(node)) is dict else None)
        if node is None:
            return []
    node = _optional(node)
    return list(node.model_fields) if isinstance(node, type) and issubclass(node, BaseModel) else []


def _numeric_paths(node, prefix: str = "") -> list[str]:
    """Dotted keys of every number setting under a config model (tables left out)."""
    node = _optional(node)
    if node in (float, int):
        return [prefix]
    if isinstance(node, type) and issubclass(node, BaseModel):
        return [p for name, field in node.model_fields.items()
                for p in _numeric_paths(field.annotation, f"{prefix}.{name}" if prefix else name)]
    return []


def _distribution_problems(raw: dict, root: type[BaseModel]) -> list[Problem]:
    specs = _section(raw, "uncertainty").get("distributions")
    if not isinstance(specs, dict):
        return []
    return [Problem(("uncertainty", "distributions") + p.loc, p.message) for p in distribution_problems(specs, root)]


def distribution_problems(specs: dict, root: type[BaseModel]) -> list[Problem]:
    """Every problem of Monte Carlo distributions ``{dotted key or "costs": spec}``: the one check of them.

    A key must be a numeric ``model.`` or ``constraints.`` setting, or ``costs`` (which takes a
    lognormal ``sigma`` or a normal relative ``sd``); a spec gives exactly the parameters of its
    ``dist`` (:data:`DIST_KEYS`), as numbers, with a spread of at least 0 and ``low <= mode <= high``.

    Parameters
    ----------
    specs : dict
        ``[uncertainty] distributions`` as written (or as given to ``uncertainty()``).
    root : type
        The config model (:class:`sharedopt.config.schema.RunConfig`), for the settings' types.

    Returns
    -------
    list of Problem
        ``loc`` is ``(key,)`` or ``(key, parameter)``; empty when every spec passes.
    """
    problems = []
    for key, spec in specs.items():
        kind = _setting_type(root, key) if key != "costs" else float
        if kind in (float, int) and key != "costs" and not key.startswith(_DRAWN):
            problems.append(Problem((key,), f"'{key}' cannot be drawn: Monte Carlo draws change settings under "
                                            f"{' and '.join(_DRAWN)} (or 'costs')"))
        elif kind not in (float, int):
            hint = did_you_mean(key, [p for p in _numeric_paths(root) if p.startswith(_DRAWN)])
            problems.append(Problem((key,), f"'{key}' is not a numeric setting{hint} (give a dotted key such as "
                                            "'model.realisation.base' or 'model.discount_rate', or 'costs')"))
        if not isinstance(spec, dict):
            problems.append(Problem((key,), f"{_toml(spec)} is not a table; write e.g. "
                                            '{ dist = "uniform", low = 0.3, high = 0.9 }'))
            continue
        problems += _spec_problems(key, spec)
    return problems


_DRAWN = ("model.", "constraints.")  # the sections a Monte Carlo draw may change
_COST_DISTS = ("lognormal", "normal")  # spend is multiplied by its own draw (pipeline.uncertainty.cost_factors)


def _spec_problems(key: str, spec: dict) -> list[Problem]:
    dist, loc = spec.get("dist"), (key,)
    kinds = _COST_DISTS if key == "costs" else tuple(DIST_KEYS)
    if "dist" not in spec:
        typo = [f"; '{k}' is not a parameter, did you mean 'dist'?" for k in spec if did_you_mean(k, ["dist"])]
        return [Problem(loc, f"the distribution needs dist = one of {', '.join(kinds)}{''.join(typo[:1])}")]
    if dist not in kinds:
        what = "costs take" if key == "costs" else "dist must be one of"
        return [Problem(loc + ("dist",), f"{what} {', '.join(kinds)}, got {_toml(dist)}"
                                         f"{did_you_mean(str(dist), kinds)}")]
    allowed = ("dist", *DIST_KEYS[dist])
    problems = [Problem(loc + (k,), f"unknown key '{k}' for a {dist} distribution{did_you_mean(k, allowed)} "
                                    f"(a {dist} distribution takes {', '.join(DIST_KEYS[dist])})")
                for k in spec if k not in allowed]
    missing = [k for k in DIST_KEYS[dist] if k not in spec]
    if missing:
        problems.append(Problem(loc, f"a {dist} distribution needs {', '.join(DIST_KEYS[dist])}; "
                                     f"add {', '.join(missing)}"))
    return problems + _parameter_problems(loc, dist, {k: v for k, v in spec.items() if k in DIST_KEYS[dist]})


def _parameter_problems(loc: tuple, dist: str, params: dict) -> list[Problem]:
    """A distribution's parameters: numbers, a spread of at least 0, ``low <= mode <= high``."""
    bad = [Problem(loc + (k,), f"{_toml(v)} is {_kind(v)}, not a number; write a number without quotes")
           for k, v in params.items() if isinstance(v, (bool, str)) or not isinstance(v, (int, float))]
    if bad or len(params) < len(DIST_KEYS[dist]):
        return bad  # a missing parameter is said by the caller
    spread = params.get("sd", params.get("sigma"))
    if spread is not None and not spread >= 0:  # 0 is a point mass, as low == high: every draw the same
        name = "sd" if "sd" in params else "sigma"
        return [Problem(loc, f"a {dist} distribution needs {name} >= 0 (0 draws the value itself), got {spread:g}")]
    order = [params[k] for k in ("low", "mode", "high") if k in params]
    if order and order != sorted(order):  # low == high is a point mass: every draw the same
        shown = ", ".join(f"{k} = {params[k]:g}" for k in ("low", "mode", "high") if k in params)
        return [Problem(loc, f"a {dist} distribution needs low <= high{' and low <= mode <= high' if 'mode' in params else ''}, "
                             f"got {shown}")]
    return []


def _optional(annotation):
    """``X`` for ``X | None``; the annotation itself otherwise."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation


def _toml(value) -> str:
    """A value as TOML writes it (``true``, ``"10"``)."""
    return str(value).lower() if isinstance(value, bool) else f'"{value}"' if isinstance(value, str) else repr(value)


def _kind(value) -> str:
    return "a boolean" if isinstance(value, bool) else "quoted text" if isinstance(value, str) else "not a number"


def _coercions(value, annotation, loc: tuple) -> list[Problem]:
    """Values of the wrong JSON kind for ``annotation``: booleans and text given as numbers, and so on."""
    annotation = _optional(annotation)
    origin = get_origin(annotation)
    if annotation in (float, int):
        if isinstance(value, (bool, str)):
            example = "0.5" if annotation is float else "3"
            return [Problem(loc, f"{_toml(value)} is {_kind(value)}, not a number; write a number without "
                                 f"quotes (e.g. {example})")]
    elif annotation is bool:
        if not isinstance(value, bool):
            return [Problem(loc, f"{_toml(value)} is not true or false; write true or false (no quotes)")]
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(value, dict):
        return [p for key, item in value.items() if key in annotation.model_fields
                for p in _coercions(item, annotation.model_fields[key].annotation, loc + (key,))]
    elif origin is dict and isinstance(value, dict):
        return [p for key, item in value.items() for p in _coercions(item, get_args(annotation)[1], loc + (key,))]
    elif origin is list and isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _coercions(item, get_args(annotation)[0], loc + (i,))]
    elif origin is tuple and isinstance(value, list) and Ellipsis not in get_args(annotation):
        return [p for i, (item, kind) in enumerate(zip(value, get_args(annotation)))
                for p in _coercions(item, kind, loc + (i,))]
    elif origin is Literal:
        return []
    return []


def table_problems(raw: dict, root: type[BaseModel]) -> list[Problem]:
    """Every refused table key, depth, distribution and coerced value in a config as written.

    Parameters
    ----------
    raw : dict
        The config as parsed from TOML (``[readiness]`` still its own section).
    root : type
        The config model (:class:`sharedopt.config.schema.RunConfig`), for the settings' types.

    Returns
    -------
    list of Problem
        Empty when the config passes.
    """
    problems = [p for path, given, spec in _tables_in(raw) for p in _unknown_keys(path, given, spec)]
    problems += _depth_problems(raw, root) + _distribution_problems(raw, root)
    model = root.model_fields["model"].annotation
    for key, value in raw.items():
        if key == "readiness":  # moved into [model.readiness] later
            problems += _coercions(value, model.model_fields["readiness"].annotation, (key,))
        elif key in root.model_fields:
            problems += _coercions(value, root.model_fields[key].annotation, (key,))
    return problems


def merge_defaults(raw: dict) -> tuple[dict, list[tuple[tuple, str]]]:
    """``raw`` with every partial table completed from its defaults, and a note per table completed.

    Returns
    -------
    raw : dict
        A copy where needed; the caller's dict is not changed.
    notes : list of (loc, str)
        Where and what was filled in, e.g. "ring_fenced_shares gives Education only; the
        default is kept for Public_Health (0.9)".
    """
    notes = []
    for path, given, spec in _tables_in(raw):
        missing = {k: v for k, v in (spec.defaults or {}).items() if k not in given}
        if not missing or spec.defaults is None:
            continue
        raw = _set(raw, path, {**spec.defaults, **given})
        kept = ", ".join(f"{k} ({v:g})" for k, v in missing.items())
        notes.append((path, f"[{'.'.join(path)}] gives {', '.join(given) or 'nothing'}; a partial table adds "
                            f"to the defaults, so the default{'s are' if len(missing) > 1 else ' is'} kept for "
                            f"{kept}"))
    return raw, notes


def _set(raw: dict, path: tuple, value) -> dict:
    """A copy of ``raw`` with ``value`` at ``path`` (the dicts on the way copied)."""
    out = dict(raw)
    node = out
    for part in path[:-1]:
        node[part] = dict(node[part])
        node = node[part]
    node[path[-1]] = value
    return out
