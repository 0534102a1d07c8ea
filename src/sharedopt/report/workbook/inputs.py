"""The workbook's named inputs: the levers an analyst can change on the Scenario sheet.

Each input is one cell of the Scenario sheet with a workbook-wide name (``discount_rate``,
``delivery_ratio``, ...). The cash-flow sheets compute each partnership's savings, costs
and ramp from them, and every total sums the cash-flow sheets, so changing a named input in
Excel moves the per-partnership figures, the portfolio and councils sheets and the headline.
At the run's own values every cell shows the figure of the CSVs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sharedopt.results.run_summary import RunSummary
from sharedopt.config.params import ModelParams

__all__ = ["NAMED_INPUTS", "NamedInput", "input_values", "horizon_rows"]


@dataclass(frozen=True)
class NamedInput:
    """One input cell: its workbook name, the summary's parameter, its label and number format."""

    name: str
    parameter: str
    label: str
    number_format: str


NAMED_INPUTS: tuple[NamedInput, ...] = (
    NamedInput("discount_rate", "discount_rate", "Discount rate (a year)", "0.00%"),
    NamedInput("delivery_ratio", "realisation.base",
               "Delivery ratio: share of the projected saving a partnership delivers if it succeeds", "0.00"),
    NamedInput("success_probability", "success_probability",
               "Success probability: chance a partnership is delivered (else it pays set-up and exit costs)", "0.00"),
    NamedInput("setup_ratio", "setup_ratio", "Set-up ratio: one-off cost per £ of delivered annual saving", "0.00"),
    NamedInput("horizon_years", "horizon_years", "Horizon (years of savings counted)", "0"),
    NamedInput("ramp_years", "ramp_years", "Years to full savings (the reference depth's ramp)", "0"),
)


def _defaults() -> dict[str, float]:
    params = ModelParams()
    return {"discount_rate": params.discount_rate, "realisation.base": params.realisation.base_rate(),
            "success_probability": params.success_probability, "setup_ratio": params.setup_ratio,
            "horizon_years": params.horizon_years, "ramp_years": params.ramp_years,
            "optimism_bias_cost_uplift": params.optimism_bias_cost_uplift, "exit_cost_rate": params.exit_cost_rate}


def input_values(summary: RunSummary) -> dict[str, float]:
    """The run's value of each input parameter (``summary['assumptions']``; the model's default when absent).

    Keys are the summary's parameter names: those of :data:`NAMED_INPUTS` plus
    ``optimism_bias_cost_uplift`` and ``exit_cost_rate`` (shown on each cash-flow sheet).
    """
    values = _defaults()
    for row in summary.assumptions or []:
        if row.get("parameter") in values and isinstance(row.get("value"), (int, float)):
            values[row["parameter"]] = float(row["value"])
    return values


def horizon_rows(summary: RunSummary) -> int:
    """Years the cash-flow sheets lay out (0..N): the horizon's range top, or the run's horizon if longer,
    so an analyst can lengthen the horizon up to its range without adding rows."""
    top = int(input_values(summary)["horizon_years"])
    for row in summary.assumptions or []:
        if row.get("parameter") == "horizon_years" and isinstance(row.get("range"), (list, tuple)):
            top = max(top, int(row["range"][-1]))
    return top
