"""Appraise named groups: value any group of councils exactly as the candidate table would.

``so.appraise(config, groups)`` loads the region (:func:`sharedopt.pipeline.steps.load_inputs`),
resolves each named group and values it through the candidate table's own functions
(:mod:`sharedopt.candidates.appraise`), never pruning: a loss-making group keeps its
negative NPV. Each group gets its cash flows by year, its general-fund NPV and each
member's share (:mod:`sharedopt.results.appraisal`). Write it with
:func:`sharedopt.report.appraisal.write_appraisal`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sharedopt.candidates.appraise import GROUP, appraise_groups, resolve_groups
from sharedopt.candidates.appraise_shares import myerson_table
from sharedopt.candidates.value import CostBase
from sharedopt.common.errors import ConfigError
from sharedopt.config.groups import GroupSpec, parse_group_option, read_group_file
from sharedopt.config.schema import RunConfig, load_config
from sharedopt.data.authorities import council_names
from sharedopt.pipeline.result import Inputs
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.steps import load_inputs
from sharedopt.results.appraisal import appraisal_cashflows, member_shares, with_myerson, with_ring_fenced

__all__ = ["Appraisal", "appraise", "group_specs"]


@dataclass(frozen=True)
class Appraisal:
    """Named groups valued as the candidate table values them.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per group and depth: ``group``, the candidate-table columns (every decomposed
        term, NPV, payback, the readiness checklist), ``general_fund_npv_gbp_k``,
        ``ring_fenced_npv_gbp_k`` and ``notes`` (why the candidate table would not list it).
    shares : pandas.DataFrame
        Per group and member: weight, NPV (the proportional share of the cash flows), general-fund and
        ring-fenced NPV, and the Myerson share, standalone NPV and better-off-alone flag of the
        candidate table's shares (£k).
    cashflows : pandas.DataFrame
        Per group, member and year: the cash-flow columns of ``council_cashflows.csv``.
    summary : dict
        The run's identity and settings (JSON-safe), no wall-clock figure.
    """

    groups: pd.DataFrame
    shares: pd.DataFrame
    cashflows: pd.DataFrame
    summary: dict


def group_specs(groups) -> list[GroupSpec]:
    """Group specs from specs, ``--group`` strings and paths of CSV / TOML files (a mix is fine).

    Raises
    ------
    ConfigError
        A bad spec (where it was written and the field named), or two groups with one name.
    """
    items = [groups] if isinstance(groups, (str, Path, GroupSpec)) else list(groups)
    specs = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, GroupSpec):
            specs.append(item)
        elif isinstance(item, Path) or str(item).lower().endswith((".csv", ".toml")):
            specs += read_group_file(item)
        else:
            specs.append(parse_group_option(str(item), number))
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.name in seen:
            raise spec.fail("name", f"{spec.name!r} is already the name of the group at {seen[spec.name]}; "
                                    "give each group its own name")
        seen[spec.name] = spec.where
    if not specs:
        raise ConfigError("no group to appraise: give --group or a group file")
    return specs


def _config(config) -> RunConfig:
    if isinstance(config, Scenario):
        return config.config
    return config if isinstance(config, RunConfig) else load_config(config)


def appraise(config, groups: Iterable | str | Path, *, allow_unconnected: bool = False,
             inputs: Inputs | None = None) -> Appraisal:
    """Value named groups with the candidate table's code, none pruned.

    Parameters
    ----------
    config : RunConfig, Scenario, str or pathlib.Path
        The scenario (its region, data and ``[model]`` settings).
    groups : iterable or str or pathlib.Path
        :class:`~sharedopt.config.groups.GroupSpec` objects, ``--group`` strings
        (``"[NAME=]E06000047+E06000005:Central_Services[@depth]"``) or a CSV / TOML file.
    allow_unconnected : bool
        Value groups whose members are not connected neighbours for the service (the
        candidate table never lists them; the notes say so). Default: refuse them.
    inputs : Inputs, optional
        Loaded data to reuse (default: loaded from ``config``).

    Returns
    -------
    Appraisal
    """
    config = _config(config)
    specs = group_specs(groups)
    inputs = inputs if inputs is not None else load_inputs(config)
    base = CostBase.from_frames(inputs.authorities, inputs.costs, config.model)
    names = council_names(inputs.authorities)
    resolved = resolve_groups(specs, base, config.model, inputs.graphs, names, allow_unconnected)
    table = appraise_groups(base, config.model, resolved)
    flows = appraisal_cashflows(table, base, config.model)
    table = with_ring_fenced(table, flows)
    shares = with_myerson(member_shares(flows), myerson_table(base, config.model, inputs.graphs, resolved))
    return Appraisal(table, shares, flows, _summary(config, table))


def _summary(config: RunConfig, table: pd.DataFrame) -> dict:
    model = config.model
    return {
        "name": config.name, "region": config.region.name, "data_year": config.data.year,
        "discount_rate": model.discount_rate, "horizon_years": model.horizon_years, "ramp_years": model.ramp_years,
        "n_groups": int(table[GROUP].nunique()) if len(table) else 0, "n_rows": int(len(table)),
        "note": "Each group is valued by the candidate table's own code (realisation, readiness, depth, "
                "partnership mode, savings model), never pruned; 'notes' says where the candidate table "
                "would not list it. Money in £ thousand; NPV = general-fund NPV + ring-fenced NPV.",
    }
