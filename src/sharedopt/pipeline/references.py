"""Every reference a config makes, checked in one place against the region and the catalogue.

A config names services (``[data] services``, ``[model.services.X]``, scope pairs,
``max_per_service_overrides``, existing partnerships), council codes (links,
governance overrides, pairs, existing partnerships) and candidate ids (``forced``,
``forbidden``, ``realisation_overrides``). A typo in any of them used to pass
silently and change the answer. :func:`check_references` checks them all, before
any enumeration, for ``sharedopt validate`` and ``sharedopt run`` alike, and raises
one :class:`~sharedopt.common.errors.ConfigError` listing every problem with the config
file, line and key, and a "did you mean" where a known name is close.
"""

from __future__ import annotations

from dataclasses import dataclass

from sharedopt.candidates.table import WHOLE_ORGANISATION_LABEL, split_id
from sharedopt.common.errors import ConfigError, SharedoptError
from sharedopt.common.suggest import did_you_mean
from sharedopt.config.params import Realisation
from sharedopt.config.schema import config_source, key_line
from sharedopt.data.authorities import authority_table
from sharedopt.data.services import service_names

__all__ = ["Problem", "at_setting", "check_references", "reference_problems"]


@dataclass(frozen=True)
class Problem:
    """One bad reference: where in the config (``loc``) and what is wrong."""

    loc: tuple
    message: str
    value: str = ""


class _Checker:
    """Collects problems for one config against one region and catalogue."""

    def __init__(self, region: dict[str, str], everywhere: dict[str, str], services: list[str]):
        self.region, self.everywhere, self.services = region, everywhere, services
        self.problems: list[Problem] = []

    def service(self, loc: tuple, name: str) -> bool:
        if name in self.services:
            return True
        self.problems.append(Problem(loc, f"unknown service '{name}'{did_you_mean(name, self.services)} "
                                          f"(services: {', '.join(self.services)})", str(name)))
        return False

    def code(self, loc: tuple, code: str) -> bool:
        code = str(code).strip()
        if code in self.region:
            return True
        if code in self.everywhere:
            self.problems.append(Problem(loc, f"council '{code}' ({self.everywhere[code]}) is not in the "
                                              "selected region; remove it or widen the region", code))
        else:
            hint = did_you_mean(code, self.region, self.region, cutoff=0.85)  # one character off
            self.problems.append(Problem(loc, f"unknown council code '{code}'{hint} (give a GSS code of "
                                              "a council in the selected region)", code))
        return False

    def candidate(self, loc: tuple, cid: str) -> None:
        parts = split_id(str(cid))[0].split("|")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            self.problems.append(Problem(loc, f"candidate id '{cid}' is not of the form "
                                              "'<service>[+<service>]|<code>[+<code>...]' (see candidates.csv)",
                                         str(cid)))
            return
        services, members = parts[0].split("+"), parts[1].split("+")
        if len(services) > 2 or len(set(services)) != len(services):
            self.problems.append(Problem(loc, f"candidate id '{cid}': one or two different services"))
        for name in services if services != [WHOLE_ORGANISATION_LABEL] else []:  # whole-organisation ids
            self.service(loc, name)
        if len(set(members)) != len(members):
            self.problems.append(Problem(loc, f"candidate id '{cid}': a council is listed twice"))
        elif members != sorted(members):
            fixed = str(cid).replace(parts[1], "+".join(sorted(members)), 1)
            self.problems.append(Problem(loc, f"candidate id '{cid}': its councils are out of order; write "
                                              f"'{fixed}' (ids list the codes sorted, as in candidates.csv)",
                                         str(cid)))
        for code in members:
            self.code(loc, code)


def _check_region(config, c: _Checker) -> None:
    for i, link in enumerate(config.region.links):
        for end in ("a", "b"):
            c.code(("region", "links", i, end), getattr(link, end))


def _check_data(config, c: _Checker) -> None:
    for name in config.data.services or []:
        c.service(("data", "services"), name)


def _check_model(config, c: _Checker) -> None:

    model = config.model
    for pair in model.scope_pairs:
        for name in pair.services:
            c.service(("model", "scope_pairs"), name)
    rules = [(("model", "realisation"), model.realisation)]
    for cid, rule in model.realisation_overrides.items():
        c.candidate(("model", "realisation_overrides", cid), cid)
        rules.append((("model", "realisation_overrides", cid), rule))
    written = config_source(config)[1]
    for code in model.readiness.councils:  # from [readiness.councils], else a row of the readiness file
        c.code(("readiness", "councils", code) if code in written else ("readiness", "file"), code)
    conditions = [k for k, v in Realisation.model_fields.items() if v.annotation is bool]
    for loc, rule in rules:
        for key in rule.condition_penalties:
            if key not in conditions:
                c.problems.append(Problem(loc + ("condition_penalties",), f"unknown condition '{key}'"
                                          f"{did_you_mean(key, conditions)} (conditions: {', '.join(conditions)})"))
        for key in (rule.mode or "voluntary", rule.relationship or "trust", "mandated", "contract"):
            if key not in rule.mode_factors:
                c.problems.append(Problem(loc + ("mode_factors",), f"no factor for '{key}'; give one "
                                          f"(factors: {', '.join(rule.mode_factors)})"))


def _check_constraints(config, c: _Checker) -> None:
    cons = config.constraints
    for code in cons.governance_overrides:
        c.code(("constraints", "governance_overrides", code), code)
    for name in cons.max_per_service_overrides:
        c.service(("constraints", "max_per_service_overrides", name), name)
    for key in ("forced", "forbidden"):
        for cid in getattr(cons, key):
            c.candidate(("constraints", key), cid)
    for key in ("forced_pairs", "forbidden_pairs"):
        for pair in getattr(cons, key):
            for code in pair:
                c.code(("constraints", key), code)
    for i, ex in enumerate(cons.existing):
        c.service(("constraints", "existing", i, "service"), ex.service)
        for code in ex.members:
            c.code(("constraints", "existing", i, "members"), code)


def reference_problems(config, region: dict[str, str], services: list[str],
                       everywhere: dict[str, str] | None = None) -> list[Problem]:
    """Every bad reference in ``config``.

    Parameters
    ----------
    config : RunConfig
        The validated config.
    region : dict of str to str
        Code -> name of the authorities of the run's region.
    services : list of str
        Service catalogue names.
    everywhere : dict of str to str, optional
        Code -> name of every known authority (to tell "not in the region" from "unknown").

    Returns
    -------
    list of Problem
        Empty when every reference resolves.
    """
    checker = _Checker(dict(region), dict(everywhere or {}), list(services))
    for step in (_check_region, _check_data, _check_model, _check_constraints):
        step(config, checker)
    return checker.problems


def check_references(config, authorities, services: list[str] | None = None) -> None:
    """Raise a ConfigError listing every reference in ``config`` that does not resolve.

    Parameters
    ----------
    config : RunConfig
    authorities : pandas.DataFrame
        The loaded authorities of the region, indexed by code, with ``name``.
    services : list of str, optional
        Service catalogue (default: the full embedded catalogue).

    Raises
    ------
    ConfigError
        One line per problem: ``file:line: [dotted.key] what is wrong; did you mean ...``.
    """
    services = services if services is not None else service_names(include_non_council=True)
    region = {str(k): str(v) for k, v in authorities["name"].items()}
    everywhere = {str(k): str(v) for k, v in authority_table()["name"].items()}
    problems = reference_problems(config, region, services, everywhere)
    if problems:
        raise ConfigError(format_problems(config, problems))


def at_setting(config, error: SharedoptError) -> ConfigError:
    """``error`` (which names the setting it comes from) as a config error at that setting's file and line.

    For example ``region: unknown region 'north-eats'`` becomes
    ``c.toml:2: [region.name] unknown region 'north-eats'; did you mean 'north-east'? ...``.
    """
    section, key = error.setting[0], ".".join(error.setting[1:])
    message = str(error).removeprefix(f"[{section}] {key}: ").removeprefix(f"[{section}] ").removeprefix(f"{section}: ")
    return ConfigError(format_problems(config, [Problem(error.setting, message)]), setting=error.setting)


def format_problems(config, problems: list[Problem]) -> str:
    """One line per problem, with the config file and line where known."""
    source, text = config_source(config)
    lines = []
    for problem in problems:
        line = _line_of(text, problem) if text else None
        where = f"{source}:{line}" if line else source
        dotted = ".".join(str(p) for p in problem.loc)
        lines.append(f"{where}: [{dotted}] {problem.message}")
    return "\n".join(dict.fromkeys(lines))


def _line_of(text: str, problem: Problem) -> int | None:
    """Line of the offending value at or after its key's line, else the key's (or enclosing key's) line."""
    line = None
    for end in range(len(problem.loc), 0, -1):  # the key, else the nearest enclosing one
        line = key_line(text, problem.loc[:end])
        if line:
            break
    if problem.value:
        lines = text.splitlines()
        start = (line or 1) - 1
        for number in list(range(start, len(lines))) + list(range(0, start)):
            if problem.value in lines[number].split("#")[0]:
                return number + 1
    return line
