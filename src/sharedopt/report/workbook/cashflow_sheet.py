"""One partnership's cash-flow sheet: its inputs, its figures as formulas over the named inputs, its years.

The valuation (:func:`sharedopt.candidates.value.money`) in cells. With ``P`` the projected annual
saving after the partnership's readiness, mode and depth multipliers, the sheet computes

* delivered saving if it succeeds ``D = P * delivery_ratio``; expected saving ``S = D * success_probability``;
* set-up cost ``(A + k * setup_ratio * MAX(D, 0)) * (1 + optimism bias)`` (``A`` the set-up cost
  the ratio does not drive, ``k`` the depth's multiplier on the ratio) and the expected one-off
  cost ``set-up * (1 + (1 - success_probability) * exit-cost rate)``;
* each year ``t``: saving ``MIN(1, t / ramp) * S`` and recurring costs ``success_probability *`` their
  cost if it succeeds, in years ``1..horizon_years``; the one-off cost in year 0;
* net cash = saving - one-off - governance - distance; NPV = year 0 + ``NPV(discount_rate, years 1..N)``.

``P``, ``A`` and the recurring costs are read back from the run's own figures, so at the run's
inputs every cell equals the CSVs; each formula is written with that value cached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell

from sharedopt.candidates.table import (
    ANNUAL_SAVING, COST_DISTANCE, COST_GOVERNANCE, DEPTH, GOVERNANCE_COST, ONE_OFF_COST, SUCCESS_PROBABILITY,
)
from sharedopt.config.assumptions import DEPTH_DEFAULTS
from sharedopt.results.cashflow import DISTANCE, FLOW_COLUMNS, NET_CASH, NET_TERMS, SAVING, TERM_LABELS

__all__ = ["BLOCK", "PartnershipInputs", "SheetLayout", "partnership_inputs", "write_cashflow_sheet"]

MONEY_FORMAT = '£#,##0"k"'
RATE_NAME = "discount_rate"

#: The partnership block: (key, label, number format, formula over named inputs and keys, or None for a value).
BLOCK: tuple[tuple[str, str, str, str | None], ...] = (
    ("projected", "Projected annual saving before the delivery ratio (£k; readiness, mode and depth applied)",
     MONEY_FORMAT, None),
    ("delivered", "Delivered annual saving if it succeeds (£k)", MONEY_FORMAT, "{projected}*delivery_ratio"),
    ("saving", "Expected annual saving (£k)", MONEY_FORMAT, "{delivered}*success_probability"),
    ("recurring_governance", "Governance and coordination if it succeeds (£k a year)", MONEY_FORMAT, None),
    ("distance", "Distance cost if it succeeds (£k a year)", MONEY_FORMAT, None),
    ("net_saving", "Expected annual net saving (£k)", MONEY_FORMAT,
     "{saving}-({recurring_governance}+{distance})*success_probability"),
    ("setup_other", "Set-up cost the set-up ratio does not drive, before optimism bias (£k)", MONEY_FORMAT, None),
    ("depth_setup", "This depth's multiplier on the set-up ratio", "0.00", None),
    ("optimism", "Optimism-bias uplift on costs", "0.00", None),
    ("setup", "Set-up cost (£k)", MONEY_FORMAT,
     "({setup_other}+{depth_setup}*setup_ratio*MAX({delivered},0))*(1+{optimism})"),
    ("exit_rate", "Exit-cost rate (share of the set-up cost, paid if it fails)", "0.00", None),
    ("one_off", "Expected one-off cost (£k)", MONEY_FORMAT, "{setup}*(1+(1-success_probability)*{exit_rate})"),
    ("ramp_offset", "This depth's years to full savings less the reference depth's", "0", None),
    ("ramp", "Years to full savings", "0", "MAX(1,ramp_years+{ramp_offset})"),
)
_KEYS = [key for key, *_ in BLOCK]


@dataclass(frozen=True)
class PartnershipInputs:
    """The block's values at the run's inputs (keys of :data:`BLOCK`)."""

    values: dict[str, float]


@dataclass(frozen=True)
class SheetLayout:
    """Where everything sits on a cash-flow sheet (0-based rows)."""

    n_figures: int
    n_years: int

    @property
    def block_first(self) -> int:
        return self.n_figures + 3

    @property
    def header(self) -> int:
        return self.block_first + len(BLOCK) + 1

    @property
    def npv_row(self) -> int:
        return self.header + self.n_years + 2

    def block_cell(self, key: str, absolute: bool = True) -> str:
        """The address of a block row's value (column B)."""
        return xl_rowcol_to_cell(self.block_first + _KEYS.index(key), 1, absolute, absolute)

    def year_range(self, column: int) -> str:
        """The absolute range of one column over every year row."""
        first, last = self.header + 1, self.header + self.n_years
        return f"{xl_rowcol_to_cell(first, column, True, True)}:{xl_rowcol_to_cell(last, column, True, True)}"


def partnership_inputs(row: pd.Series, frame: pd.DataFrame, inputs: Mapping[str, float]) -> PartnershipInputs | None:
    """The block's values read back from the run's figures (None when they cannot be inverted: no
    success probability or delivery ratio, so the sheet keeps plain values)."""
    p, base = float(row.get(SUCCESS_PROBABILITY, inputs["success_probability"])), inputs["realisation.base"]
    if p <= 0 or base <= 0:
        return None
    saving = float(row[ANNUAL_SAVING])
    governance = float(row[COST_GOVERNANCE] if COST_GOVERNANCE in row else row[GOVERNANCE_COST])
    delivered = saving / p
    exit_rate, optimism = inputs["exit_cost_rate"], inputs["optimism_bias_cost_uplift"]
    setup = float(row[ONE_OFF_COST]) / (1.0 + (1.0 - p) * exit_rate)
    depth_setup = float((DEPTH_DEFAULTS.get(row.get(DEPTH)) or {}).get("setup", 1.0))
    other = setup / (1.0 + optimism) - depth_setup * inputs["setup_ratio"] * max(delivered, 0.0)
    other = 0.0 if abs(other) <= 1e-9 * max(abs(setup), 1.0) else other  # rounding residue, not a cost
    return PartnershipInputs({
        "projected": delivered / base, "delivered": delivered, "saving": saving,
        "recurring_governance": governance / p, "distance": float(row.get(COST_DISTANCE, 0.0)) / p,
        "net_saving": saving - governance - float(row.get(COST_DISTANCE, 0.0)),
        "setup_other": other, "depth_setup": depth_setup, "optimism": optimism, "setup": setup,
        "exit_rate": exit_rate, "one_off": float(row[ONE_OFF_COST]),
        "ramp_offset": _ramp(frame, saving) - inputs["ramp_years"], "ramp": _ramp(frame, saving)})


def _ramp(frame: pd.DataFrame, saving: float) -> int:
    """Years to full savings, read from year 1's share of the full saving (1 when there is no saving)."""
    first = frame.loc[frame["year"] == 1, SAVING]
    if not len(first) or abs(saving) < 1e-12 or abs(float(first.iloc[0])) < 1e-12:
        return 1
    return max(1, round(saving / float(first.iloc[0])))


def write_cashflow_sheet(ws, styles, title: str, frame: pd.DataFrame, figures: Mapping[str, Any],
                         block: PartnershipInputs | None, layout: SheetLayout, rate: float) -> None:
    """Title, figures, the partnership block, the yearly rows (formulas over the block) and the NPV."""
    money = styles.number(MONEY_FORMAT)
    ws.write_string(0, 0, title, styles.bold)
    for r, (label, value) in enumerate(figures.items(), start=1):
        ws.write_string(r, 0, label)
        ws.write(r, 1, value)
    if block is not None:
        _write_block(ws, styles, block, layout)
    ws.write_row(layout.header, 0, ["year"] + [TERM_LABELS[c] + " (£k)" for c in FLOW_COLUMNS], styles.header)
    years = _yearly(frame, layout.n_years)
    for i, values in enumerate(years, start=layout.header + 1):
        ws.write_number(i, 0, int(values["year"]))
        for j, (name, _) in enumerate(NET_TERMS, start=1):
            formula = _term_formula(name, i, layout) if block is not None else None
            if formula is None:
                ws.write_number(i, j, float(values[name]), money)
            else:
                ws.write_formula(i, j, formula, money, float(values[name]))
        net = "=" + "".join(("+" if sign > 0 else "-") + xl_rowcol_to_cell(i, j)
                            for j, (_, sign) in enumerate(NET_TERMS, start=1)).lstrip("+")
        ws.write_formula(i, len(NET_TERMS) + 1, net, money, float(values[NET_CASH]))
    _write_npv(ws, styles, years, layout, rate)


def _write_block(ws, styles, block: PartnershipInputs, layout: SheetLayout) -> None:
    ws.write_string(layout.block_first - 1, 0, "This partnership's figures: formulas over the named inputs of "
                                               "the Scenario sheet (change one there and every figure moves)",
                    styles.block_title)
    cells = {key: layout.block_cell(key) for key in _KEYS}
    for r, (key, label, fmt, formula) in enumerate(BLOCK, start=layout.block_first):
        ws.write_string(r, 0, label)
        value = block.values[key]
        if formula is None:
            ws.write_number(r, 1, value, styles.number(fmt))
        else:
            ws.write_formula(r, 1, "=" + formula.format(**cells), styles.number(fmt), value)


def _yearly(frame: pd.DataFrame, n_years: int) -> list[dict[str, float]]:
    """The run's yearly values for years 0..n_years-1 (zeros past the run's horizon)."""
    known = {int(r["year"]): r for r in frame.to_dict("records")}
    zero = {name: 0.0 for name in FLOW_COLUMNS}
    return [{**zero, **known.get(t, {}), "year": t} for t in range(n_years)]


def _term_formula(name: str, row: int, layout: SheetLayout) -> str | None:
    """The formula of one term in one year row, over the block and the named inputs."""
    year = xl_rowcol_to_cell(row, 0, False, True)
    within = f"AND({year}>=1,{year}<=horizon_years)"
    if name == SAVING:
        return f"=IF({within},MIN(1,{year}/{layout.block_cell('ramp')})*{layout.block_cell('saving')},0)"
    if name == ONE_OFF_COST:
        return f"=IF({year}=0,{layout.block_cell('one_off')},0)"
    key = {GOVERNANCE_COST: "recurring_governance", DISTANCE: "distance"}.get(name)
    return f"=IF({within},{layout.block_cell(key)}*success_probability,0)" if key else None


def _write_npv(ws, styles, years: list[dict[str, float]], layout: SheetLayout, rate: float) -> None:
    net = len(FLOW_COLUMNS)
    first, last = layout.header + 1, layout.header + layout.n_years
    later = f"{xl_rowcol_to_cell(first + 1, net)}:{xl_rowcol_to_cell(last, net)}"
    ws.write_string(layout.npv_row, net - 1, "NPV (£k)", styles.bold)
    value = years[0][NET_CASH] + sum(v[NET_CASH] / (1 + rate) ** t for t, v in enumerate(years) if t > 0)
    ws.write_formula(layout.npv_row, net, f"={xl_rowcol_to_cell(first, net)}+NPV({RATE_NAME},{later})",
                     styles.number(MONEY_FORMAT), value)
    ws.write_string(layout.npv_row + 1, 0, "Net cash = saving - one-off cost - governance and coordination - "
                                           f"distance cost. NPV = year-0 net cash + NPV({RATE_NAME}, years 1.."
                                           f"{layout.n_years - 1}); years past horizon_years count nothing.",
                    styles.note)
    ws.set_column(0, 0, 34)
    ws.set_column(1, net, 24)
    ws.freeze_panes(layout.header + 1, 1)
